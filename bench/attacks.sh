#!/usr/bin/env bash
# The three attacks of issue 34 at full size against the published gateway, its heap capped as the shipped
# Kubernetes limit caps it (288 MiB here), a genuine key posting once a second throughout and a fake ilert that
# answers 404 for keys it does not know. See bench/attacks.py for the attacks and what is measured; it prints one
# table. About 3 minutes. Everything listens on 127.0.0.x; nothing leaves the machine.
#
#   bench/attacks.sh                      # publish this tree and attack it
#   bench/attacks.sh --postgres           # the flood and the fill against two replicas on one PostgreSQL
#   bench/attacks.sh [--postgres] /path/to/published   # attack another build (an older commit published by hand)
#   ONLY=fill bench/attacks.sh            # one attack
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/haloilert-attacks.XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
MODE=()
if [ "${1:-}" = "--postgres" ]; then
  MODE=(--postgres)
  shift
  if ! command -v initdb >/dev/null; then
    if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
      export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    else
      echo "installing postgresql (Debian package)" >&2
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
      export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    fi
  fi
fi
if [ $# -ge 1 ]; then
  GATEWAY=$(cd "$1" && pwd)
else
  echo "publishing the gateway (Release)" >&2
  dotnet publish "$ROOT/gateway/HaloIlertGateway.csproj" --configuration Release --output "$WORK/gateway" --nologo -v quiet >/dev/null
  GATEWAY="$WORK/gateway"
fi
python3 "$ROOT/bench/attacks.py" "$GATEWAY/HaloIlertGateway.dll" "$WORK" "$ROOT" "${MODE[@]}" ${ONLY:+--only "$ONLY"}
