// Appended to bench/nginx/gw.js + transforms/halopsa.js by bench/load.sh to make the njs module nginx runs: the same transform,
// called with the same request and context shape as the gateway gives it. __SETTINGS__ is replaced by the
// halopsa settings from proxy.json.

var BENCH_SETTINGS = __SETTINGS__;

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
