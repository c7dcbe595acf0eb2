"""The client's tests run against a real optout-gate (Tests/blackbox/run.sh starts it and sets these variables)."""
import json
import os
import subprocess
import uuid
import urllib.request

import pytest

BASE_URL = os.environ.get("OPTOUT_BASE_URL", "http://127.0.0.1:8080")


def cli(*args):
    return subprocess.run([os.environ["OPTOUT_BIN"], *args, "--data-dir", os.environ["OPTOUT_SERVER_DATA"]],
                          capture_output=True, text=True, check=True).stdout


def api_key(scope):
    return cli("create-api-key", "--name", f"py-{scope}-{uuid.uuid4().hex[:6]}", "--scope", scope).strip().splitlines()[-1]


def call(method, path, body=None, token=None):
    request = urllib.request.Request(BASE_URL + path, data=json.dumps(body).encode() if body is not None else None, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else None


def account(email=None):
    """A new account: (email, token, id)."""
    email = email or f"py-{uuid.uuid4().hex[:10]}@example.org"
    call("POST", "/v1/accounts", {"email": email, "password": "correct horse battery", "display_name": "Py"})
    token = call("POST", "/v1/sessions", {"email": email, "password": "correct horse battery"})["token"]
    return email, token, call("GET", "/v1/accounts/me", token=token)["id"]


@pytest.fixture
def base_url():
    return BASE_URL


@pytest.fixture
def artist():
    """An opted-out artist with a block name, and one who asks for credit: (block name, credit name)."""
    tag = uuid.uuid4().hex[:5]
    _, token, _ = account()
    blocked = f"Ysolde Marrakov {tag}"
    call("POST", "/v1/artists", {"name": blocked, "links": [f"https://ysolde-{tag}.example/works"]}, token=token)
    _, token2, _ = account()
    credited = f"Bertil Oskarven {tag}"
    call("POST", "/v1/artists", {"name": credited, "policy": "credit"}, token=token2)
    return blocked, credited, f"https://ysolde-{tag}.example/works"
