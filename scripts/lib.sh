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

# Writes $1 name-like artists as import-artists reads them to $2 (seeded: the same file every run).
bench_artists() {
    python3 - "$1" "$2" <<'PY'
import json, random, sys
count, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
first = ["anna", "boris", "clara", "david", "elena", "felix", "greta", "hugo", "irene", "jonas", "karin", "lucas", "maria",
         "nadia", "oscar", "paula", "quinn", "rosa", "simon", "tara", "vera", "walter", "xenia", "yusuf", "zora", "akira"]
syllables = ["ka", "ro", "vel", "min", "dor", "tas", "qui", "len", "bar", "sho", "zen", "fri", "mok", "ula", "pre", "gan",
             "tor", "wis", "nak", "lio", "ber", "cha", "dun", "esk", "fal", "gro", "hil", "jor", "kin", "lum"]
seen = set()
with open(path, "w") as out:
    while len(seen) < count:
        name = f"{rng.choice(first).title()} {''.join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).title()}"
        if name in seen:
            continue
        seen.add(name)
        line = {"name": name, "policy": "block" if rng.random() < 0.8 else "credit"}
        if rng.random() < 0.1:
            line["aliases"] = [name.replace(" ", "") + "art"]
        if rng.random() < 0.5:
            line["links"] = ["https://portfolio.example/" + name.replace(" ", "-").lower()]
        out.write(json.dumps(line) + "\n")
PY
}

# Writes a wrk script to $1 that posts 2,000 prompts of about 250 bytes (one in ten naming an artist of $2, the
# JSON Lines file) to the prompt check with the API key $3.
bench_prompts_lua() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, random, sys
out, artists, key = sys.argv[1], sys.argv[2], sys.argv[3]
rng = random.Random(11)
names = [json.loads(line)["name"] for _, line in zip(range(20000), open(artists))]
rows = [json.loads(line)["prompt"] for line in open("Tests/OptOutCoreTests/Eval/ordinary.jsonl")]
prompts = []
for i in range(2000):
    p = ""
    while len(p.encode()) < 250:
        p += (", " if p else "") + rng.choice(rows).split(", ")[0]
        if i % 10 == 0 and len(p) > 120 and "art by" not in p:
            p += ", art by " + rng.choice(names)
    prompts.append(p.encode()[:260].decode("utf-8", "ignore"))
with open(out, "w") as f:
    f.write("local bodies = {\n")
    for p in prompts:
        f.write("  " + json.dumps(json.dumps({"prompt": p})) + ",\n")
    f.write("}\nlocal i = 0\n")
    f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
    f.write(f'wrk.headers["Authorization"] = "Bearer {key}"\n')
    f.write("request = function()\n  i = i % #bodies + 1\n  return wrk.format(nil, nil, nil, bodies[i])\nend\n")
PY
}

# wrk with 2 threads and $connections (64) connections for $seconds: label, file name (under $work), then wrk's arguments. Prints the
# figures on stderr and the requests a second on stdout.
bench_wrk() {
    local label=$1 file="$work/$2.txt"; shift 2
    wrk -t2 -c"${connections:-64}" -d"${seconds}s" --latency "$@" >"$file"
    local rps p99
    rps=$(awk '/Requests\/sec/ {print $2}' "$file")
    p99=$(awk '$1 == "99%" {print $2}' "$file")
    echo "$label: $rps requests/s, p99 $p99, $(grep -E 'Non-2xx|Socket errors' "$file" || echo 'no errors')" >&2
    echo "$rps"
}

# The CPU time (user + system, in clock ticks) process $1 has used.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Writes a wrk script to $1 that posts metered generations with the API key $2 for account $3, each with a new
# idempotency key (thread and count: unique for this key, so every request is a charged write).
bench_generate_lua() {
    cat >"$1" <<LUA
local counter = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $2"
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, string.format('{"account_id": $3, "prompt": "a lighthouse at dusk, oil on canvas", "idempotency_key": "%d-%d"}', thread_id, counter))
end
LUA
}
