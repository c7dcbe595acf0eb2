"""Operating the service: request logs (one JSON line per request with --log-format json, no secret and no prompt
text) and request ids."""
import json
import os
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from support import free_port

BIN = os.environ.get("OPTOUT_BIN", ".build/debug/optout-gate")




class Server:
    """A server of its own, for tests that read its log or start it with other flags."""

    def __init__(self, *flags, data=None):
        self.folder = tempfile.TemporaryDirectory()
        self.data = data or os.path.join(self.folder.name, "data")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(self.folder.name, "server.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([BIN, "serve", "--data-dir", self.data, "--port", str(self.port),
                                         "--sign-ups-per-address", "1000000", "--sign-ups-per-network", "1000000", *flags],
                                        stdout=self.log, stderr=self.log)
        # A debug build reads its word lists at start; a loaded two-core machine can take many seconds.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                urllib.request.urlopen(self.base + "/health", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not start: " + open(self.log_path).read()[-2000:])

    def call(self, method, path, body=None, token=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def cli(self, *args):
        return subprocess.run([BIN, *args, "--data-dir", self.data], capture_output=True, text=True, check=True).stdout

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()
        text = open(self.log_path, encoding="utf-8").read()
        self.folder.cleanup()
        return text


def test_json_request_logs_follow_a_request_and_keep_secrets_out():
    server = Server("--log-format", "json")
    try:
        password = "a-secret-password-917"
        assert server.call("POST", "/v1/accounts", {"email": "log@example.org", "password": password, "display_name": "L"})[0] == 201
        status, headers, body = server.call("POST", "/v1/sessions", {"email": "log@example.org", "password": password})
        token = json.loads(body)["token"]
        key = server.cli("create-api-key", "--name", "checker", "--scope", "check").strip().splitlines()[-1]
        marker = "zanzibarquokka"
        status, headers, _ = server.call("POST", "/v1/prompts/check", {"prompt": f"a {marker} at dawn"}, token=key,
                                         headers={"X-Request-Id": "trace-check-1"})
        assert status == 200 and headers["X-Request-Id"] == "trace-check-1"
        status, headers, body = server.call("GET", "/v1/artists/7", token=token)
        assert status == 404
        error_id = json.loads(body)["error"]["request_id"]
        assert error_id == headers["X-Request-Id"]
    finally:
        text = server.stop()

    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert lines, text[-2000:]
    assert all({"time", "level", "message", "logger"} <= set(line) for line in lines)
    requests = [line for line in lines if line["message"] == "request"]
    check = [line for line in requests if line.get("request_id") == "trace-check-1"]
    assert len(check) == 1
    assert check[0]["method"] == "POST" and check[0]["path"] == "/v1/prompts/check" and check[0]["status"] == "200"
    assert check[0]["caller"].startswith("api_key:") and float(check[0]["duration_ms"]) >= 0
    missing = [line for line in requests if line.get("request_id") == error_id]
    assert len(missing) == 1 and missing[0]["path"] == "/v1/artists/{id}" and missing[0]["status"] == "404"
    assert missing[0]["caller"].startswith("account:")
    assert all(line["level"] == "info" for line in requests)
    # Neither the password, the session token, the API key nor the prompt's text is in the log.
    for secret in [password, token, key, marker]:
        assert secret not in text, secret


def metric_value(families, name, labels=None):
    for family in families:
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in (labels or {}).items()):
                return sample.value
    return 0.0


def test_prometheus_client_parses_metrics_that_move_with_traffic():
    from prometheus_client.parser import text_string_to_metric_families
    metrics_port = free_port()
    server = Server("--metrics-address", f"127.0.0.1:{metrics_port}")
    try:
        key = server.cli("create-api-key", "--name", "checker", "--scope", "check").strip().splitlines()[-1]
        scraper = server.cli("create-api-key", "--name", "prometheus", "--scope", "metrics").strip().splitlines()[-1]
        # On the service's own port /metrics takes a metrics key; on the metrics address it takes nothing.
        assert server.call("GET", "/metrics")[0] == 401
        assert server.call("GET", "/metrics", token=key)[0] == 403

        def scrape():
            with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10) as response:
                assert response.headers["Content-Type"].startswith("text/plain")
                return list(text_string_to_metric_families(response.read().decode()))

        before = scrape()
        for prompt in ["a castle at dusk", "a quiet harbour", "sunflowers"]:
            assert server.call("POST", "/v1/prompts/check", {"prompt": prompt}, token=key)[0] == 200
        status, _, body = server.call("GET", "/metrics", token=scraper)
        assert status == 200
        after = scrape()
        assert metric_value(after, "optout_prompt_checks_total", {"decision": "allowed"}) == \
            metric_value(before, "optout_prompt_checks_total", {"decision": "allowed"}) + 3
        route = {"http_route": "/v1/prompts/check", "http_request_method": "POST", "http_response_status_code": "200"}
        assert metric_value(after, "http_server_request_duration_count", route) == 3
        assert metric_value(after, "optout_queue_items", {"kind": "report", "status": "open"}) == 0
        assert metric_value(after, "optout_snapshot_age_seconds") < 60
        names = {family.name for family in after}
        assert {"optout_prompt_checks", "http_server_request_duration", "optout_registry_version", "optout_active_phrases",
                "optout_group_commit_seconds", "optout_queue_items", "optout_sign_in_throttled"} <= names, names
        # The metrics address serves nothing else.
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/v1/prompts/check", timeout=5)
            raise AssertionError("the metrics address served another route")
        except urllib.error.HTTPError as error:
            assert error.code == 404
    finally:
        server.stop()


def test_a_backup_under_metered_load_holds_every_acknowledged_generation_and_restores():
    import sqlite3
    import threading
    server = Server("--log-level", "warning")
    work = tempfile.TemporaryDirectory()
    try:
        assert server.call("POST", "/v1/accounts", {"email": "gen@example.org", "password": "correct horse battery", "display_name": "G"})[0] == 201
        token = json.loads(server.call("POST", "/v1/sessions", {"email": "gen@example.org", "password": "correct horse battery"})[2])["token"]
        account = json.loads(server.call("GET", "/v1/accounts/me", token=token)[2])["id"]
        server.cli("set-plan", "--email", "gen@example.org", "--plan", "member", "--overage", "on")
        key = server.cli("create-api-key", "--name", "generator", "--scope", "generate").strip().splitlines()[-1]

        acknowledged = []  # (time the answer arrived, generation id)
        lock = threading.Lock()
        stop = threading.Event()

        def worker(number):
            count = 0
            while not stop.is_set():
                count += 1
                status, _, body = server.call("POST", "/v1/generations",
                                              {"account_id": account, "prompt": f"a lighthouse {number}-{count}", "idempotency_key": f"{number}-{count}"},
                                              token=key)
                if status == 201:
                    with lock:
                        acknowledged.append((time.monotonic(), json.loads(body)["id"]))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        started = time.monotonic()
        backup = os.path.join(work.name, "optout-backup.sqlite")
        made = subprocess.run([BIN, "backup", "--data-dir", server.data, "--to", backup], capture_output=True, text=True, timeout=120)
        time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join()
        assert made.returncode == 0, made.stderr
        assert "integrity ok" in made.stdout
        before = {generation for at, generation in acknowledged if at < started}
        assert len(before) > 20, len(before)
        # Writes went on during the backup.
        assert any(at > started for at, _ in acknowledged)

        refused = subprocess.run([BIN, "backup", "--data-dir", server.data, "--to", backup], capture_output=True, text=True)
        assert refused.returncode == 1 and "exists" in refused.stderr
    finally:
        server.stop()

    restored_dir = os.path.join(work.name, "restored")
    restored = subprocess.run([BIN, "restore", "--from", backup, "--data-dir", restored_dir], capture_output=True, text=True, timeout=120)
    assert restored.returncode == 0, restored.stderr
    copy = sqlite3.connect(os.path.join(restored_dir, "optout.sqlite"))
    stored = {row[0] for row in copy.execute("SELECT public_id FROM generation")}
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    assert before <= stored, f"{len(before - stored)} acknowledged generations are missing from the backup"

    again = subprocess.run([BIN, "restore", "--from", backup, "--data-dir", restored_dir], capture_output=True, text=True)
    assert again.returncode == 1 and "not empty" in again.stderr
    garbage = os.path.join(work.name, "garbage.sqlite")
    open(garbage, "wb").write(b"not a database at all" * 100)
    bad = subprocess.run([BIN, "restore", "--from", garbage, "--data-dir", os.path.join(work.name, "other")], capture_output=True, text=True)
    assert bad.returncode == 1 and "optout-gate:" in bad.stderr

    # The restored service starts and answers, with the same keys and generations.
    revived = Server("--log-level", "warning", data=restored_dir)
    try:
        assert revived.call("GET", "/health")[0] == 200
        one = sorted(before)[0]
        status, _, body = revived.call("GET", f"/v1/generations/{one}", token=key)
        assert status == 200 and json.loads(body)["id"] == one
    finally:
        revived.stop()
        work.cleanup()
