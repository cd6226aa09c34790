#!/usr/bin/env bash
# Cold start and footprint, side by side in one run. Each variant is a build (plain `dotnet publish`, or the
# Dockerfile's ReadyToRun publish) plus runtime settings (environment variables). For each start it reports:
#   ready   seconds from process start until /readyz (management port) first answers 200
#   first   latency of the first HaloPSA event after ready (the shipped, durable route: checked, transformed, queued)
#   second  latency of the next one (what "warm" costs on the same route)
#   idle    RSS 5 s after the first event
# With --load, then, per variant and round: a fresh start, 15 s of wrk on the direct (non-durable) HaloPSA route to
# warm up, 10 s measured: req/s, RSS at the end and peak RSS (VmHWM). Everything is on 127.0.0.1; every wait is bounded.
#
#   bench/cold-start.sh                 10 starts of each variant
#   STARTS=3 bench/cold-start.sh        fewer starts
#   bench/cold-start.sh --load          then 3 load rounds per variant (ROUNDS=5 for more)
# Installs nginx (the fake ilert) and wrk (Debian packages) if they are missing.
#   VARIANTS="plain| r2r|DOTNET_gcServer=1" bench/cold-start.sh   your own variants: "build|VAR=value,VAR=value" ...
#                                       (build: plain, r2r, or the absolute path of a gateway published elsewhere)
set -euo pipefail

LOAD=0
for arg in "$@"; do
  case "$arg" in
    --load) LOAD=1 ;;
    *) echo "usage: bench/cold-start.sh [--load]" >&2; exit 2 ;;
  esac
done
STARTS=${STARTS:-10}; ROUNDS=${ROUNDS:-3}
# Default variants: the plain build with the Web SDK's server GC (as before ReadyToRun and the GC choice), ReadyToRun
# alone, and what ships (ReadyToRun and the project's workstation GC, see gateway/HaloIlertGateway.csproj).
VARIANTS=${VARIANTS:-"plain|DOTNET_gcServer=1 r2r|DOTNET_gcServer=1 r2r|"}
FAKE_PORT=18481; GATEWAY_PORT=18490; MANAGEMENT_PORT=18491
KEY=il1hps-cold-start
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/haloilert-cold.XXXXXX)
PIDS=(); GATEWAY=""
cleanup() {
  [[ -n "$GATEWAY" ]] && kill "$GATEWAY" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '%s\n' "$*" >&2; }

# --- builds --------------------------------------------------------------------------------------------------------
log "publishing the gateway twice (plain, and ReadyToRun as the Dockerfile does)"
dotnet publish "$ROOT/gateway/HaloIlertGateway.csproj" --configuration Release --output "$WORK/plain" --nologo -v quiet -p:PublishReadyToRun=false >/dev/null
dotnet publish "$ROOT/gateway/HaloIlertGateway.csproj" --configuration Release --runtime linux-x64 --self-contained false \
  -p:PublishReadyToRun=true --output "$WORK/r2r" --nologo -v quiet >/dev/null

# The fake ilert: nginx answering every request 202 with an events-API body (keep-alive, as ilert's edge; fast enough
# that under load the gateway, not the fake, is what is measured).
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  log "installing nginx and wrk (Debian packages)"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null
fi
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes 1; daemon off; pid $WORK/nginx/nginx.pid; error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off; client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx; keepalive_requests 100000;
  server { listen 127.0.0.1:$FAKE_PORT; default_type application/json;
    location / { client_body_buffer_size 64k; return 202 '{"responseCode":"NEW_INCIDENT_CREATED"}'; } }
}
EOF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)

now() { date +%s.%N; }
rss_mib() { awk -v f="$2" '$1 == f ":" { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo -; }

# start_gateway BUILD ENV RUNDIR: starts the gateway in the background (its pid in $GATEWAY) with a fresh outbox.
start_gateway() {
  local build=$1 env=$2 run=$3
  rm -rf "$run"; mkdir -p "$run"; cp -r "$ROOT/proxy.json" "$ROOT/transforms" "$run/"
  local -a vars=()
  [[ -n "$env" ]] && IFS=',' read -r -a vars <<< "$env"
  local dll="$WORK/$build/HaloIlertGateway.dll"; [[ $build == /* ]] && dll="$build/HaloIlertGateway.dll"
  (cd "$run" && exec env "${vars[@]}" dotnet "$dll" --urls "http://127.0.0.1:$GATEWAY_PORT" \
    --Gateway:Management:Urls="http://127.0.0.1:$MANAGEMENT_PORT" --Serilog:MinimumLevel:Default=Warning \
    "--ReverseProxy:Clusters:ilert:Destinations:primary:Address=http://127.0.0.1:$FAKE_PORT/" \
    --ReverseProxy:Routes:direct:ClusterId=ilert --ReverseProxy:Routes:direct:Order=5 \
    --ReverseProxy:Routes:direct:Match:Path="/direct/api/v1/events/halopsa/{integrationKey}" \
    --ReverseProxy:Routes:direct:Transforms:0:JsTransform=halopsa \
    --Gateway:RateLimiting:Policies:per-integration-key:TokenLimit=1000000000 \
    --Gateway:RateLimiting:Policies:per-integration-key:TokensPerPeriod=1000000000 \
    --Gateway:RateLimiting:Policies:per-client-ip:PermitLimit=1000000000 >"$run/out.log" 2>&1) &
  GATEWAY=$!
}
stop_gateway() { kill "$GATEWAY" 2>/dev/null || true; wait "$GATEWAY" 2>/dev/null || true; GATEWAY=""; }
# The dotnet process itself (the subshell execs it, so it is $GATEWAY).
post() { curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 30 -H 'Content-Type: application/json' \
  --data-binary "@$ROOT/bench/new-ticket.json" "http://127.0.0.1:$GATEWAY_PORT/api/v1/events/halopsa/$KEY"; }

RESULTS="$WORK/starts.tsv"; : > "$RESULTS"
for i in $(seq 1 "$STARTS"); do
  for variant in $VARIANTS; do
    build=${variant%%|*}; env=${variant#*|}
    started=$(now); start_gateway "$build" "$env" "$WORK/run"
    ready=-
    for _ in $(seq 1 1500); do
      kill -0 "$GATEWAY" 2>/dev/null || break
      if curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$MANAGEMENT_PORT/readyz"; then ready=$(awk -v a="$(now)" -v b="$started" 'BEGIN { printf "%.3f", a - b }'); break; fi
      sleep 0.02
    done
    if [[ $ready == - ]]; then log "$variant start $i did not become ready:"; tail -5 "$WORK/run/out.log" >&2; stop_gateway; continue; fi
    read -r s1 first < <(post); read -r s2 second < <(post)
    sleep 5; idle=$(rss_mib "$GATEWAY" VmRSS)
    stop_gateway
    [[ $s1 == 2* && $s2 == 2* ]] || log "$variant start $i: statuses $s1 $s2"
    printf '%s\t%s\t%.1f\t%.1f\t%s\n' "$variant" "$ready" "$(awk -v t="$first" 'BEGIN { print t * 1000 }')" "$(awk -v t="$second" 'BEGIN { print t * 1000 }')" "$idle" >> "$RESULTS"
    log "start $i $variant: ready ${ready} s, first $first s, second $second s, idle RSS $idle MiB"
  done
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) print "-"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column_of() { awk -F'\t' -v v="$1" -v c="$2" '$1 == v { print $c }' "$3" | median; }
printf '\nHaloIlertGateway cold start, %s, %s cores, commit %s, %s starts per variant (medians)\n\n' \
  "$(date -u +%Y-%m-%d)" "$(nproc)" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$STARTS"
printf '| variant | to ready s | first event ms | second event ms | idle RSS MiB |\n|---|---:|---:|---:|---:|\n'
for variant in $VARIANTS; do
  printf '| `%s` | %s | %s | %s | %s |\n' "$variant" "$(column_of "$variant" 2 "$RESULTS")" "$(column_of "$variant" 3 "$RESULTS")" \
    "$(column_of "$variant" 4 "$RESULTS")" "$(column_of "$variant" 5 "$RESULTS")"
done

(( LOAD )) || exit 0
LOADED="$WORK/load.tsv"; : > "$LOADED"
for round in $(seq 1 "$ROUNDS"); do
  for variant in $VARIANTS; do
    build=${variant%%|*}; env=${variant#*|}
    start_gateway "$build" "$env" "$WORK/run"
    for _ in $(seq 1 1500); do curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$MANAGEMENT_PORT/readyz" && break; sleep 0.02; done
    url="http://127.0.0.1:$GATEWAY_PORT/direct/api/v1/events/halopsa/$KEY"
    BODY_FILE="$ROOT/bench/new-ticket.json" wrk -t2 -c32 -d15s -s "$ROOT/bench/post.lua" "$url" >/dev/null
    rps=$(BODY_FILE="$ROOT/bench/new-ticket.json" wrk -t2 -c32 -d10s -s "$ROOT/bench/post.lua" "$url" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
    rss=$(rss_mib "$GATEWAY" VmRSS); peak=$(rss_mib "$GATEWAY" VmHWM)
    stop_gateway
    printf '%s\t%s\t%s\t%s\n' "$variant" "$rps" "$rss" "$peak" >> "$LOADED"
    log "load round $round $variant: $rps req/s, RSS $rss MiB, peak $peak MiB"
  done
done
printf '\nUnder load (wrk -t2 -c32, direct HaloPSA route, 15 s warm-up + 10 s measured, fresh start per round; medians of %s)\n\n' "$ROUNDS"
printf '| variant | req/s | RSS at end MiB | peak RSS MiB |\n|---|---:|---:|---:|\n'
for variant in $VARIANTS; do
  printf '| `%s` | %s | %s | %s |\n' "$variant" "$(column_of "$variant" 2 "$LOADED")" "$(column_of "$variant" 3 "$LOADED")" "$(column_of "$variant" 4 "$LOADED")"
done
