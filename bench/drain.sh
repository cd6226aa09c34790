#!/usr/bin/env bash
# Drain benchmark: how soon queued alerts reach an ilert that enforces its per-key limit, against the ideal the
# limit allows. A fake ilert (Python, 127.0.0.1) accepts at most LIMIT events per key in any rolling WINDOW seconds
# and answers 429 beyond that (counting them); the gateway is paced to the same limit.
#
#   bench/drain.sh                 ilert's real limit, 50 per 60 s (about 10 minutes in all)
#   SCALE=10 bench/drain.sh        the same limit on a 6 s window: every duration a tenth (the same code path)
#
# Scenarios: (a) 50 events on one key in one burst; (b) 200 events on one key; (c) 2,000 events over 40 keys;
# (d) 200 events on one key sent while ilert is down for 2 minutes (scaled), then ilert comes back.
# For each: seconds until the last event arrived, the ideal the limit allows, their ratio, and the 429s.
set -euo pipefail

SCALE=${SCALE:-1}
LIMIT=50
WINDOW=$(awk -v s="$SCALE" 'BEGIN { printf "%.3f", 60 / s }')
DOWN=$(awk -v s="$SCALE" 'BEGIN { printf "%.3f", 120 / s }')
FAKE_PORT=18281; GATEWAY_PORT=18290
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/haloilert-drain.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
log() { printf '%s\n' "$*" >&2; }

log "publishing the gateway (Release)"
dotnet publish "$ROOT/gateway/HaloIlertGateway.csproj" --configuration Release --output "$WORK/gateway" --nologo -v quiet >/dev/null

# The fake ilert: per key (the integrationKey of the event), at most LIMIT in any rolling WINDOW; 503 while "down".
# GET /stats?since=<t> answers "<count> <last arrival> <429s>" for the events that arrived since t.
python3 - "$FAKE_PORT" "$LIMIT" "$WINDOW" <<'PY' &
import http.server, json, sys, threading, time, collections
port, limit, window = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
lock = threading.Lock(); sends = collections.defaultdict(collections.deque); arrivals = []; rejected = [0]; down = [False]
class Fake(http.server.BaseHTTPRequestHandler):
    # Keep-alive as ilert's edge does: with HTTP/1.0 every answer closed the connection, and the gateway's pooled
    # connections then failed now and then (attempts that used a pacing turn without reaching the fake).
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/down": down[0] = True; return self.answer(200, b"{}")
        if self.path == "/up": down[0] = False; return self.answer(200, b"{}")
        if down[0]: return self.answer(503, b'{"message":"down"}')
        key = json.loads(body).get("integrationKey", "")
        now = time.monotonic()
        with lock:
            q = sends[key]
            while q and q[0] <= now - window: q.popleft()
            if len(q) >= limit:
                rejected[0] += 1
                return self.answer(429, b'{"message":"rate limited"}')
            q.append(now); arrivals.append(now)
        self.answer(202, b'{"responseCode":"NEW_INCIDENT_CREATED"}')
    def do_GET(self):
        since = float(self.path.split("since=")[1])
        with lock:
            got = [a for a in arrivals if a >= since]
            self.answer(200, f"{len(got)} {max(got) if got else 0} {rejected[0]} {time.monotonic()}\n".encode())
    def answer(self, status, body):
        self.send_response(status); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Fake).serve_forever()
PY
PIDS+=($!)
sleep 1

mkdir -p "$WORK/run"; cp -r "$WORK/gateway/proxy.json" "$WORK/gateway/transforms" "$WORK/run/"
(cd "$WORK/run" && exec dotnet "$WORK/gateway/HaloIlertGateway.dll" --urls "http://127.0.0.1:$GATEWAY_PORT" \
  --Gateway:Management:Urls=http://127.0.0.1:0 --Serilog:MinimumLevel:Default=Warning \
  "--ReverseProxy:Clusters:ilert:Destinations:primary:Address=http://127.0.0.1:$FAKE_PORT/" \
  --Gateway:Delivery:RatePerMinutePerKey=$LIMIT "--Gateway:Delivery:PacingWindow=$(awk -v w="$WINDOW" 'BEGIN { printf "%02d:%02d:%06.3f", int(w / 3600), int(w % 3600 / 60), w - 60 * int(w / 60) }')" \
  --Gateway:Delivery:MaxSendsPerWindow=1000000 --Gateway:Delivery:InitialBackoff=00:00:00.500 --Gateway:Delivery:MaxBackoff=00:00:05 \
  "--Gateway:Delivery:PacingMargin=$(awk -v s="$SCALE" 'BEGIN { printf "00:00:%06.3f", 1 / s }')" \
  "--Gateway:Delivery:RateLimitedBackoff=$(awk -v s="$SCALE" 'BEGIN { printf "00:00:%06.3f", 15 / s }')" \
  --Gateway:RateLimiting:Policies:per-integration-key:TokenLimit=100000 >"$WORK/gateway.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/healthz" && break; sleep 0.1; done

stats() { curl -s "http://127.0.0.1:$FAKE_PORT/stats?since=$1"; }
clock() { stats 0 | awk '{ print $4 }'; }
# send COUNT KEYS RUN OUT: posts COUNT HaloPSA tickets spread over KEYS integration keys, 16 at a time, and writes the
# moment each post started (CLOCK_MONOTONIC, the clock the fake reads too) per key to OUT, for the ideal.
send() {
  python3 - "$GATEWAY_PORT" "$1" "$2" "$3" "$4" <<'PY'
import collections, concurrent.futures, json, sys, threading, time, urllib.request, urllib.error
port, count, keys, run, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
lock = threading.Lock(); started = collections.defaultdict(list)
def post(i):
    key = f"il1hps-drain-{run}-{i % keys}"
    body = json.dumps({"ticket": {"id": int(f"{run}{i}"), "summary": f"drain {i}", "status": {"id": 1, "name": "New"}}}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/events/halopsa/{key}", body, {"Content-Type": "application/json"})
    with lock: started[key].append(time.monotonic())
    try:
        return urllib.request.urlopen(request, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code
statuses = list(concurrent.futures.ThreadPoolExecutor(16).map(post, range(1, count + 1)))
bad = [s for s in statuses if not 200 <= s < 300]
if bad: print(f"{len(bad)} posts not acknowledged: {sorted(set(bad))}", file=sys.stderr)
json.dump(started, open(out, "w"))
PY
}
# ideal SENDS LIMIT WINDOW UP: the earliest moment the last event can reach an ilert that takes LIMIT per key in any
# rolling WINDOW, given when each was sent and that ilert answers from UP on: event i of a key arrives at
# max(sent_i, UP, arrival_(i - LIMIT) + WINDOW).
ideal() {
  python3 - "$@" <<'PY'
import json, sys
sends, limit, window, up = json.load(open(sys.argv[1])), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
last = 0.0
for times in sends.values():
    arrivals = []
    for i, sent in enumerate(sorted(times)):
        arrivals.append(max(sent, up, arrivals[i - limit] + window if i >= limit else 0.0))
    last = max(last, arrivals[-1])
print(f"{last:.6f}")
PY
}
scenario() { # name count keys [down]
  local name=$1 count=$2 keys=$3 down=${4:-0} run=$RANDOM
  local before429; before429=$(stats 0 | awk '{ print $3 }')
  [[ $down == 1 ]] && curl -s -o /dev/null -X POST "http://127.0.0.1:$FAKE_PORT/down"
  local start; start=$(clock)
  send "$count" "$keys" "$run" "$WORK/sends.json"
  local up=$start
  if [[ $down == 1 ]]; then
    sleep "$(awk -v d="$DOWN" -v s="$start" -v n="$(clock)" 'BEGIN { r = d - (n - s); print (r > 0 ? r : 0) }')"
    up=$(clock); curl -s -o /dev/null -X POST "http://127.0.0.1:$FAKE_PORT/up"
  fi
  local deadline=$(( SECONDS + 1200 ))
  while (( $(stats "$start" | awk '{ print $1 }') < count )) && (( SECONDS < deadline )); do sleep 0.2; done
  read -r got last rejected _ < <(stats "$start")
  # The ideal counts from the first post: how the limit spaces the events, given when each was posted (and, in (d),
  # when ilert came back). The target is last <= 1.05 x ideal + 0.2 s.
  local ideal; ideal=$(awk -v a="$(ideal "$WORK/sends.json" "$LIMIT" "$WINDOW" "$up")" -v s="$start" 'BEGIN { printf "%.2f", a - s }')
  local took; took=$(awk -v a="$last" -v s="$start" 'BEGIN { printf "%.2f", a - s }')
  local ratio; ratio=$(awk -v t="$took" -v i="$ideal" 'BEGIN { if (i > 0) printf "%.2f", t / i; else printf "-" }')
  local verdict; verdict=$(awk -v t="$took" -v i="$ideal" 'BEGIN { print (t <= 1.05 * i + 0.2) ? "yes" : "NO" }')
  printf '%-34s %6s %9s %9s %7s %6s %8s\n' "$name" "$got" "$took" "$ideal" "$ratio" "$(( rejected - before429 ))" "$verdict"
}

printf '%-34s %6s %9s %9s %7s %6s %8s\n' scenario events "last (s)" "ideal (s)" ratio 429s "on target"
scenario "(a) 50 on one key, one burst" 50 1
sleep "$WINDOW"
scenario "(b) 200 on one key" 200 1
sleep "$WINDOW"
scenario "(c) 2,000 over 40 keys" 2000 40
sleep "$WINDOW"
scenario "(d) 200 on one key, ilert down" 200 1 1
echo "limit $LIMIT per ${WINDOW} s per key (SCALE=$SCALE: durations are 1/$SCALE of ilert's); times from the first post; ideal: the"
echo "earliest the limit allows given when each event was posted; on target: last <= 1.05 x ideal + 0.2 s"
