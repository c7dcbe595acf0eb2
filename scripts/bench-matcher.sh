#!/usr/bin/env bash
# The matcher benchmark: OptOutGate's PhraseMatcher (with normalisation) beside ahocorasick-rs (the Rust
# aho-corasick crate, through Python) on the same phrases and the same ~260-byte prompts, in one run.
# Usage: scripts/bench-matcher.sh [sizes, default 10000,100000,1000000] [prompts per size, default 20000]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-10000,100000,1000000}
prompts=${2:-20000}
python3 -c 'import ahocorasick_rs' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check 'ahocorasick-rs==1.0.3'
swift build -c release --product optout-bench >/dev/null
dump=$(mktemp -d)
trap 'rm -rf "$dump"' EXIT
echo "== OptOutGate PhraseMatcher (folding, leet, fuzzy, run-together and spaced-out views; whole words)"
.build/release/optout-bench --sizes "$sizes" --prompts "$prompts" --dump "$dump" --adversarial | tee "$dump/swift.txt"
echo
echo "== OptOutGate PhraseMatcher, all views, without the quiet words (every prompt word not ordinary read through the costly views): the anchor for them"
.build/release/optout-bench --sizes "$sizes" --prompts "$prompts" --no-quiet-words | tee "$dump/swift-unquiet.txt"
echo
echo "== OptOutGate PhraseMatcher, exact whole words only (folding still on): the plain multi-pattern search"
.build/release/optout-bench --sizes "$sizes" --prompts "$prompts" --exact-words-only | tee "$dump/swift-exact.txt"
echo
echo "== ahocorasick-rs $(python3 -c 'import importlib.metadata as m; print(m.version("ahocorasick-rs"))') (lower-casing only; substrings, no word boundaries), same phrases and prompts"
python3 - "$dump" "$sizes" <<'PY'
import gc, os, resource, sys, time
import ahocorasick_rs

dump, sizes = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
def throughput(name):
    result = {}
    for line in open(os.path.join(dump, name)):
        parts = line.split()
        if parts and parts[0].isdigit():
            result[int(parts[0])] = float(parts[7])
    return result

ours, ours_exact, ours_unquiet = throughput("swift.txt"), throughput("swift-exact.txt"), throughput("swift-unquiet.txt")

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

print("phrases     build s   RSS B/phrase   p50 us   p99 us   checks/s   all views/theirs   exact words/theirs   no quiet words/theirs")
for size in sizes:
    phrases = [p.lower() for p in open(os.path.join(dump, f"phrases-{size}.txt")).read().split("\n")]
    prompts = open(os.path.join(dump, f"prompts-{size}.txt")).read().split("\n")
    gc.collect()
    before = rss()
    start = time.perf_counter()
    automaton = ahocorasick_rs.AhoCorasick(phrases)
    build = time.perf_counter() - start
    after = rss()
    for prompt in prompts[:1000]:
        automaton.find_matches_as_indexes(prompt.lower())
    latencies = []
    run_start = time.perf_counter()
    for prompt in prompts:
        t = time.perf_counter_ns()
        automaton.find_matches_as_indexes(prompt.lower())
        latencies.append((time.perf_counter_ns() - t) / 1000)
    run = time.perf_counter() - run_start
    latencies.sort()
    theirs = len(prompts) / run
    ratio, exact_ratio, unquiet_ratio = ours.get(size, 0) / theirs, ours_exact.get(size, 0) / theirs, ours_unquiet.get(size, 0) / theirs
    print(f"{size:8d}   {build:7.3f}   {(after - before) / size:12.1f}   {latencies[len(latencies) // 2]:6.2f}   {latencies[len(latencies) * 99 // 100]:6.2f}   {theirs:8.0f}   {ratio:15.2f}x   {exact_ratio:17.2f}x   {unquiet_ratio:20.2f}x")
    del automaton
PY
