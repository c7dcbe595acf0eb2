#!/usr/bin/env bash
# The moderation queue with a large backlog: reports written straight into the database (1,000 artists, 20 reporters,
# reporter counts 1 to 8, 60 % open, 10 % with the artist, 30 % decided, one audit event each), then the queue's pages,
# an item and its history over HTTP, and wrk on the first page. Loopback only.
# Usage: scripts/bench-queue.sh [reports, default 200000] [seconds of wrk, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
reports=${1:-200000}
seconds=${2:-10}
port=${OPTOUT_BENCH_PORT:-18185}
source scripts/lib.sh
bench_prepare
base="http://127.0.0.1:$port"

python3 - 1000 >"$work/artists.jsonl" <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"name": f"Bench Artist {i:04d}", "policy": "block"}))
PY
"$bin" import-artists --data-dir "$work/data" "$work/artists.jsonl" | tail -n 1
OPTOUT_PASSWORD="moderator password" "$bin" create-moderator --data-dir "$work/data" --email mod@example.org >/dev/null

echo "== writing $reports reports"
python3 - "$work/data/optout.sqlite" "$reports" <<'PY'
import json, random, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
count = int(sys.argv[2])
rng = random.Random(5)
now = "2026-11-01 12:00:00.000"
reporters = []
for i in range(20):
    cur = db.execute("INSERT INTO account (email, password_hash, display_name, created_at) VALUES (?, 'x', ?, ?)",
                     (f"reporter{i}@example.org", f"reporter{i}", now))
    reporters.append(cur.lastrowid)
artists = [row[0] for row in db.execute("SELECT id FROM artist")]
start = time.time()
for i in range(count):
    roll = rng.random()
    status = "open" if roll < 0.6 else "awaiting_artist" if roll < 0.7 else rng.choice(["taken_down", "dismissed"])
    due = "2026-12-10 12:00:00.000" if status == "awaiting_artist" else None
    cur = db.execute(
        "INSERT INTO report (artist_id, target_kind, target, category, status, reporter_count, snapshot, ruling_due_at, version,"
        " created_at, updated_at) VALUES (?, 'image_url', ?, 'style_imitation', ?, ?, ?, ?, 1, ?, ?)",
        (rng.choice(artists), f"https://images.example/{i}.png", status, rng.randint(0, 7),
         json.dumps({"image_url": f"https://images.example/{i}.png"}), due, now, now))
    db.execute("INSERT INTO report_reporter (report_id, account_id, category, details, created_at) VALUES (?, ?, 'style_imitation', '', ?)",
               (cur.lastrowid, rng.choice(reporters), now))
    db.execute("INSERT INTO report_event (report_id, actor_account_id, actor_role, action, to_status, created_at) VALUES (?, ?, 'reporter', 'filed', 'open', ?)",
               (cur.lastrowid, reporters[0], now))
db.commit()
print(f"wrote {count} reports in {time.time() - start:.1f} s")
PY

bench_serve "$port"
token=$(curl -fsS -X POST "$base/v1/sessions" -H 'Content-Type: application/json' \
    -d '{"email": "mod@example.org", "password": "moderator password"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
timed() {  # label, path: the best of 5 calls, in ms
    local best
    best=$(for _ in 1 2 3 4 5; do curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$base$2"; done | sort -n | head -n 1)
    printf '%s: %.1f ms\n' "$1" "$(echo "$best * 1000" | bc -l)"
}
echo "== single calls (best of 5)"
timed "queue, first page of 50" "/v1/moderation/reports"
deep=$(python3 - "$work/data/optout.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rank, count, rid = db.execute("SELECT status <> 'open', reporter_count, id FROM report ORDER BY status <> 'open', reporter_count DESC, id LIMIT 1 OFFSET ?",
                              (db.execute("SELECT count(*) FROM report").fetchone()[0] - 60,)).fetchone()
print(f"{rank}.{count}.{rid}")
PY
)
timed "queue, the last page (after=$deep)" "/v1/moderation/reports?after=$deep"
timed "queue, status=dismissed, first page" "/v1/moderation/reports?status=dismissed"
timed "queue, status=awaiting_artist, first page" "/v1/moderation/reports?status=awaiting_artist"
timed "item 100000" "/v1/moderation/reports/100000"
timed "history of item 100000" "/v1/moderation/reports/100000/history"

echo "== wrk, 2 threads, 16 connections, ${seconds} s: GET /v1/moderation/reports (first page of 50)"
wrk -t2 -c16 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$base/v1/moderation/reports"
