#!/usr/bin/env bash
# Before/after for a change, side by side in one run: builds the benchmarks of two commits (each in its own
# worktree) and runs the same BenchmarkDotNet filter on them alternately, ROUNDS times, then prints each
# benchmark's median mean and allocation per commit and the ratio after/before.
#
#   bench/compare-commits.sh BASE [HEAD] [--filter '*TransformEngine* *RequestTransform*'] [--rounds 2] [--job short|medium]
#   (--filter takes one or more BenchmarkDotNet filters, space-separated)
#   (HEAD defaults to the working tree as committed: HEAD)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${1:?usage: bench/compare-commits.sh BASE [HEAD] [--filter F] [--rounds N]}; shift
HEAD_REV=HEAD
if [[ $# -gt 0 && $1 != --* ]]; then HEAD_REV=$1; shift; fi
FILTER='*TransformEngine*'; ROUNDS=2; JOB=short
while [[ $# -gt 0 ]]; do
  case $1 in
    --filter) FILTER=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --job) JOB=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
WORK=$(mktemp -d /tmp/gateway-compare-XXXXXX)
trap 'cd "$ROOT"; git worktree remove --force "$WORK/before" 2>/dev/null || true; git worktree remove --force "$WORK/after" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$ROOT"
git worktree add -q --detach "$WORK/before" "$BASE"
git worktree add -q --detach "$WORK/after" "$HEAD_REV"
for side in before after; do
  dotnet build -c Release "$WORK/$side/bench/HaloIlertGateway.Benchmarks" -v q -nologo >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
  for side in before after; do
    echo "round $round: $side ($(git -C "$WORK/$side" rev-parse --short HEAD))" >&2
    # The filters are split on spaces and never globbed by the shell.
    (set -f; cd "$WORK/$side" && dotnet run -c Release --no-build --project bench/HaloIlertGateway.Benchmarks -- \
      --filter $FILTER --job "$JOB" --exporters json --artifacts "$WORK/results/$side-$round" >/dev/null)
  done
done
python3 - "$WORK/results" "$ROUNDS" <<'PY'
import json, glob, os, statistics, sys
root, rounds = sys.argv[1], int(sys.argv[2])
rows = {}
for side in ("before", "after"):
    for r in range(1, rounds + 1):
        for path in glob.glob(os.path.join(root, f"{side}-{r}", "results", "*-report-full-compressed.json")):
            for b in json.load(open(path))["Benchmarks"]:
                key = f'{b["Type"]}.{b["Method"]}({b.get("Parameters") or ""})'
                mean = b["Statistics"]["Mean"] / 1000.0
                alloc = (b.get("Memory") or {}).get("BytesAllocatedPerOperation", 0) / 1024.0
                rows.setdefault(key, {}).setdefault(side, []).append((mean, alloc))
print(f"{'benchmark':70} {'before us':>10} {'after us':>10} {'ratio':>6} {'before KB':>10} {'after KB':>9}")
for key, sides in sorted(rows.items()):
    if "before" not in sides or "after" not in sides:
        continue
    b = statistics.median(m for m, _ in sides["before"]); a = statistics.median(m for m, _ in sides["after"])
    bk = statistics.median(k for _, k in sides["before"]); ak = statistics.median(k for _, k in sides["after"])
    print(f"{key[:70]:70} {b:10.2f} {a:10.2f} {a / b:6.2f} {bk:10.2f} {ak:9.2f}")
PY
