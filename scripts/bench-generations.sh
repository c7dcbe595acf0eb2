#!/usr/bin/env bash
# Metered generations per second with synchronous=FULL and group commit: wrk with unique idempotency keys against
# one account with overage on (every request is a charged, durable write). Loopback only.
# Usage: scripts/bench-generations.sh [seconds, default 15] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
connections=${2:-64}
port=${OPTOUT_BENCH_PORT:-18183}
source scripts/lib.sh
bench_prepare
key=$("$bin" create-api-key --data-dir "$work/data" --name bench --scope generate | tail -n 1)
bench_serve "$port"
curl -fsS -X POST "http://127.0.0.1:$port/v1/accounts" -H 'Content-Type: application/json' \
    -d '{"email": "bench@example.org", "password": "password123", "display_name": "Bench"}' >/dev/null
"$bin" set-plan --data-dir "$work/data" --email bench@example.org --plan member --overage on >/dev/null
bench_generate_lua "$work/generate.lua" "$key" 1
echo "== wrk, 2 threads, $connections connections, $seconds s: POST /v1/generations (each a charged write, synchronous=FULL)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/generate.lua" "http://127.0.0.1:$port/v1/generations" | grep -E "Requests/sec|Latency|99%|Non-2xx|Socket"
python3 - "$work/data/optout.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print("stored generations:", db.execute("SELECT count(*) FROM generation").fetchone()[0],
      "charged:", db.execute("SELECT count(*) FROM generation WHERE charge_kind IS NOT NULL").fetchone()[0])
PY
