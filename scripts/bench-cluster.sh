#!/usr/bin/env bash
# Past one machine, in one run (issue 12): metered generations a second through HTTP on SQLite, on PostgreSQL with one
# replica, and on two PostgreSQL replicas behind nginx; the prompt check of one replica on each backend (requests a
# second and the server's CPU time a request); the import on each backend; and registry propagation from a write on
# one replica to a blocking check on the other (p50/p99, Tests/blackbox/cluster_check.py). Loopback only.
# PostgreSQL: the server OPTOUT_TEST_DATABASE_URL names (its user must create databases), else a throw-away cluster
# (scripts/pg-cluster.sh) on this machine; it shares the cores with the replicas and wrk.
# Usage: scripts/bench-cluster.sh [seconds per wrk run, default 10] [artists for the check, default 20000]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
artists=${2:-20000}
connections=64
source scripts/lib.sh
command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
bench_prepare
pgdir=
databases=()
pids=()
admin=${OPTOUT_TEST_DATABASE_URL:-}
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for name in "${databases[@]}"; do psql "$admin" -qc "DROP DATABASE $name WITH (FORCE)" >/dev/null 2>&1 || true; done
    if [ -n "$pgdir" ]; then bash scripts/pg-cluster.sh stop "$pgdir" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
if [ -z "$admin" ]; then
    pgdir=$(mktemp -d)
    admin=$(bash scripts/pg-cluster.sh "$pgdir")
fi
free_port() { python3 "$(dirname "$0")/../Tests/blackbox/support.py"; }

# Sets $url to a new, migrated PostgreSQL database.
new_database() {
    local name=optout_bench_$(date +%s%N)
    psql "$admin" -qc "CREATE DATABASE $name" >/dev/null
    databases+=("$name")
    url="${admin%/*}/$name?${admin#*\?}"
    "$bin" migrate --database-url "$url" >/dev/null
}

# Starts a replica: port, data folder, then further serve arguments; sets $pid once /health answers.
replica() {
    local port=$1 data=$2
    shift 2
    mkdir -p "$data"
    "$bin" serve --port "$port" --data-dir "$data" --log-level warning --trusted-proxy 127.0.0.1/32 "$@" >>"$work/replicas.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    until curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$work/replicas.log"; exit 1; }
        sleep 0.05
    done
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# Metered generations through $1 (a base URL); the remaining arguments select the database for the CLI. Every request a
# charged, durable write with a new idempotency key, for one member account with overage on.
generations() {
    local label=$1 base=$2
    shift 2
    local key account
    key=$("$bin" create-api-key "$@" --name "bench-$(date +%s%N)" --scope generate | tail -n 1)
    curl -fsS -X POST "$base/v1/accounts" -H 'Content-Type: application/json' \
        -d '{"email": "bench@example.org", "password": "password123", "display_name": "Bench"}' >/dev/null
    "$bin" set-plan "$@" --email bench@example.org --plan member --overage on >/dev/null
    token=$(curl -fsS -X POST "$base/v1/sessions" -H 'Content-Type: application/json' \
        -d '{"email": "bench@example.org", "password": "password123"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
    account=$(curl -fsS "$base/v1/accounts/me" -H "Authorization: Bearer $token" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
    bench_generate_lua "$work/generate.lua" "$key" "$account"
    bench_wrk "$label" "gen-$(date +%s%N)" -s "$work/generate.lua" "$base/v1/generations"
}

echo "== metered generations a second through HTTP: wrk, 2 threads, $connections connections, ${seconds} s each"
port=$(free_port)
replica "$port" "$work/data"
sqlite_gen=$(generations "SQLite, one process (synchronous=FULL)" "http://127.0.0.1:$port" --data-dir "$work/data")
stop "$pid"
echo "stored on SQLite: $(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM generation").fetchone()[0])' "$work/data/optout.sqlite") generations"

new_database
port=$(free_port)
replica "$port" "$work/pg-1" --database-url "$url"
pg_gen=$(generations "PostgreSQL, one replica (synchronous_commit on)" "http://127.0.0.1:$port" --database-url "$url")
stop "$pid"
echo "stored on PostgreSQL: $(psql "$url" -tAc 'SELECT count(*) FROM generation') generations"

new_database
ports=("$(free_port)" "$(free_port)")
replica "${ports[0]}" "$work/pg-a" --database-url "$url"
first=$pid
replica "${ports[1]}" "$work/pg-b" --database-url "$url"
second=$pid
balancer=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<NGINX
$([ "$(id -u)" = 0 ] && echo "user root;")
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    upstream optout_gate {
        server 127.0.0.1:${ports[0]};
        server 127.0.0.1:${ports[1]};
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$balancer;
        location / {
            proxy_pass http://optout_gate;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
pids+=("$nginx_pid")
until curl -fsS "http://127.0.0.1:$balancer/health" >/dev/null 2>&1; do sleep 0.05; done
cluster_gen=$(generations "PostgreSQL, two replicas behind nginx" "http://127.0.0.1:$balancer" --database-url "$url")
stop "$nginx_pid"
stop "$first"
stop "$second"
echo "stored on PostgreSQL: $(psql "$url" -tAc 'SELECT count(*) FROM generation') generations"
printf 'metered generations a second: SQLite %.0f; PostgreSQL one replica %.0f (%.0f %% of SQLite); two replicas behind nginx %.0f (%.0f %%)\n' \
    "$sqlite_gen" "$pg_gen" "$(echo "$pg_gen * 100 / $sqlite_gen" | bc -l)" "$cluster_gen" "$(echo "$cluster_gen * 100 / $sqlite_gen" | bc -l)"

echo "== the import and the prompt check, $artists artists, each backend"
bench_artists "$artists" "$work/artists.jsonl"
check_round() {  # label, then the CLI's database arguments, then -- and serve's extra arguments
    local label=$1
    shift
    local cli=() serve=()
    while [ "$1" != -- ]; do cli+=("$1"); shift; done
    shift
    serve=("$@")
    local start end
    start=$(date +%s.%N)
    "$bin" import-artists "${cli[@]}" "$work/artists.jsonl" >/dev/null
    end=$(date +%s.%N)
    printf '%s: import-artists %.0f artists/s\n' "$label" "$(echo "$artists / ($end - $start)" | bc -l)" >&2
    local key port
    key=$("$bin" create-api-key "${cli[@]}" --name "check-$(date +%s%N)" --scope check | tail -n 1)
    bench_prompts_lua "$work/prompts.lua" "$work/artists.jsonl" "$key"
    port=$(free_port)
    replica "$port" "$work/check-$(date +%s%N)" "${serve[@]}"
    local before after rps requests
    before=$(cpu_ticks "$pid")
    rps=$(bench_wrk "$label: POST /v1/prompts/check" "check-$(date +%s%N)" -s "$work/prompts.lua" "http://127.0.0.1:$port/v1/prompts/check")
    after=$(cpu_ticks "$pid")
    requests=$(awk '/requests in/ {print $1}' "$(ls -t "$work"/check-*.txt | head -n 1)")
    stop "$pid"
    echo "$rps $(echo "($after - $before) * 1000000 / $(getconf CLK_TCK) / $requests" | bc -l)"
}
rm -rf "$work/data"
"$bin" migrate --data-dir "$work/data" >/dev/null
read -r sqlite_check sqlite_cpu < <(check_round "SQLite" --data-dir "$work/data" -- --data-dir "$work/data")
new_database
read -r pg_check pg_cpu < <(check_round "PostgreSQL" --database-url "$url" -- --database-url "$url")
printf 'prompt check, one replica: SQLite %.0f requests/s (%.1f µs of server CPU a request); PostgreSQL %.0f (%.0f %% of SQLite; %.1f µs)\n' \
    "$sqlite_check" "$sqlite_cpu" "$pg_check" "$(echo "$pg_check * 100 / $sqlite_check" | bc -l)" "$pg_cpu"

echo "== registry propagation between two replicas, 200 writes (Tests/blackbox/cluster_check.py, no kills)"
OPTOUT_TEST_DATABASE_URL=$admin python3 Tests/blackbox/cluster_check.py "$bin" 200 0 | grep -E "propagation|concurrent|cluster test"
