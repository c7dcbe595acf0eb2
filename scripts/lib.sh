# Shared by the benchmark scripts (source it): a release build, a temporary data folder, and a server started on it.

# Builds optout-gate in release mode, makes $work with a migrated database under $work/data, and cleans up on exit.
bench_prepare() {
    command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
    # OPTOUT_BENCH_BIN runs another build (an anchor commit's, say) through the same script.
    if [ -n "${OPTOUT_BENCH_BIN:-}" ]; then
        bin=$OPTOUT_BENCH_BIN
    else
        swift build -c release --product optout-gate >/dev/null
        bin=.build/release/optout-gate
    fi
    work=$(mktemp -d)
    server=
    trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
    "$bin" migrate --data-dir "$work/data" >/dev/null
}

# Starts the server on port $1 (further arguments go to serve) and waits until /health answers; sets $server.
bench_serve() {
    local port=$1
    shift
    "$bin" serve --port "$port" --data-dir "$work/data" --log-level warning "$@" >"$work/server.log" 2>&1 &
    server=$!
    until curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; do sleep 0.05; done
}
