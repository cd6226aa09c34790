#!/usr/bin/env bash
# Cluster chaos: three gateways on one throwaway PostgreSQL, a replica killed (SIGKILL) and another restarted
# mid-burst while the fake ilert fails, then PostgreSQL stopped for 10 s mid-burst. See bench/cluster-chaos.py for
# what is checked; it prints one line per scenario and "cluster chaos: PASS" or "FAIL" (and exits 1).
# Needs PostgreSQL's initdb and pg_ctl on PATH (Debian's postgresql; installed if missing). About 3 minutes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/haloilert-chaos.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
if ! command -v initdb >/dev/null; then
  echo "installing postgresql (Debian package)" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
chmod 755 "$WORK"
echo "publishing the gateway (Release)" >&2
dotnet publish "$ROOT/gateway/HaloIlertGateway.csproj" --configuration Release --output "$WORK/gateway" --nologo -v quiet >/dev/null
python3 "$ROOT/bench/cluster-chaos.py" "$WORK/gateway/HaloIlertGateway.dll" "$WORK"
