"""Kill test: clients drive metered generations with idempotency keys while the server is killed with SIGKILL at
random moments and restarted, 50 times. Afterwards every acknowledged generation exists with the answer given, none
exists that was not attempted, each account's usage equals its charged generations and never passes what its plan
allows, and PRAGMA integrity_check is ok. Prints those counts.

Usage: crash_check.py BINARY [cycles]
"""
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

from support import free_port, stored_answer

BIN = os.path.abspath(sys.argv[1])
CYCLES = int(sys.argv[2]) if len(sys.argv) > 2 else 50
PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"
rng = random.Random(20261126)


def call(method, path, body=None, token=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method, headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def start(data):
    log = open(os.path.join(data, "server.log"), "a")
    process = subprocess.Popen([BIN, "serve", "--port", str(PORT), "--data-dir", data, "--log-level", "warning"], stdout=log, stderr=log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if call("GET", "/health", timeout=1)[0] == 200:
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("server did not start")


def main():
    data = tempfile.mkdtemp(prefix="optout-kill-")
    subprocess.run([BIN, "migrate", "--data-dir", data], check=True, capture_output=True)
    key = subprocess.run([BIN, "create-api-key", "--data-dir", data, "--name", "kill-test", "--scope", "generate"],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    server = start(data)
    accounts = {}
    for name, plan, overage in [("free", "free", None), ("member", "member", None), ("overage", "free", "on")]:
        email = f"{name}@kill.example"
        assert call("POST", "/v1/accounts", {"email": email, "password": "password123", "display_name": name})[0] == 201
        token = json.loads(call("POST", "/v1/sessions", {"email": email, "password": "password123"})[1])["token"]
        account_id = json.loads(call("GET", "/v1/accounts/me", token=token)[1])["id"]
        args = [BIN, "set-plan", "--data-dir", data, "--email", email, "--plan", plan] + (["--overage", overage] if overage else [])
        subprocess.run(args, check=True, capture_output=True)
        accounts[account_id] = {"email": email, "plan": plan, "overage": overage == "on"}
    time.sleep(1.2)  # let the server's one-second credential cache forget nothing it needs; plans are read per request

    attempted = {}      # idempotency key -> (account id, prompt): a retry sends the same request again
    acknowledged = {}   # idempotency key -> (status, body)
    retry = []          # keys whose request got no answer: sent again after the restart
    lock = threading.Lock()
    stop = threading.Event()

    def client(seed):
        local = random.Random(seed)
        while not stop.is_set():
            with lock:
                if retry:
                    idem = retry.pop()
                    account, prompt = attempted[idem]
                else:
                    idem = uuid.uuid4().hex
                    account, prompt = local.choice(list(accounts)), f"a landscape, study {local.randint(0, 9999)}"
                    attempted[idem] = (account, prompt)
            body = {"account_id": account, "prompt": prompt, "idempotency_key": idem}
            try:
                status, text = call("POST", "/v1/generations", body, token=key, timeout=5)
            except (OSError, urllib.error.URLError, http.client.HTTPException):
                with lock:
                    retry.append(idem)
                time.sleep(0.02)
                continue
            with lock:
                if idem in acknowledged and acknowledged[idem] != stored_answer(status, text):
                    raise SystemExit(f"key {idem} answered differently after a retry: {acknowledged[idem]} then {(status, text)}")
                acknowledged[idem] = stored_answer(status, text)

    for cycle in range(CYCLES):
        stop.clear()
        threads = [threading.Thread(target=client, args=(cycle * 10 + i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.1, 0.6))
        server.send_signal(signal.SIGKILL)
        server.wait()
        stop.set()
        for thread in threads:
            thread.join()
        server = start(data)
    # Settle the requests that never got an answer, then stop cleanly.
    stop.clear()
    while retry:
        idem = retry.pop()
        account, prompt = attempted[idem]
        status, text = call("POST", "/v1/generations", {"account_id": account, "prompt": prompt, "idempotency_key": idem}, token=key)
        acknowledged[idem] = stored_answer(status, text)
    server.send_signal(signal.SIGTERM)
    server.wait()

    db = sqlite3.connect(os.path.join(data, "optout.sqlite"))
    rows = {key_: stored_answer(status, response) for key_, status, response in db.execute("SELECT idempotency_key, status, response FROM generation")}
    missing = [k for k, answer in acknowledged.items() if rows.get(k) != answer]
    unattempted = [k for k in rows if k not in attempted]
    problems = []
    for account_id, account in accounts.items():
        charged, overage, cents = db.execute(
            "SELECT count(*), coalesce(sum(charge_kind = 'overage'), 0), coalesce(sum(charge_cents), 0) FROM generation "
            "WHERE account_id = ? AND charge_kind IS NOT NULL", (account_id,)).fetchone()
        allowance = {"free": 5, "member": 300}[account["plan"]]
        if not account["overage"] and charged > allowance:
            problems.append(f"{account['email']}: {charged} charged, plan allows {allowance}")
        if account["overage"] and (charged - overage != min(charged, allowance) or cents != 20 * overage):
            problems.append(f"{account['email']}: {charged} charged, {overage} overage, {cents} cents")
        account["charged"] = charged
    # Usage as the API reports it equals the charged generations.
    server = start(data)
    for account_id, account in accounts.items():
        token = json.loads(call("POST", "/v1/sessions", {"email": account["email"], "password": "password123"})[1])["token"]
        usage = json.loads(call("GET", "/v1/accounts/me/usage", token=token)[1])
        if usage["used"] != account["charged"]:
            problems.append(f"{account['email']}: usage says {usage['used']}, {account['charged']} charged generations")
    server.send_signal(signal.SIGTERM)
    server.wait()
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    statuses = {}
    for status, _ in acknowledged.values():
        statuses[status] = statuses.get(status, 0) + 1
    charged_text = ", ".join(a["email"].split("@")[0] + " " + str(a["charged"]) for a in accounts.values())
    print(f"kill test: {CYCLES} SIGKILLs; {len(attempted)} generations attempted, {len(acknowledged)} acknowledged "
          f"({', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))}), {len(rows)} stored; "
          f"acknowledged but missing {len(missing)}, stored but never attempted {len(unattempted)}; "
          f"charged {charged_text}; integrity_check {integrity}")
    if missing or unattempted or problems or integrity != "ok":
        print("FAIL:", missing[:5], unattempted[:5], problems)
        sys.exit(1)


if __name__ == "__main__":
    main()
