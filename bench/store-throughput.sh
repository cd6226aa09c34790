#!/usr/bin/env bash
# Durable transform throughput by store, side by side in one run: the shipped HaloPSA route (transform, outbox write,
# send) on SQLite with one gateway, and on one throwaway PostgreSQL with one and with three gateways (wrk split over
# them, as a load balancer would). Every request is its own alert (bench/post-unique.lua), for one of 8 integration
# keys the gateway knows from the start (Gateway:Delivery:AllowedKeys), with every inbound limit lifted (the client
# policy too, since issue 34: wrk is one client address): what is measured is events stored and sent, not refusals. Only 2xx answers are counted (req/s = 2xx per second; other answers
# are printed per round). A fake ilert (nginx) answers 202. Everything on 127.0.0.1; installs nginx, wrk and
# postgresql (Debian packages) if missing.
#
#   bench/store-throughput.sh                                3 rounds of 10 s per variant after a 10 s warm-up
#   ROUNDS=1 bench/store-throughput.sh                       one round
#   GATEWAY_SOURCE=/tmp/base bench/store-throughput.sh       the gateway (and its proxy.json, transforms) of another
#                                                            tree, e.g. a worktree of the commit before a change
set -euo pipefail
ROUNDS=${ROUNDS:-3}; DURATION=10; WARMUP=10; KEYS=8
FAKE_PORT=18881; PG_PORT=18882; PORTS=(18890 18891 18892); MANAGEMENT=(18895 18896 18897)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SOURCE=$(cd "${GATEWAY_SOURCE:-$ROOT}" && pwd)
WORK=$(mktemp -d /tmp/haloilert-store.XXXXXX); chmod 755 "$WORK"
GATEWAYS=(); NGINX_PID=""
as_postgres() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_gateways() { for pid in "${GATEWAYS[@]}"; do kill "$pid" 2>/dev/null || true; done; for pid in "${GATEWAYS[@]}"; do wait "$pid" 2>/dev/null || true; done; GATEWAYS=(); }
cleanup() {
  stop_gateways
  [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null || true
  as_postgres pg_ctl -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '%s\n' "$*" >&2; }

if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null || ! command -v initdb >/dev/null; then
  log "installing nginx, wrk and postgresql (Debian packages)"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk postgresql >/dev/null
  export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
log "publishing the gateway (Release)"
dotnet publish "$SOURCE/gateway/HaloIlertGateway.csproj" --configuration Release --output "$WORK/gateway" --nologo -v quiet >/dev/null

mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $WORK/nginx/nginx.pid; error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx; keepalive_requests 100000;
  server { listen 127.0.0.1:$FAKE_PORT; default_type application/json;
    location / { client_body_buffer_size 64k; return 202 '{"responseCode":"NEW_INCIDENT_CREATED"}'; } } }
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" & NGINX_PID=$!

mkdir -p "$WORK/pg" && [[ $(id -u) == 0 ]] && chown postgres "$WORK/pg"
as_postgres initdb -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 >/dev/null
as_postgres pg_ctl -D "$WORK/pg/data" -w -l "$WORK/pg/log" -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
printf 'Host=127.0.0.1;Port=%s;Username=postgres;Database=bench' "$PG_PORT" > "$WORK/pg-connection"
# The keys the gateway knows from the start: il1hps-store-bench0 .. il1hps-store-bench7 (post-unique.lua's KEYS).
for k in $(seq 0 $((KEYS - 1))); do echo "il1hps-store-bench$k"; done > "$WORK/allowed-keys"

# start_gateways STORE COUNT: fresh content roots (and a fresh SQLite file, a fresh PostgreSQL database); waits for each /readyz.
start_gateways() {
  local store=$1 count=$2
  as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS bench WITH (FORCE)" >/dev/null
  as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE bench" >/dev/null
  for i in $(seq 0 $((count - 1))); do
    local run="$WORK/run-$i"; rm -rf "$run"; mkdir -p "$run"; cp -r "$SOURCE/proxy.json" "$SOURCE/transforms" "$run/"
    (cd "$run" && exec dotnet "$WORK/gateway/HaloIlertGateway.dll" --urls "http://127.0.0.1:${PORTS[$i]}" \
      --Gateway:Management:Urls="http://127.0.0.1:${MANAGEMENT[$i]}" --Serilog:MinimumLevel:Default=Warning \
      "--ReverseProxy:Clusters:ilert:Destinations:primary:Address=http://127.0.0.1:$FAKE_PORT/" \
      --Gateway:Store:Provider="$store" "--Gateway:Store:ConnectionString=file:$WORK/pg-connection" \
      --Gateway:Delivery:RatePerMinutePerKey=60000 --Gateway:Delivery:MaxSendsPerWindow=1000000 \
      "--Gateway:Delivery:AllowedKeys:0=file:$WORK/allowed-keys" \
      --Gateway:RateLimiting:Policies:per-integration-key:TokenLimit=1000000000 \
      --Gateway:RateLimiting:Policies:per-integration-key:TokensPerPeriod=1000000000 \
      --Gateway:RateLimiting:Policies:per-client-address:TokenLimit=1000000000 \
      --Gateway:RateLimiting:Policies:per-client-address:TokensPerPeriod=1000000000 \
      --Gateway:RateLimiting:Policies:per-client-ip:PermitLimit=1000000000 >"$run/out.log" 2>&1) &
    GATEWAYS+=($!)
  done
  for i in $(seq 0 $((count - 1))); do
    for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:${MANAGEMENT[$i]}/readyz" && break; sleep 0.1; done
  done
}

# load COUNT SECONDS: wrk split over COUNT gateways (32 connections in all); prints the total 2xx per second, and
# logs the answers that were not 2xx.
load() {
  local count=$1 seconds=$2 pids=() i
  for i in $(seq 0 $((count - 1))); do
    BODY_FILE="$ROOT/bench/new-ticket.json" KEYS=$KEYS wrk -t1 -c$((32 / count)) -d"${seconds}s" -s "$ROOT/bench/post-unique.lua" \
      "http://127.0.0.1:${PORTS[$i]}/api/v1/events/halopsa/il1hps-store-bench" > "$WORK/wrk-$i.txt" & pids+=($!)
  done
  wait "${pids[@]}"
  local refused; refused=$(cat "$WORK"/wrk-*.txt | awk '/^non-2xx:/ { total += $2 } END { print total + 0 }')
  [[ $refused == 0 ]] || log "  $refused answers were not 2xx (not counted)"
  cat "$WORK"/wrk-*.txt | awk '/^2xx\/sec:/ { total += $2 } END { printf "%.0f\n", total }'
  rm -f "$WORK"/wrk-*.txt
}

VARIANTS=("Sqlite 1" "Postgres 1" "Postgres 3")
RESULTS="$WORK/results.tsv"; : > "$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  for variant in "${VARIANTS[@]}"; do
    read -r store count <<< "$variant"
    start_gateways "$store" "$count"
    load "$count" "$WARMUP" >/dev/null
    rps=$(load "$count" "$DURATION")
    stop_gateways
    printf '%s\t%s\n' "$variant" "$rps" >> "$RESULTS"
    log "round $round, $store x$count: $rps req/s"
  done
done
printf '\nDurable HaloPSA route by store, %s, %s cores, commit %s, medians of %s rounds of %s s (wrk, 32 connections in all; 2xx/s), load average %s\n\n' \
  "$(date -u +%Y-%m-%d)" "$(nproc)" "$(git -C "$SOURCE" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$ROUNDS" "$DURATION" "$(cut -d' ' -f1-3 /proc/loadavg)"
median() { awk -F'\t' -v v="$1" '$1 == v { print $2 }' "$RESULTS" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
rounds() { awk -F'\t' -v v="$1" '$1 == v { printf "%s%s", sep, $2; sep = ", " }' "$RESULTS"; }
printf '| store | gateways | 2xx/s (median) | rounds |\n|---|---:|---:|---|\n'
for variant in "${VARIANTS[@]}"; do
  read -r store count <<< "$variant"
  printf '| %s | %s | %s | %s |\n' "$store" "$count" "$(median "$variant")" "$(rounds "$variant")"
done
sqlite=$(median "Sqlite 1"); pg1=$(median "Postgres 1"); pg3=$(median "Postgres 3")
awk -v s="$sqlite" -v p1="$pg1" -v p3="$pg3" 'BEGIN { printf "\nPostgreSQL x1 / SQLite x1: %.2f; PostgreSQL x3 / PostgreSQL x1: %.2f\n", (s > 0 ? p1 / s : 0), (p1 > 0 ? p3 / p1 : 0) }'
