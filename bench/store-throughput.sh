#!/usr/bin/env bash
# Durable transform throughput by store, side by side in one run: the shipped HaloPSA route (transform, outbox write,
# send) on SQLite with one gateway, and on one throwaway PostgreSQL with one and with three gateways (wrk split over
# them, as a load balancer would). Every request is its own alert (bench/post-unique.lua). A fake ilert (nginx)
# answers 202. Everything on 127.0.0.1; installs nginx, wrk and postgresql (Debian packages) if missing.
#
#   bench/store-throughput.sh            3 rounds of 10 s per variant after a 10 s warm-up
#   ROUNDS=1 bench/store-throughput.sh   one round
set -euo pipefail
ROUNDS=${ROUNDS:-3}; DURATION=10; WARMUP=10
FAKE_PORT=18881; PG_PORT=18882; PORTS=(18890 18891 18892); MANAGEMENT=(18895 18896 18897)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
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
dotnet publish "$ROOT/gateway/HaloIlertGateway.csproj" --configuration Release --output "$WORK/gateway" --nologo -v quiet >/dev/null

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
printf 'Host=127.0.0.1;Port=%s;Username=postgres;Database=postgres' "$PG_PORT" > "$WORK/pg-connection"

# start_gateways STORE COUNT: fresh content roots (and a fresh SQLite file); waits for each /readyz.
start_gateways() {
  local store=$1 count=$2
  as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "SET client_min_messages = warning; DROP TABLE IF EXISTS outbox, dead_letters, write_probe, pacing_sends, pacing_pauses, replicas, gateway_schema" >/dev/null
  for i in $(seq 0 $((count - 1))); do
    local run="$WORK/run-$i"; rm -rf "$run"; mkdir -p "$run"; cp -r "$ROOT/proxy.json" "$ROOT/transforms" "$run/"
    (cd "$run" && exec dotnet "$WORK/gateway/HaloIlertGateway.dll" --urls "http://127.0.0.1:${PORTS[$i]}" \
      --Gateway:Management:Urls="http://127.0.0.1:${MANAGEMENT[$i]}" --Serilog:MinimumLevel:Default=Warning \
      "--ReverseProxy:Clusters:ilert:Destinations:primary:Address=http://127.0.0.1:$FAKE_PORT/" \
      --Gateway:Store:Provider="$store" "--Gateway:Store:ConnectionString=file:$WORK/pg-connection" \
      --Gateway:Delivery:RatePerMinutePerKey=60000 --Gateway:Delivery:MaxSendsPerWindow=1000000 \
      --Gateway:RateLimiting:Policies:per-integration-key:TokenLimit=1000000000 \
      --Gateway:RateLimiting:Policies:per-integration-key:TokensPerPeriod=1000000000 \
      --Gateway:RateLimiting:Policies:per-client-ip:PermitLimit=1000000000 >"$run/out.log" 2>&1) &
    GATEWAYS+=($!)
  done
  for i in $(seq 0 $((count - 1))); do
    for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:${MANAGEMENT[$i]}/readyz" && break; sleep 0.1; done
  done
}

# load COUNT SECONDS: wrk split over COUNT gateways (32 connections in all); prints the total req/s.
load() {
  local count=$1 seconds=$2 pids=() i
  for i in $(seq 0 $((count - 1))); do
    BODY_FILE="$ROOT/bench/new-ticket.json" wrk -t1 -c$((32 / count)) -d"${seconds}s" -s "$ROOT/bench/post-unique.lua" \
      "http://127.0.0.1:${PORTS[$i]}/api/v1/events/halopsa/il1hps-store-bench" > "$WORK/wrk-$i.txt" & pids+=($!)
  done
  wait "${pids[@]}"
  cat "$WORK"/wrk-*.txt | awk '/Requests\/sec/ { total += $2 } END { printf "%.0f\n", total }'
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
printf '\nDurable HaloPSA route by store, %s, %s cores, commit %s, medians of %s rounds of %s s (wrk, 32 connections in all)\n\n' \
  "$(date -u +%Y-%m-%d)" "$(nproc)" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$ROUNDS" "$DURATION"
printf '| store | gateways | req/s |\n|---|---:|---:|\n'
for variant in "${VARIANTS[@]}"; do
  read -r store count <<< "$variant"
  printf '| %s | %s | %s |\n' "$store" "$count" "$(awk -F'\t' -v v="$variant" '$1 == v { print $2 }' "$RESULTS" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
done
