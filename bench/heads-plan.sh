#!/usr/bin/env bash
# Heads that stay cheap (issue 36): the worker's two questions at every look (due heads, next due time) against
# backlogs of 100, 1,000 and 100,000 due events (each its own alert, on 500 pacing keys), on PostgreSQL and SQLite,
# side by side in one run: EXPLAIN (ANALYZE, BUFFERS) plans (EXPLAIN QUERY PLAN on SQLite) and median timings of the
# stores' own calls, with the queries they replaced. A throwaway PostgreSQL cluster in a temp folder on 127.0.0.1,
# stopped and deleted at the end; installs Debian's postgresql if missing.
#
#   bench/heads-plan.sh            30 timed calls per query
#   RUNS=100 bench/heads-plan.sh
set -euo pipefail
RUNS=${RUNS:-30}; PG_PORT=${PG_PORT:-18960}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/haloilert-heads.XXXXXX); chmod 755 "$WORK"
as_postgres() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  as_postgres pg_ctl -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '%s\n' "$*" >&2; }

if ! command -v initdb >/dev/null; then
  if ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  else
    log "installing postgresql (Debian package)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
fi

mkdir -p "$WORK/pg" "$WORK/stores" && [[ $(id -u) == 0 ]] && chown postgres "$WORK/pg"
as_postgres initdb -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
as_postgres pg_ctl -D "$WORK/pg/data" -w -l "$WORK/pg/log" -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1" start >/dev/null
log "PostgreSQL $(pg_ctl --version | awk '{print $3}') on 127.0.0.1:$PG_PORT; building the benchmarks (Release)"
dotnet build "$ROOT/bench/HaloIlertGateway.Benchmarks" --configuration Release --nologo -v quiet >/dev/null
echo "Commit $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
echo
dotnet "$ROOT/bench/HaloIlertGateway.Benchmarks/bin/Release/net10.0/HaloIlertGateway.Benchmarks.dll" heads-plan \
  "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres" "$WORK/stores" "$RUNS"
