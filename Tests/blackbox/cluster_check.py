"""Cluster test: PostgreSQL, two optout-gate replicas and nginx round-robin in front, as a platform would run them.

On a database of its own on the server OPTOUT_TEST_DATABASE_URL names:
1. sign up and register an artist through the balancer; the phrase is blocked by a check on each replica within 1 s,
   and a change written on one replica blocks on the other within 1 s, every round (p50/p99/max printed);
2. a session signed out on one replica stops working on the other within 1 s;
3. 200 concurrent generations split over the two replicas, for a free account with 5 prompts, admit exactly 5; one
   idempotency key sent to both replicas at once is charged once and answered alike;
4. wrong passwords alternated over the two replicas are throttled as on one;
5. metered load through nginx while one replica, then the other, is SIGKILLed and restarted: the other keeps
   answering, and every acknowledged generation is stored with the answer given; no plan is overdrawn.

Usage: cluster_check.py BINARY [propagation rounds, default 30] [kill cycles, default 6]
Needs nginx (Debian) and psql. Exits non-zero on any failure; prints what it measured.
"""
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from support import free_port, stored_answer

BIN = os.path.abspath(sys.argv[1])
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
CYCLES = int(sys.argv[3]) if len(sys.argv) > 3 else 6
ADMIN = os.environ.get("OPTOUT_TEST_DATABASE_URL")
rng = random.Random(20261127)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message, flush=True)


class Client:
    """One keep-alive HTTP/1.1 connection to one address (a replica or the balancer)."""

    def __init__(self, port, timeout=10):
        self.port = port
        self.timeout = timeout
        self.connection = None

    def call(self, method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode()
                return response.status, text
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def json(self, method, path, body=None, token=None):
        status, text = self.call(method, path, body, token)
        return status, (json.loads(text) if text else None)


def psql(url, sql):
    return subprocess.run(["psql", url, "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip()


def made_up_name(local):
    """A name no dictionary holds (so the gate registers it active, never pending review)."""
    syllables = ["vor", "quel", "zan", "thir", "mok", "brel", "yss", "dra", "fen", "kul", "wex", "ort", "lum", "zep", "grav"]
    def word():
        return "".join(local.choice(syllables) for _ in range(3)).capitalize()
    return f"{word()} {word()}"


class Cluster:
    def __init__(self, work, database):
        self.work = work
        self.database = database
        self.ports = [free_port(), free_port()]
        self.balancer = free_port()
        self.replicas = [None, None]
        self.nginx = None

    def start_replica(self, index):
        data = os.path.join(self.work, f"replica-{index}")
        os.makedirs(data, exist_ok=True)
        log = open(os.path.join(self.work, f"replica-{index}.log"), "a")
        self.replicas[index] = subprocess.Popen(
            [BIN, "serve", "--port", str(self.ports[index]), "--data-dir", data, "--database-url", self.database,
             "--trusted-proxy", "127.0.0.1/32", "--log-level", "warning", "--sign-ups-per-address", "1000000",
             "--sign-ups-per-network", "1000000"],
            stdout=log, stderr=log)
        deadline = time.monotonic() + 90  # a debug build reads its word lists for about 15 s, longer on a loaded machine
        client = Client(self.ports[index], timeout=1)
        while time.monotonic() < deadline:
            try:
                if client.call("GET", "/health/ready")[0] == 200:
                    return
            except OSError:
                pass
            if self.replicas[index].poll() is not None:
                break
            time.sleep(0.05)
        raise SystemExit(f"replica {index} did not start; log:\n" + open(os.path.join(self.work, f"replica-{index}.log")).read()[-3000:])

    def start_nginx(self):
        temp = os.path.join(self.work, "nginx")
        os.makedirs(temp, exist_ok=True)
        config = os.path.join(temp, "nginx.conf")
        user = "user root;\n" if os.geteuid() == 0 else ""
        with open(config, "w") as file:
            file.write(f"""{user}daemon off;
worker_processes 1;
pid {temp}/nginx.pid;
error_log {temp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    upstream optout_gate {{
        server 127.0.0.1:{self.ports[0]} max_fails=1 fail_timeout=2s;
        server 127.0.0.1:{self.ports[1]} max_fails=1 fail_timeout=2s;
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{self.balancer};
        client_max_body_size 21m;
        location / {{
            proxy_pass http://optout_gate;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout;
        }}
    }}
}}
""")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.nginx = subprocess.Popen([nginx, "-p", temp, "-c", config], stdout=subprocess.DEVNULL, stderr=open(os.path.join(temp, "stderr.log"), "w"))
        client = Client(self.balancer, timeout=1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.call("GET", "/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("nginx did not start: " + open(os.path.join(temp, "stderr.log")).read())

    def stop(self):
        for process in self.replicas + [self.nginx]:
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()


def wait_until(predicate, limit):
    """Calls predicate back to back until it holds; returns the seconds it took, or None past limit."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if predicate():
            return time.monotonic() - start
    return None


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def propagation(cluster, check_key):
    """Steps 1 and 2: registration through the balancer, then a change on one replica seen by the other."""
    balancer = Client(cluster.balancer)
    replicas = [Client(port) for port in cluster.ports]
    email = f"artist-{uuid.uuid4().hex[:8]}@cluster.example"
    status, _ = balancer.json("POST", "/v1/accounts", {"email": email, "password": "password123", "display_name": "Artist"})
    check(status == 201, f"sign-up through the balancer: {status}")
    token = balancer.json("POST", "/v1/sessions", {"email": email, "password": "password123"})[1]["token"]
    local = random.Random(7)
    name = made_up_name(local)
    status, artist = balancer.json("POST", "/v1/artists", {"name": name, "policy": "block"}, token=token)
    check(status == 201, f"registration through the balancer: {status} {artist}")

    def blocked(client, phrase):
        status, reply = client.json("POST", "/v1/prompts/check", {"prompt": f"a harbour at dawn in the style of {phrase}"}, token=check_key)
        return status == 200 and reply["allowed"] is False and any(m["phrase"] == phrase for m in reply["matches"])

    for index, client in enumerate(replicas):
        took = wait_until(lambda: blocked(client, name), 1.0)
        check(took is not None, f"the registered name was not blocked on replica {index} within 1 s")

    # A change written on one replica (alternating), timed from its acknowledgment to the first blocking check on the
    # other, polled back to back.
    times = []
    for round_ in range(ROUNDS):
        writer, reader = (replicas[0], replicas[1]) if round_ % 2 == 0 else (replicas[1], replicas[0])
        alias = made_up_name(local)
        status, reply = writer.json("PATCH", f"/v1/artists/{artist['id']}", {"aliases": [alias]}, token=token)
        if status != 200:
            check(False, f"edit on a replica: {status} {reply}")
            continue
        took = wait_until(lambda: blocked(reader, alias), 1.0)
        check(took is not None, f"round {round_}: an alias written on one replica was not blocked on the other within 1 s")
        if took is not None:
            times.append(took * 1000)
    if times:
        print(f"registry propagation between replicas, {len(times)} writes: p50 {percentile(times, 0.5):.1f} ms, "
              f"p99 {percentile(times, 0.99):.1f} ms, max {max(times):.1f} ms", flush=True)

    # Signing out on one replica ends the session on the other within 1 s (each caches credentials for a second).
    status, _ = replicas[1].json("GET", "/v1/accounts/me", token=token)
    check(status == 200, f"the session on the other replica: {status}")
    status, _ = replicas[0].json("DELETE", "/v1/sessions/current", token=token)
    check(status == 204, f"sign-out: {status}")
    took = wait_until(lambda: replicas[1].json("GET", "/v1/accounts/me", token=token)[0] == 401, 1.2)
    check(took is not None, "a session signed out on one replica still worked on the other after 1 s")


def new_account(balancer, data, name, plan=None, overage=None):
    email = f"{name}-{uuid.uuid4().hex[:8]}@cluster.example"
    status, _ = balancer.json("POST", "/v1/accounts", {"email": email, "password": "password123", "display_name": name})
    assert status == 201, status
    token = balancer.json("POST", "/v1/sessions", {"email": email, "password": "password123"})[1]["token"]
    account_id = balancer.json("GET", "/v1/accounts/me", token=token)[1]["id"]
    if plan:
        args = [BIN, "set-plan", "--data-dir", data, "--database-url", CLUSTER_DB, "--email", email, "--plan", plan]
        subprocess.run(args + (["--overage", overage] if overage else []), check=True, capture_output=True)
    return email, token, account_id


def exact_metering(cluster, generate_key):
    """Step 3: 200 concurrent generations over both replicas admit exactly the 5 a free account has."""
    balancer = Client(cluster.balancer)
    _, _, account = new_account(balancer, cluster.work, "free")
    barrier = threading.Barrier(200)
    statuses = []
    lock = threading.Lock()

    def generate(index):
        client = Client(cluster.ports[index % 2], timeout=30)
        barrier.wait()
        status, _ = client.call("POST", "/v1/generations",
                                {"account_id": account, "prompt": f"a quiet lake, study {index}", "idempotency_key": uuid.uuid4().hex},
                                token=generate_key)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=generate, args=(index,)) for index in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    admitted = statuses.count(201)
    print(f"200 concurrent generations over two replicas for a free account: {admitted} admitted, "
          f"{statuses.count(402)} refused with 402, others {sorted(set(statuses) - {201, 402})}", flush=True)
    check(admitted == 5 and statuses.count(402) == 195, f"exact metering across replicas: {admitted} admitted")
    charged = int(psql(CLUSTER_DB, f"SELECT count(*) FROM generation WHERE account_id = {account} AND charge_kind IS NOT NULL"))
    check(charged == 5, f"{charged} charged generations stored for 5 admitted")

    # One key sent to both replicas at once: charged once, answered alike.
    _, _, member = new_account(balancer, cluster.work, "member", plan="member")
    answers = {}
    for round_ in range(20):
        key = uuid.uuid4().hex
        barrier = threading.Barrier(2)
        replies = [None, None]

        def send(index):
            client = Client(cluster.ports[index], timeout=30)
            barrier.wait()
            replies[index] = client.call("POST", "/v1/generations", {"account_id": member, "prompt": "a red kite over hills", "idempotency_key": key}, token=generate_key)

        pair = [threading.Thread(target=send, args=(index,)) for index in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()
        answers[key] = replies
        check(stored_answer(*replies[0]) == stored_answer(*replies[1]), f"one key answered differently by two replicas: {replies}")
    stored = int(psql(CLUSTER_DB, f"SELECT count(*) FROM generation WHERE account_id = {member}"))
    check(stored == 20, f"20 keys each sent to both replicas stored {stored} generations")


def throttle(cluster):
    """Step 4: wrong passwords alternated over both replicas meet one throttle."""
    balancer = Client(cluster.balancer)
    email, _, _ = new_account(balancer, cluster.work, "throttled")
    replicas = [Client(port) for port in cluster.ports]
    statuses = [replicas[index % 2].call("POST", "/v1/sessions", {"email": email, "password": "wrong password"})[0] for index in range(12)]
    print(f"12 wrong passwords alternated over two replicas: {statuses.count(401)} checked, {statuses.count(429)} throttled", flush=True)
    check(statuses[:10] == [401] * 10 and statuses[10:] == [429, 429], f"the throttle across replicas: {statuses}")


def kill_under_load(cluster, generate_key):
    """Step 5: metered generations through nginx while replicas are killed one at a time."""
    balancer = Client(cluster.balancer)
    accounts = {}
    for name, plan, overage in [("free", None, None), ("member", "member", None), ("overage", "free", "on")]:
        email, _, account = new_account(balancer, cluster.work, name, plan=plan, overage=overage)
        accounts[account] = {"email": email, "plan": plan or "free", "overage": overage == "on"}
    time.sleep(1.2)  # plans are read per request; the credential cache holds nothing that matters here

    attempted, acknowledged, retry = {}, {}, []
    lock = threading.Lock()
    stop = threading.Event()
    answered_while_down = [0]
    down = threading.Event()
    seen_while_down = {}
    resent = [0]
    served_while_down = []

    def client(seed):
        local = random.Random(seed)
        http_client = Client(cluster.balancer, timeout=5)
        while not stop.is_set():
            with lock:
                if retry:
                    idem = retry.pop()
                    account, prompt = attempted[idem]
                else:
                    idem = uuid.uuid4().hex
                    account, prompt = local.choice(list(accounts)), f"a landscape, study {local.randint(0, 9999)}"
                    attempted[idem] = (account, prompt)
            try:
                status, text = http_client.call("POST", "/v1/generations", {"account_id": account, "prompt": prompt, "idempotency_key": idem}, token=generate_key)
            except (OSError, http.client.HTTPException) as error:
                status, text = None, repr(error)
            if down.is_set():
                with lock:
                    seen_while_down[str(status) + text[:60]] = seen_while_down.get(str(status) + text[:60], 0) + 1
            if status not in (201, 402, 422):
                # No answer from a replica (nginx says 502 when the one it chose died mid-request): send it again.
                with lock:
                    retry.append(idem)
                    resent[0] += 1
                time.sleep(0.01)
                continue
            with lock:
                if idem in acknowledged and acknowledged[idem] != stored_answer(status, text):
                    failures.append(f"key {idem} answered differently after a retry: {acknowledged[idem]} then {(status, text)}")
                acknowledged[idem] = stored_answer(status, text)
                if down.is_set():
                    answered_while_down[0] += 1

    threads = [threading.Thread(target=client, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for cycle in range(CYCLES):
        victim = cycle % 2
        time.sleep(rng.uniform(0.1, 0.6))
        cluster.replicas[victim].send_signal(signal.SIGKILL)
        cluster.replicas[victim].wait()
        down.set()
        before = answered_while_down[0]
        time.sleep(1.0)
        with lock:
            served = answered_while_down[0] - before
        down.clear()
        served_while_down.append(served)
        check(served > 0, f"cycle {cycle}: nothing was answered while replica {victim} was down: {seen_while_down}")
        seen_while_down.clear()
        cluster.start_replica(victim)
        # nginx keeps a replica it saw fail out of rotation for fail_timeout (2 s) after its last failure; a replica
        # restarted is back in rotation only then, and killing the other before that would leave nginx no replica.
        time.sleep(2.5)
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join()
    settle = Client(cluster.balancer, timeout=30)
    while retry:
        idem = retry.pop()
        account, prompt = attempted[idem]
        status, text = settle.call("POST", "/v1/generations", {"account_id": account, "prompt": prompt, "idempotency_key": idem}, token=generate_key)
        if status not in (201, 402, 422):
            failures.append(f"key {idem}: {status} after the cluster settled")
            continue
        if idem in acknowledged and acknowledged[idem] != stored_answer(status, text):
            failures.append(f"key {idem} answered differently after a retry")
        acknowledged[idem] = stored_answer(status, text)

    out = subprocess.run(["psql", CLUSTER_DB, "-tA", "-F", "\t", "-c", "SELECT idempotency_key, status, response FROM generation"],
                         check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        key, status, response = line.split("\t", 2)
        rows[key] = stored_answer(int(status), response)
    missing = [key for key, given in acknowledged.items() if rows.get(key) != given]
    problems = []
    for account_id, account in accounts.items():
        charged, overage, cents = psql(CLUSTER_DB,
            "SELECT count(*), count(*) FILTER (WHERE charge_kind = 'overage'), coalesce(sum(charge_cents), 0) FROM generation "
            f"WHERE account_id = {account_id} AND charge_kind IS NOT NULL").split("|")
        charged, overage, cents = int(charged), int(overage), int(cents)
        allowance = {"free": 5, "member": 300}[account["plan"]]
        if not account["overage"] and charged > allowance:
            problems.append(f"{account['email']}: {charged} charged, plan allows {allowance}")
        if account["overage"] and (charged - overage != min(charged, allowance) or cents != 20 * overage):
            problems.append(f"{account['email']}: {charged} charged, {overage} overage, {cents} cents")
    print(f"kill test on the cluster: {CYCLES} SIGKILLs of one replica under load through nginx; {len(attempted)} generations "
          f"attempted, {len(acknowledged)} acknowledged ({resent[0]} sent again after no answer; answered in the second after "
          f"each kill: {', '.join(map(str, served_while_down))}), acknowledged but missing or different {len(missing)}; "
          f"plans overdrawn: {len(problems)}", flush=True)
    check(not missing, f"acknowledged generations missing or stored with another answer: {missing[:5]}")
    check(not problems, f"plans: {problems}")


def main():
    global CLUSTER_DB
    if not ADMIN:
        raise SystemExit("set OPTOUT_TEST_DATABASE_URL to a PostgreSQL server whose user may create databases")
    name = "optout_cluster_" + os.urandom(6).hex()
    psql(ADMIN, f"CREATE DATABASE {name}")
    base, _, query = ADMIN.partition("?")
    CLUSTER_DB = base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")
    work = tempfile.mkdtemp(prefix="optout-cluster-")
    cluster = Cluster(work, CLUSTER_DB)
    try:
        subprocess.run([BIN, "migrate", "--database-url", CLUSTER_DB], check=True, capture_output=True)
        def key(scope):
            return subprocess.run([BIN, "create-api-key", "--database-url", CLUSTER_DB, "--name", f"cluster-{scope}", "--scope", scope],
                                  check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        check_key, generate_key = key("check"), key("generate")
        cluster.start_replica(0)
        cluster.start_replica(1)
        cluster.start_nginx()
        propagation(cluster, check_key)
        exact_metering(cluster, generate_key)
        throttle(cluster)
        kill_under_load(cluster, generate_key)
    finally:
        cluster.stop()
        if failures:
            for index in range(2):
                print(f"replica {index} log tail:\n" + open(os.path.join(work, f"replica-{index}.log")).read()[-2000:])
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run(["psql", ADMIN, "-qc", f"DROP DATABASE {name} WITH (FORCE)"], capture_output=True)
    if failures:
        print(f"cluster test: {len(failures)} failures")
        sys.exit(1)
    print("cluster test: passed")


CLUSTER_DB = None

if __name__ == "__main__":
    main()
