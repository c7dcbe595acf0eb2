#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for the tests, as an unprivileged user, on a free loopback port, and prints
# its admin URL (postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable). The cluster lives in $1 (a new
# folder); `scripts/pg-cluster.sh stop DIR` stops it. Needs Debian's postgresql package (PostgreSQL 15).
set -euo pipefail
if [ "${1:-}" = stop ]; then
    dir=$2
    [ -f "$dir/data/postmaster.pid" ] || exit 0
    owner=$(stat -c %U "$dir/data")
    bin=$(cat "$dir/bin")
    if [ "$(id -u)" = 0 ]; then runuser -u "$owner" -- "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null
    else "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null; fi
    exit 0
fi
dir=$1
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "pg-cluster: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
port=$(python3 "$(dirname "$0")/../Tests/blackbox/support.py")
mkdir -p "$dir"
echo "$bin" >"$dir/bin"
run() {
    # initdb refuses root: the cluster belongs to the postgres system user then.
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$dir"
run "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1
# fsync and synchronous_commit stay on: the service refuses a server that acknowledges before the disk has it.
run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=1000 -c shared_buffers=128MB" start >/dev/null
echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
