#!/usr/bin/env bash
# Start-up on a saturated machine: starts the gateway STARTS times (default 10) while LOOPS busy shell loops (default 6)
# keep every core busy, and reports for each start whether it came up, the seconds until /healthz answered, and the
# status and latency of its first HaloPSA event. Everything is on 127.0.0.1; every loop and wait is bounded.
#
#   bench/busy-start.sh                   build this tree (Release) and measure it
#   bench/busy-start.sh DIR               measure a gateway already published to DIR (e.g. an older commit)
#   STARTS=3 LOOPS=4 bench/busy-start.sh  fewer starts, fewer loops
set -euo pipefail

STARTS=${STARTS:-10}; LOOPS=${LOOPS:-6}
FAKE_PORT=18181; GATEWAY_PORT=18190
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/haloilert-busy.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '%s\n' "$*" >&2; }

GATEWAY=${1:-}
if [[ -z "$GATEWAY" ]]; then
  log "publishing the gateway (Release)"
  dotnet publish "$ROOT/gateway/HaloIlertGateway.csproj" --configuration Release --output "$WORK/gateway" --nologo -v quiet >/dev/null
  GATEWAY="$WORK/gateway"
fi

# The fake ilert: answers every POST with 202 and an events-API body.
python3 - "$FAKE_PORT" <<'PY' &
import http.server, sys
class Fake(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"alertKey":"busy","responseCode":"NEW_INCIDENT_CREATED"}'
        self.send_response(202); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Fake).serve_forever()
PY
PIDS+=($!)

now() { date +%s.%N; }
printf '%-6s %-8s %-10s %-12s %s\n' start up seconds first-event latency
up=0; served=0; times=()
for i in $(seq 1 "$STARTS"); do
  loops=()
  for _ in $(seq 1 "$LOOPS"); do timeout 300 sh -c 'while :; do :; done' & loops+=($!); done
  run="$WORK/run-$i"; mkdir -p "$run"; cp -r "$GATEWAY/proxy.json" "$GATEWAY/transforms" "$run/"
  started=$(now)
  (cd "$run" && exec dotnet "$GATEWAY/HaloIlertGateway.dll" --urls "http://127.0.0.1:$GATEWAY_PORT" --Gateway:Management:Urls=http://127.0.0.1:0 \
    "--ReverseProxy:Clusters:ilert:Destinations:primary:Address=http://127.0.0.1:$FAKE_PORT/" >"$run/out.log" 2>&1) &
  gateway=$!
  healthy=no; seconds=-
  for _ in $(seq 1 600); do
    if ! kill -0 "$gateway" 2>/dev/null; then break; fi
    if curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$GATEWAY_PORT/healthz"; then healthy=yes; break; fi
    sleep 0.1
  done
  result="- -"
  if [[ $healthy == yes ]]; then
    seconds=$(awk -v a="$(now)" -v b="$started" 'BEGIN { printf "%.2f", a - b }'); up=$((up + 1)); times+=("$seconds")
    result=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 30 -H 'Content-Type: application/json' \
      --data-binary "@$ROOT/bench/new-ticket.json" "http://127.0.0.1:$GATEWAY_PORT/api/v1/events/halopsa/il1hps-busy-$i" || echo "000 -")
    [[ ${result%% *} == 2* ]] && served=$((served + 1))
  else
    log "start $i did not come up; its last lines:"; tail -5 "$run/out.log" >&2
  fi
  kill "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true
  for pid in "${loops[@]}"; do kill "$pid" 2>/dev/null || true; done; wait "${loops[@]}" 2>/dev/null || true
  printf '%-6s %-8s %-10s %-12s %s\n' "$i" "$healthy" "${seconds:0:5}" "${result%% *}" "${result#* }"
done
median=$(printf '%s\n' "${times[@]:-0}" | sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}')
echo "came up $up of $STARTS; first event 2xx $served of $STARTS; median seconds to /healthz ${median:0:5} ($LOOPS busy loops on $(nproc) cores)"
