// The gateway's transform helpers (`gw`, implemented in C# in gateway/Scripting/Helpers) in JavaScript, for the njs
// peer in bench/load.sh: nginx+njs runs the same transform doing the same work. The same rules as the C#: the
// gateway's tests run this file in Jint beside the C# helpers on generated inputs and require the same results.
// Written for njs 0.7 (no optional chaining, no spread).

var gw = (function () {
  var LINE_ENDINGS = /\r\n?/g;
  var BR_TAG = /<br\s*\/?>/gi;
  var LI_TAG = /<li[^>]*>/gi;
  var BLOCK_END_TAG = /<\/(p|div|h[1-6]|tr|ul|ol|table|blockquote)>/gi;
  var ANY_TAG = /<[^>]*>/g;
  var TRAILING_SPACE = /[ \t\u00a0]+$/gm;
  var BLANK_LINES = /\n{3,}/g;
  var ENTITY = /&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi;
  var ENTITIES = {
    amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: " ", times: "\u00d7", copy: "\u00a9", reg: "\u00ae", trade: "\u2122",
    hellip: "\u2026", ndash: "\u2013", mdash: "\u2014", euro: "\u20ac", pound: "\u00a3", laquo: "\u00ab", raquo: "\u00bb",
    bull: "\u2022", middot: "\u00b7", deg: "\u00b0",
  };
  var LOCAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

  function str(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function text(value) {
    return str(value).trim();
  }

  function decodeEntities(value) {
    return str(value).replace(ENTITY, function (match, entity) {
      var lower = entity.toLowerCase();
      if (lower.charAt(0) === "#") {
        var code = lower.charAt(1) === "x" ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
      }
      return Object.prototype.hasOwnProperty.call(ENTITIES, lower) ? ENTITIES[lower] : match;
    });
  }

  function htmlToText(html) {
    var value = str(html);
    if (value.indexOf("\r") >= 0) value = value.replace(LINE_ENDINGS, "\n");
    if (value.indexOf("<") >= 0) {
      value = value.replace(BR_TAG, "\n").replace(LI_TAG, "\n- ").replace(BLOCK_END_TAG, "\n").replace(ANY_TAG, "");
    }
    if (value.indexOf("&") >= 0) value = decodeEntities(value);
    return value.replace(TRAILING_SPACE, "").replace(BLANK_LINES, "\n\n").trim();
  }

  function parseDate(value) {
    var ms = NaN;
    if (typeof value === "number") ms = value;
    if (typeof value === "string") {
      var trimmed = value.trim();
      ms = Date.parse(LOCAL_ISO.test(trimmed) ? trimmed + "Z" : trimmed);
    }
    return isNaN(ms) || ms < -62135596800000 || ms > 253402300799999 ? null : new Date(ms).toISOString();
  }

  function ref(value, bareId) {
    if (value !== null && typeof value === "object") return { id: text(value.id), name: text(value.name) };
    return { id: text(bareId !== undefined ? bareId : value), name: "" };
  }

  function compact(value) {
    if (value === null || typeof value !== "object") return value;
    var result = {};
    Object.keys(value).forEach(function (key) {
      var member = value[key];
      if (member !== null && member !== undefined && member !== "") result[key] = member;
    });
    return result;
  }

  function list(value, fallback, lowerCase) {
    var items = null;
    if (Array.isArray(value)) items = value.map(text);
    else if (typeof value === "string" && value.trim() !== "") items = value.split(",").map(text);
    if (items === null) {
      if (!lowerCase || !Array.isArray(fallback)) return fallback === undefined ? [] : fallback;
      items = fallback.map(String);
    }
    return items.filter(function (item) { return item !== ""; }).map(function (item) { return lowerCase ? item.toLowerCase() : item; });
  }

  function keySet(value, fallback, lowerCase) {
    var set = Object.create(null);
    list(value, Array.isArray(fallback) ? fallback : [], lowerCase).forEach(function (item) { set[String(item)] = true; });
    return Object.freeze(set);
  }

  return { htmlToText: htmlToText, decodeEntities: decodeEntities, text: text, parseDate: parseDate, ref: ref, compact: compact, list: list, keySet: keySet };
})();

