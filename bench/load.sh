#!/usr/bin/env bash
# Load test, side by side in one run: the gateway (passthrough, transform direct, the same route with a script that
# returns the request unchanged, transform durable) against nginx (passthrough, nginx+njs running the same halopsa.js)
# and the fake ilert itself (the limit).
# Everything listens on 127.0.0.1; every loop is bounded. See bench/README.md.
#
#   bench/load.sh            3 rounds of 10 s per target after a warm-up (about 6 minutes)
#   bench/load.sh --quick    1 round of 4 s per target (under 90 seconds)
#   bench/load.sh --soak     then the transform route until 1M requests, RSS sampled every 10 s (about 3 more minutes)
set -euo pipefail

QUICK=0; SOAK=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --soak) SOAK=1 ;;
    *) echo "usage: bench/load.sh [--quick] [--soak]" >&2; exit 2 ;;
  esac
done
ROUNDS=$(( QUICK ? 1 : 3 )); DURATION=$(( QUICK ? 4 : 10 )); WARMUP=$(( QUICK ? 2 : 5 ))
# The gateway's transform path needs ~15 s of load before tiered JIT and dynamic PGO have compiled Jint's
# interpreter loop (measured: 4.2k, 6.8k, 8.2k, 8.2k req/s in four 5 s runs from a cold start), so the gateway's
# targets warm up longer than nginx's; what is measured is the steady state a long-running gateway serves at.
GATEWAY_WARMUP=$(( QUICK ? 8 : 15 ))
CONNECTIONS=32; THREADS=2
FAKE_PORT=18081; ECHO_PORT=18082; NGINX_PORT=18080; GATEWAY_PORT=18090; MANAGEMENT_PORT=18091
KEY=il1hps-bench-key
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/haloilert-bench.XXXXXX)
GATEWAY_PID=""; NGINX_PID=""

cleanup() {
  [[ -n "$GATEWAY_PID" ]] && kill "$GATEWAY_PID" 2>/dev/null || true
  [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { printf '%s\n' "$*" >&2; }

# --- tools -----------------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null || [[ ! -f /usr/lib/nginx/modules/ngx_http_js_module.so ]]; then
  log "installing wrk, nginx and njs (Debian packages)"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx libnginx-mod-http-js >/dev/null
fi

# --- build -----------------------------------------------------------------------------------------------------
log "publishing the gateway (Release)"
dotnet publish "$ROOT/gateway/HaloIlertGateway.csproj" --configuration Release --output "$WORK/gateway" --nologo -v quiet >/dev/null

# The HaloPSA sample every request sends (new-ticket).
BODY="$ROOT/bench/new-ticket.json"

# --- nginx (fake ilert, echo, nginx+njs) -----------------------------------------------------------------------
mkdir -p "$WORK/nginx/tmp"
SETTINGS=$(tr -d '\n' < "$ROOT/proxy.json" | grep -o '"halopsa": *{ *"Settings": *{[^}]*}' | sed 's/.*"Settings": *//')
{ cat "$ROOT/bench/nginx/gw.js" "$ROOT/transforms/halopsa.js"; sed "s|__SETTINGS__|$SETTINGS|" "$ROOT/bench/nginx/njs-adapter.js"; } > "$WORK/nginx/halopsa-njs.js"
sed -e "s|__PREFIX__|$WORK/nginx|g" -e "s|__FAKE_PORT__|$FAKE_PORT|g" -e "s|__ECHO_PORT__|$ECHO_PORT|g" -e "s|__NGINX_PORT__|$NGINX_PORT|g" \
  "$ROOT/bench/nginx/nginx.conf.template" > "$WORK/nginx/nginx.conf"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!

# --- the gateway -------------------------------------------------------------------------------------------------
# Shipped proxy.json, plus: a direct (non-durable) copy of the HaloPSA route, a route to the echo for the check,
# and limits high enough not to throttle the load (the limiter still runs on every request). The alertKey prefix is
# pinned to "halopsa" (by default it is the route's id) so that every route makes the event nginx+njs makes.
mkdir -p "$WORK/root/transforms" && cp "$ROOT/proxy.json" "$WORK/root/" && cp "$ROOT"/transforms/*.js "$ROOT"/transforms/*.json "$WORK/root/transforms/"
# The floor under any script: a transform that returns the request as it came still reads, checks and parses the
# body, calls the engine and writes the body back.
echo 'function transform(request) { return request; }' > "$WORK/root/transforms/identity.js"
(cd "$WORK/root" && exec dotnet "$WORK/gateway/HaloIlertGateway.dll" \
  --urls="http://127.0.0.1:$GATEWAY_PORT" \
  --Serilog:MinimumLevel:Default=Warning \
  --Gateway:Management:Urls="http://127.0.0.1:$MANAGEMENT_PORT" \
  --ReverseProxy:Clusters:ilert:Destinations:primary:Address="http://127.0.0.1:$FAKE_PORT/" \
  --ReverseProxy:Clusters:echo:Destinations:primary:Address="http://127.0.0.1:$ECHO_PORT/" \
  --ReverseProxy:Routes:direct:ClusterId=ilert --ReverseProxy:Routes:direct:Order=5 \
  --ReverseProxy:Routes:direct:Match:Path="/direct/api/v1/events/halopsa/{integrationKey}" \
  --ReverseProxy:Routes:direct:Metadata:BodyFormats=json --ReverseProxy:Routes:direct:RateLimiterPolicy=per-integration-key \
  --ReverseProxy:Routes:direct:Transforms:0:JsTransform=halopsa \
  --ReverseProxy:Routes:identity:ClusterId=ilert --ReverseProxy:Routes:identity:Order=5 \
  --ReverseProxy:Routes:identity:Match:Path="/identity/api/v1/events/halopsa/{integrationKey}" \
  --ReverseProxy:Routes:identity:Metadata:BodyFormats=json --ReverseProxy:Routes:identity:RateLimiterPolicy=per-integration-key \
  --ReverseProxy:Routes:identity:Transforms:0:JsTransform=identity \
  --ReverseProxy:Routes:verify:ClusterId=echo --ReverseProxy:Routes:verify:Order=5 \
  --ReverseProxy:Routes:verify:Match:Path="/verify/api/v1/events/halopsa/{integrationKey}" \
  --ReverseProxy:Routes:verify:Transforms:0:JsTransform=halopsa \
  --Gateway:RateLimiting:Policies:per-integration-key:TokenLimit=1000000000 \
  --Gateway:RateLimiting:Policies:per-integration-key:TokensPerPeriod=1000000000 \
  --Gateway:RateLimiting:Policies:per-client-ip:PermitLimit=1000000000 \
  --Gateway:Delivery:RatePerMinutePerKey=60000 \
  --Gateway:Transforms:halopsa:Settings:alertKeyPrefix=halopsa \
  >"$WORK/gateway.log" 2>&1) &
GATEWAY_PID=$!

for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$GATEWAY_PORT/healthz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$NGINX_PORT/" -o /dev/null -X POST 2>/dev/null && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$GATEWAY_PORT/healthz" >/dev/null || { log "the gateway did not start:"; cat "$WORK/gateway.log" >&2; exit 1; }
# The gateway runs as a child of the subshell: find its own pid for RSS.
DOTNET_PID=$(pgrep -f "HaloIlertGateway.dll --urls=http://127.0.0.1:$GATEWAY_PORT" | head -n1)

# --- byte-identical check ----------------------------------------------------------------------------------------
GATEWAY_OUT="$WORK/gateway-out.json"; NGINX_OUT="$WORK/nginx-out.json"
curl -fs -X POST -H 'Content-Type: application/json' --data-binary "@$BODY" "http://127.0.0.1:$GATEWAY_PORT/verify/api/v1/events/halopsa/$KEY" -o "$GATEWAY_OUT"
curl -fs -X POST -H 'Content-Type: application/json' --data-binary "@$BODY" "http://127.0.0.1:$NGINX_PORT/verify/api/v1/events/halopsa/$KEY" -o "$NGINX_OUT"
if ! cmp -s "$GATEWAY_OUT" "$NGINX_OUT"; then
  log "the gateway and nginx+njs produce different events:"; log "gateway: $(cat "$GATEWAY_OUT")"; log "nginx:   $(cat "$NGINX_OUT")"
  exit 1
fi
log "byte-identical: $(wc -c < "$GATEWAY_OUT") bytes from both"

# --- measure -----------------------------------------------------------------------------------------------------
declare -A URL=(
  [fake-direct]="http://127.0.0.1:$FAKE_PORT/api/events"
  [gateway-passthrough]="http://127.0.0.1:$GATEWAY_PORT/api/v1/events/email/$KEY"
  [gateway-transform]="http://127.0.0.1:$GATEWAY_PORT/direct/api/v1/events/halopsa/$KEY"
  [gateway-transform-identity]="http://127.0.0.1:$GATEWAY_PORT/identity/api/v1/events/halopsa/$KEY"
  [gateway-transform-durable]="http://127.0.0.1:$GATEWAY_PORT/api/v1/events/halopsa/$KEY"
  [nginx-passthrough]="http://127.0.0.1:$NGINX_PORT/api/v1/events/email/$KEY"
  [nginx-njs-transform]="http://127.0.0.1:$NGINX_PORT/api/v1/events/halopsa/$KEY"
)
TARGETS=(fake-direct gateway-passthrough gateway-transform gateway-transform-identity gateway-transform-durable nginx-passthrough nginx-njs-transform)
RESULTS="$WORK/results.tsv"; : > "$RESULTS"

# One wrk run: prints "req/s p50_ms p99_ms".
run_wrk() {
  BODY_FILE="$BODY" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" --latency -s "$ROOT/bench/post.lua" "$1" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad }'
}

log "warm-up: ${GATEWAY_WARMUP}s per gateway target, ${WARMUP}s per other target"
for target in "${TARGETS[@]}"; do
  run_wrk "${URL[$target]}" "$([[ $target == gateway-* ]] && echo "$GATEWAY_WARMUP" || echo "$WARMUP")" >/dev/null
done
# The gateway's own CPU (user + system, in clock ticks) from /proc: per request, it says what a route costs the
# gateway apart from wrk and nginx, which share the same cores.
TICKS=$(getconf CLK_TCK)
gateway_ticks() { awk '{ print $14 + $15 }' "/proc/$DOTNET_PID/stat"; }
for round in $(seq 1 "$ROUNDS"); do
  for target in "${TARGETS[@]}"; do
    before=$(gateway_ticks)
    read -r rps p50 p99 bad < <(run_wrk "${URL[$target]}" "$DURATION")
    cpu_us=$(awk -v t=$(( $(gateway_ticks) - before )) -v hz="$TICKS" -v n="$rps" -v d="$DURATION" 'BEGIN { printf "%.0f", (n > 0 ? t * 1e6 / hz / (n * d) : 0) }')
    [[ $target == gateway-* ]] || cpu_us="-"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$rps" "$p50" "$p99" "$bad" "$cpu_us" >> "$RESULTS"
    log "round $round $target: $rps req/s, p50 $p50 ms, p99 $p99 ms${bad:+, non-2xx $bad}, gateway CPU $cpu_us µs per request"
  done
done
RSS_KB=$(awk '/VmHWM/ { print $2 }' "/proc/$DOTNET_PID/status" 2>/dev/null || echo 0)

# --- soak: is RSS flat from 200k to 1M requests on the transform route? --------------------------------------------
SOAK_REPORT=""
if (( SOAK )); then
  total=0; rss_200k=""; rss_1m=""
  for _ in $(seq 1 60); do
    done_now=$(BODY_FILE="$BODY" wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -s "$ROOT/bench/post.lua" "${URL[gateway-transform]}" | awk '/requests in/ { print $1 }')
    total=$(( total + done_now ))
    rss=$(awk '/VmRSS/ { print $2 }' "/proc/$DOTNET_PID/status")
    log "soak: $total requests, RSS $(( rss / 1024 )) MiB"
    [[ -z "$rss_200k" && $total -ge 200000 ]] && rss_200k=$rss
    if (( total >= 1000000 )); then rss_1m=$rss; break; fi
  done
  SOAK_REPORT=$(awk -v a="$rss_200k" -v b="$rss_1m" -v n="$total" 'BEGIN { printf "soak: RSS %.0f MiB at 200k requests, %.0f MiB at %d requests (%+.1f%%)", a / 1024, b / 1024, n, (b - a) * 100 / a }')
fi

# --- report (medians over rounds) --------------------------------------------------------------------------------
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '\nHaloIlertGateway load test, %s, %s cores, commit %s, %s round(s) of %s s, wrk -t%s -c%s\n\n' \
  "$(date -u +%Y-%m-%d)" "$(nproc)" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$ROUNDS" "$DURATION" "$THREADS" "$CONNECTIONS"
printf '| target | req/s | p50 ms | p99 ms | gateway CPU µs/request |\n|---|---:|---:|---:|---:|\n'
declare -A RPS
for target in "${TARGETS[@]}"; do
  RPS[$target]=$(awk -v t="$target" '$1 == t { print $2 }' "$RESULTS" | median)
  cpu=$([[ $target == gateway-* ]] && awk -v t="$target" '$1 == t { print $6 }' "$RESULTS" | median || echo "-")
  printf '| %s | %s | %s | %s | %s |\n' "$target" "${RPS[$target]}" \
    "$(awk -v t="$target" '$1 == t { print $3 }' "$RESULTS" | median)" "$(awk -v t="$target" '$1 == t { print $4 }' "$RESULTS" | median)" "$cpu"
done
CPU_TRANSFORM=$(awk '$1 == "gateway-transform" { print $6 }' "$RESULTS" | median)
CPU_PASSTHROUGH=$(awk '$1 == "gateway-passthrough" { print $6 }' "$RESULTS" | median)
CPU_IDENTITY=$(awk '$1 == "gateway-transform-identity" { print $6 }' "$RESULTS" | median)
awk -v a="${RPS[gateway-transform]}" -v b="${RPS[nginx-njs-transform]}" -v c="${RPS[gateway-passthrough]}" -v d="${RPS[gateway-transform-durable]}" -v rss="$RSS_KB" \
  -v i="${RPS[gateway-transform-identity]}" -v ct="$CPU_TRANSFORM" -v cp="$CPU_PASSTHROUGH" -v ci="$CPU_IDENTITY" 'BEGIN {
  printf "\ngateway-transform / nginx-njs-transform:   %.2f\n", a / b
  printf "gateway-transform / gateway-passthrough:   %.2f\n", a / c
  printf "gateway-transform-identity / passthrough: %.2f (the floor for any script)\n", i / c
  printf "gateway-transform-durable / nginx-njs:     %.2f\n", d / b
  printf "gateway CPU per request, transform - passthrough: %.0f µs (%.0f against %.0f; identity %.0f)\n", ct - cp, ct, cp, ci
  printf "gateway peak RSS: %.0f MiB\n", rss / 1024 }'
if [[ -n "$SOAK_REPORT" ]]; then echo "$SOAK_REPORT"; fi
