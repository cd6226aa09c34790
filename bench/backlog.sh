#!/usr/bin/env bash
# The drain after an outage (issue 36): 100,000 events on 500 integration keys queued while a fake ilert is down, then
# ilert's real limits; on SQLite with one gateway and on PostgreSQL with three. See bench/backlog.py for what is
# measured. Installs wrk and postgresql (Debian packages) if missing. About 10 minutes per variant at 100,000 events.
#
#   bench/backlog.sh                                  100,000 events, 2 measured minutes, SQLite x1 and PostgreSQL x3
#   bench/backlog.sh --events 20000 --minutes 1       a shorter run
#   bench/backlog.sh --variants Postgres:1            one variant
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/haloilert-backlog.XXXXXX); chmod 755 "$WORK"
cleanup() {
  runuser -u postgres -- pg_ctl -D "$WORK"/backlog-pg-*/data stop -m immediate >/dev/null 2>&1 || pg_ctl -D "$WORK"/backlog-pg-*/data stop -m immediate >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
if ! command -v wrk >/dev/null || ! command -v initdb >/dev/null; then
  echo "installing wrk and postgresql (Debian packages)" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk postgresql >/dev/null
  export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
echo "publishing the gateway (Release)" >&2
dotnet publish "$ROOT/gateway/HaloIlertGateway.csproj" --configuration Release --output "$WORK/gateway" --nologo -v quiet >/dev/null
python3 "$ROOT/bench/backlog.py" "$WORK/gateway/HaloIlertGateway.dll" "$WORK" "$@"
