#!/usr/bin/env bash
# Runs a benchmark script on an anchor commit's build and on this tree's, one after the other, in one run, and
# prints both outputs under their names: the figures side by side on the same machine at the same time.
# Usage: scripts/bench-anchor.sh COMMIT SCRIPT [ARGS...]   e.g. scripts/bench-anchor.sh c5b173e scripts/bench-generations.sh 15
# OPTOUT_BENCH_ROUNDS sets the rounds (default 2). The anchor is built in release mode in a worktree at /tmp/optout-anchor-COMMIT (kept for the next run).
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$1
script=$2
shift 2
tree=/tmp/optout-anchor-$commit
if [ ! -d "$tree" ]; then git worktree add -q --detach "$tree" "$commit"; fi
echo "== building the anchor ($commit) and this tree (release)"
(cd "$tree" && swift build -c release --product optout-gate >/dev/null)
swift build -c release --product optout-gate >/dev/null
for round in $(seq 1 "${OPTOUT_BENCH_ROUNDS:-2}"); do
    echo "== round $round: anchor $commit"
    OPTOUT_ROOT="$tree" OPTOUT_BENCH_BIN="$tree/.build/release/optout-gate" bash "$script" "$@" 2>&1 | sed 's/^/  anchor | /'
    echo "== round $round: this tree ($(git rev-parse --short HEAD))"
    OPTOUT_BENCH_BIN=.build/release/optout-gate bash "$script" "$@" 2>&1 | sed 's/^/  now    | /'
done
