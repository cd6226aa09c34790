// Appended to bench/nginx/gw.js + transforms/halopsa.js by bench/load.sh to make the njs module nginx runs: the same transform,
// called with the same request and context shape as the gateway gives it. __SETTINGS__ is replaced by the
// halopsa settings from proxy.json; they are parsed against the script's declaration (its top-level `settings`) as the
// gateway parses them (gateway/Scripting/Settings/SettingsParser.cs, ScriptSettings.cs), once, at load.
// Written for njs 0.7 (no optional chaining, no spread).

var BENCH_SETTINGS = declaredSettings(settings, __SETTINGS__, "halopsa");

function declaredSettings(declaration, raw, route) {
  var parsed = {};
  Object.keys(declaration).forEach(function (name) {
    var setting = declaration[name];
    var value = raw[name];
    if ("list" in setting) {
      var items = Array.isArray(value) ? value : typeof value === "string" && value.trim() !== "" ? value.split(",") : null;
      parsed[name] = settingList(items === null ? setting.list : items.map(function (item) { return String(item).trim(); }).filter(function (item) { return item !== ""; }), setting.anyCase === true);
    } else if ("text" in setting) {
      var text = typeof value === "string" && value.trim() !== "" ? value.trim() : setting.text;
      parsed[name] = text.split("{route}").join(route);
    } else if ("pattern" in setting) {
      parsed[name] = Object.freeze(new RegExp(typeof value === "string" && value.trim() !== "" ? value : setting.pattern, setting.anyCase ? "i" : ""));
    } else {
      var map = Object.create(null);
      var entries = value !== null && typeof value === "object" ? value : setting.map;
      Object.keys(entries).forEach(function (key) { map[key] = entries[key]; });
      parsed[name] = Object.freeze(map);
    }
  });
  return Object.freeze(parsed);
}

function settingList(items, anyCase) {
  var list = items.slice();
  var keys = list.map(function (item) { return anyCase ? item.toLowerCase() : item; });
  Object.defineProperty(list, "has", {
    value: function (item) {
      if (typeof item !== "string" && typeof item !== "number") return false;
      var key = anyCase ? String(item).toLowerCase() : String(item);
      return keys.indexOf(key) >= 0;
    },
  });
  return Object.freeze(list);
}

function njsRequest(r) {
  return {
    method: r.method,
    path: r.uri,
    query: {},
    headers: {},
    params: { integrationKey: r.variables.key },
    body: JSON.parse(r.requestText),
  };
}

function njsTransform(r) {
  var context = {
    route: "halopsa",
    transform: "halopsa",
    receivedAt: new Date().toISOString(),
    settings: BENCH_SETTINGS,
    secrets: {},
    log: function () {},
    drop: function () { return null; },
  };
  var out = transform(njsRequest(r), context);
  return out === null ? "" : JSON.stringify(out.body);
}

function verify(r) {
  r.return(200, njsTransform(r));
}

function echo(r) {
  r.return(200, r.requestText || "");
}

export default { transform: njsTransform, verify: verify, echo: echo };
