"""Live HTTP behaviour that only a real socket shows."""
import socket
import time

from conftest import BASE_URL, request


def test_every_html_response_carries_the_security_headers(base_url):
    reply = request("GET", "/")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    assert reply.headers["Content-Security-Policy"] == "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"]
    assert reply.headers["X-Robots-Tag"] == "noai, noimageai"
    assert b'<meta name="robots" content="noai, noimageai">' in reply.body


def test_errors_are_json_with_code_and_message():
    reply = request("POST", "/v1/accounts", raw=b"\xff\xfe{")
    assert reply.status == 400
    body = reply.json()
    assert body["error"]["code"] == "invalid_json"
    assert body["error"]["message"]


def test_wrong_method_is_405_with_allow():
    reply = request("PUT", "/v1/accounts/me")
    assert reply.status == 405
    assert reply.headers["Allow"] == "GET, HEAD"


def test_oversized_body_is_413():
    reply = request("POST", "/v1/accounts", raw=b'{"email": "' + b"a" * (1 << 20) + b'"}')
    assert reply.status == 413
    assert reply.json()["error"]["code"] == "payload_too_large"


def test_concurrent_signups_of_one_email_create_one_account():
    import concurrent.futures
    import uuid

    email = f"race-{uuid.uuid4().hex[:8]}@example.org"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: request("POST", "/v1/accounts", {"email": email, "password": "password123", "display_name": "R"}).status, range(8)))
    assert sorted(statuses) == [201] + [409] * 7


def test_an_import_made_beside_the_running_server_blocks_within_a_second(tmp_path):
    import json
    import os
    import subprocess
    import uuid

    binary = os.environ["OPTOUT_BIN"]
    data = os.environ["OPTOUT_SERVER_DATA"]
    key = subprocess.run([binary, "create-api-key", "--data-dir", data, "--name", f"live-{uuid.uuid4().hex[:6]}", "--scope", "check"],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    name = f"Zorvandel Quastrup{uuid.uuid4().hex[:4]}"
    prompt = {"prompt": f"a castle by {name.lower()}"}
    assert request("POST", "/v1/prompts/check", prompt, token=key).json()["allowed"] is True
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"name": name, "policy": "block"}) + "\n")
    subprocess.run([binary, "import-artists", "--data-dir", data, str(path)], check=True, capture_output=True)
    imported = time.monotonic()
    while time.monotonic() - imported < 5:
        reply = request("POST", "/v1/prompts/check", prompt, token=key).json()
        if reply["allowed"] is False:
            break
        time.sleep(0.02)
    elapsed = time.monotonic() - imported
    print(f"imported phrase blocked after {elapsed * 1000:.0f} ms")
    assert reply["allowed"] is False
    assert elapsed <= 1.0
