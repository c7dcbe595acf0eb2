"""A hostile user against the real binary (issue 10): each test is one of the holes it found, closed.

The server here is this module's own (a free port, its own data folder, --allow-private-fetch so a local web server
can stand in for an artist's site). Different source addresses on 127.0.0.0/8 stand in for different clients.
"""
import concurrent.futures
import http.client
import http.server
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid

import pytest

from support import free_port

BIN = os.environ.get("OPTOUT_BIN", ".build/debug/optout-gate")




class Server:
    def __init__(self, *flags):
        self.data = tempfile.mkdtemp(prefix="optout-abuse-")
        self.port = free_port()
        subprocess.run([BIN, "migrate", "--data-dir", self.data], check=True, capture_output=True)
        env = {**os.environ, "OPTOUT_PASSWORD": "moderator password"}
        subprocess.run([BIN, "create-moderator", "--data-dir", self.data, "--email", "mod@example.org"], check=True, capture_output=True, env=env)
        self.keys = {
            scope: subprocess.run(
                [BIN, "create-api-key", "--data-dir", self.data, "--name", f"abuse-{scope}", "--scope", scope],
                check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
            for scope in ("check", "generate", "registry")
        }
        self.log = open(os.path.join(self.data, "server.log"), "w")
        self.process = subprocess.Popen(
            [BIN, "serve", "--port", str(self.port), "--data-dir", self.data, "--allow-private-fetch",
             "--public-url", f"http://127.0.0.1:{self.port}", *(flags or ("--sign-ups-per-address", "1000000",
                                                                     "--sign-ups-per-network", "1000000"))],
            stdout=self.log, stderr=self.log,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the abuse-test server exited at start"
            try:
                if self.call("GET", "/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the abuse-test server did not answer")

    def call(self, method, path, body=None, token=None, source="127.0.0.1", raw=None, headers=None, timeout=60):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout, source_address=(source, 0))
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        fields = {"Content-Type": "application/json", **(headers or {})}
        if token:
            fields["Authorization"] = "Bearer " + token
        try:
            connection.request(method, path, body=data, headers=fields)
            response = connection.getresponse()
            payload = response.read()
            try:
                parsed = json.loads(payload) if payload else None
            except ValueError:
                parsed = None
            return response.status, parsed, response
        finally:
            connection.close()

    def account(self, email=None, password="correct horse battery", source="127.0.0.1"):
        email = email or f"user-{uuid.uuid4().hex[:10]}@example.org"
        status, _, _ = self.call("POST", "/v1/accounts", {"email": email, "password": password, "display_name": "User"}, source=source)
        assert status == 201
        status, body, _ = self.call("POST", "/v1/sessions", {"email": email, "password": password}, source=source)
        assert status == 201, body
        return email, body["token"]

    def moderator(self):
        return self.call("POST", "/v1/sessions", {"email": "mod@example.org", "password": "moderator password"})[1]["token"]

    def stop(self):
        self.process.kill()
        self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def server():
    instance = Server()
    yield instance
    instance.stop()


def test_row1_everyday_phrases_wait_for_review(server):
    _, token = server.account()
    everyday = ["of the", "in the", "with a", "highly detailed", "digital art", "trending on artstation", "oil painting", "octane render"]
    status, artist, _ = server.call("POST", "/v1/artists", {"name": "The Glass Orchard", "aliases": everyday}, token=token)
    assert status == 201
    statuses = {phrase["text"]: phrase["status"] for phrase in artist["phrases"]}
    assert statuses.pop("The Glass Orchard") == "active"
    assert set(statuses.values()) == {"pending_review"}
    _, check, _ = server.call("POST", "/v1/prompts/check", {"prompt": "a cat in the garden, highly detailed, digital art"}, token=server.keys["check"])
    assert check["allowed"] is True


def test_row2_a_long_hostile_prompt_costs_little_and_others_still_answer(server):
    prompts = ["a " * 2000, "a-" * 2000, "a." * 2000, "a\u200b" * 2000, "4 3 1 0 5 7 @ $ " * 250]
    health = []
    stop = threading.Event()

    def poll_health():
        while not stop.is_set():
            started = time.monotonic()
            assert server.call("GET", "/health")[0] == 200
            health.append(time.monotonic() - started)

    def hammer(prompt):
        times = []
        for _ in range(5):
            started = time.monotonic()
            status, body, _ = server.call("POST", "/v1/prompts/check", {"prompt": prompt}, token=server.keys["check"])
            times.append(time.monotonic() - started)
            assert status == 200 and isinstance(body["allowed"], bool)
        return max(times)

    poller = threading.Thread(target=poll_health)
    poller.start()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        worst = max(pool.map(hammer, prompts * 2))
    stop.set()
    poller.join()
    # A debug build: the release figures are in README (scripts/bench-matcher.sh); before the bound one such check
    # took 140-360 ms in release and four of them stalled /health for 2 s.
    assert worst < 1.0, f"a hostile check took {worst:.3f} s"
    assert health and max(health) < 1.0, f"/health took {max(health):.3f} s while hostile checks ran"


def test_row3_ten_thousand_worst_case_names_answer_and_bodies_are_capped(server):
    names = [{"name": ("a " * 30) + str(index)} for index in range(10_000)]
    started = time.monotonic()
    status, body, _ = server.call("POST", "/v1/registry/lookup", {"items": names}, token=server.keys["registry"])
    elapsed = time.monotonic() - started
    assert status == 200
    assert len(body["results"]) == 10_000
    assert elapsed < 20, f"10,000 names took {elapsed:.1f} s in the debug build"
    big = json.dumps({"items": [{"url": "https://example.org/" + "x" * 1000}] * 1100}).encode()
    assert len(big) > 1 << 20
    assert server.call("POST", "/v1/registry/lookup", raw=big, token=server.keys["registry"])[0] == 413


def test_row4_parallel_wrong_passwords_are_reserved_before_bcrypt(server):
    email, _ = server.account()

    def guess(_):
        status, _, response = server.call("POST", "/v1/sessions", {"email": email, "password": "wrong password!"}, source="127.0.0.2")
        return status, response.getheader("Retry-After")

    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        results = list(pool.map(guess, range(40)))
    evaluated = sum(1 for status, _ in results if status == 401)
    refused = [retry for status, retry in results if status == 429]
    assert 1 <= evaluated <= 10, results
    assert len(refused) == 40 - evaluated
    assert all(retry and int(retry) >= 1 for retry in refused)


def test_row5_failures_from_one_address_lock_nobody_out(server):
    email, _ = server.account(password="the right password")
    for index in range(12):
        server.call("POST", "/v1/sessions", {"email": f"nobody-{index}@example.org", "password": "whatever password"}, source="127.0.0.3")
    for _ in range(12):
        server.call("POST", "/v1/sessions", {"email": email, "password": "not the password"}, source="127.0.0.4")
    assert server.call("POST", "/v1/sessions", {"email": email, "password": "the right password"}, source="127.0.0.4")[0] == 429
    status, body, _ = server.call("POST", "/v1/sessions", {"email": email, "password": "the right password"}, source="127.0.0.5")
    assert status == 201, body


def test_row6_a_password_with_nul_is_refused_not_truncated(server):
    email = f"nul-{uuid.uuid4().hex[:8]}@example.org"
    status, body, _ = server.call("POST", "/v1/accounts", {"email": email, "password": "x\u0000secretsecret", "display_name": "Nul"})
    assert status == 422 and body["error"]["code"] == "password_control_characters"
    assert server.call("POST", "/v1/sessions", {"email": email, "password": "x"})[0] == 401


def test_row7_renaming_clears_verification(server):
    _, token = server.account()
    _, artist, _ = server.call("POST", "/v1/artists", {"name": "Plain Person"}, token=token)
    _, verified, _ = server.call("POST", f"/v1/artists/{artist['id']}/verify", token=server.moderator())
    assert verified["verified"] is True
    _, renamed, _ = server.call("PATCH", f"/v1/artists/{artist['id']}", {"name": "Famous Painter"}, token=token)
    assert renamed["verified"] is False


def test_row8_a_link_cannot_claim_a_platform(server):
    _, token = server.account()
    status, body, _ = server.call("POST", "/v1/artists", {"name": "Link Claimer", "links": ["https://www.artstation.com"]}, token=token)
    assert status == 422 and body["error"]["code"] == "link_too_broad" and "artstation.com" in body["error"]["message"]
    _, lookup, _ = server.call("POST", "/v1/registry/lookup", {"items": [{"url": "https://www.artstation.com/someone/artwork/1"}]},
                               token=server.keys["registry"])
    assert lookup["results"][0]["opted_out"] is False


class ArtistSite(http.server.BaseHTTPRequestHandler):
    pages = {}

    def do_GET(self):
        if self.path.startswith("/echo?q="):
            # A page anyone controls that echoes what it is given: it proves nothing about a name.
            self.pages[self.path] = urllib.parse.unquote(self.path[len("/echo?q="):])
        if self.path == "/trickle":
            # A page that never finishes: one byte a second, with a length it will not reach for a minute.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "60")
            self.end_headers()
            try:
                for _ in range(60):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            return
        page = self.pages.get(self.path)
        if page is None:
            self.send_response(404)
            self.end_headers()
            return
        if page.startswith("redirect:"):
            self.send_response(302)
            self.send_header("Location", page[len("redirect:"):])
            self.end_headers()
            return
        body = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_row9_a_squatter_loses_to_an_artist_who_verifies_their_site(server):
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ArtistSite)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{site.server_address[1]}"
    try:
        _, squatter = server.account()
        status, held, _ = server.call("POST", "/v1/artists", {"name": "Wren Halloway"}, token=squatter)
        assert status == 201 and held["phrases"][0]["status"] == "active"
        _, real = server.account()
        status, mine, _ = server.call("POST", "/v1/artists", {"name": "Wren Halloway", "links": [f"{origin}/about", f"{origin}/token"]}, token=real)
        assert status == 201 and mine["phrases"][0]["status"] == "disputed"
        # The holder's policy stays theirs to change until the dispute is decided.
        assert server.call("PATCH", f"/v1/artists/{held['id']}", {"policy": "credit"}, token=squatter)[0] == 200
        assert server.call("PATCH", f"/v1/artists/{held['id']}", {"policy": "block"}, token=squatter)[0] == 200
        # A page without proof is refused, with the token and profile URL to put there.
        ArtistSite.pages["/about"] = "<html><body>Hello</body></html>"
        status, refused, _ = server.call("POST", f"/v1/artists/{mine['id']}/links/verify", {"url": f"{origin}/about"}, token=real)
        assert status == 422 and refused["error"]["code"] == "link_not_verified"
        profile, token = refused["profile_url"], refused["token"]
        # The token, reached through a redirect, proves the page.
        ArtistSite.pages["/token"] = f"redirect:{origin}/token-page"
        ArtistSite.pages["/token-page"] = f"<p>{token}</p>"
        status, proved, _ = server.call("POST", f"/v1/artists/{mine['id']}/links/verify", {"url": f"{origin}/token"}, token=real)
        assert status == 200 and proved["method"] == "token"
        # rel="me" proves it too.
        ArtistSite.pages["/about"] = f'<a rel="me" href="{profile}">my opt-out</a>'
        status, proved, _ = server.call("POST", f"/v1/artists/{mine['id']}/links/verify", {"url": f"{origin}/about"}, token=real)
        assert status == 200 and proved["method"] == "rel_me"
        # A verified page proves control of a host, not a name: the dispute stays open, the holder keeps blocking,
        # and the moderators see the verified pages beside the dispute; a moderator decides.
        _, view, _ = server.call("GET", f"/v1/artists/{mine['id']}", token=real)
        assert view["phrases"][0]["status"] == "disputed"
        _, check, _ = server.call("POST", "/v1/prompts/check", {"prompt": "by wren halloway"}, token=server.keys["check"])
        assert [match["artist_id"] for match in check["matches"]] == [held["id"]]
        moderator = server.moderator()
        _, disputes, _ = server.call("GET", "/v1/moderation/disputes?status=open", token=moderator)
        open_ = [item for item in disputes["items"] if item["challenger"]["artist_id"] == mine["id"]]
        assert open_
        _, detail, _ = server.call("GET", f"/v1/moderation/disputes/{open_[0]['id']}", token=moderator)
        assert sorted(detail["challenger"]["verified_links"]) == sorted([f"{origin}/about", f"{origin}/token"])
        status, decided, _ = server.call("POST", f"/v1/moderation/disputes/{open_[0]['id']}/decision",
                                         {"winner": "challenger", "note": "verified portfolio, older work"}, token=moderator)
        assert status == 200 and decided["challenger"]["phrase_status"] == "active"
        _, check, _ = server.call("POST", "/v1/prompts/check", {"prompt": "by wren halloway"}, token=server.keys["check"])
        assert [match["artist_id"] for match in check["matches"]] == [mine["id"]]
        # Someone else's listed page cannot be verified by another account.
        assert server.call("POST", f"/v1/artists/{mine['id']}/links/verify", {"url": f"{origin}/about"}, token=squatter)[0] == 403
    finally:
        site.shutdown()


def test_row10_an_idempotency_key_belongs_to_one_request(server):
    _, token = server.account()
    _, me, _ = server.call("GET", "/v1/accounts/me", token=token)
    first = server.call("POST", "/v1/generations", {"account_id": me["id"], "prompt": "a lighthouse", "idempotency_key": "abuse-1"},
                        token=server.keys["generate"])
    assert first[0] == 201
    replay = server.call("POST", "/v1/generations", {"account_id": me["id"], "prompt": "a lighthouse", "idempotency_key": "abuse-1"},
                         token=server.keys["generate"])
    assert replay[0] == 201 and replay[1]["id"] == first[1]["id"]
    other = server.call("POST", "/v1/generations", {"account_id": 0, "prompt": "a castle", "idempotency_key": "abuse-1"},
                        token=server.keys["generate"])
    assert other[0] == 422 and other[1]["error"]["code"] == "idempotency_key_reused"


def raw_exchange(port, data):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(data)
        received = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
    return received


def test_row11_a_malformed_chunked_body_is_a_400_with_the_envelope(server):
    answer = raw_exchange(server.port, b"POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                       b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), head
    assert b"X-Content-Type-Options: nosniff" in head
    assert json.loads(body)["error"]["code"] == "malformed_request"
    with open(os.path.join(server.data, "server.log")) as log:
        assert "unexpected error" not in log.read()


def test_row12_a_control_character_in_a_static_path_is_404(server):
    answer = raw_exchange(server.port, b"GET /app.js%00.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 404"), answer[:100]
    assert b"text/html" not in answer.partition(b"\r\n\r\n")[0]


def test_row13_readiness_answers_and_is_separate_from_liveness(server):
    status, body, _ = server.call("GET", "/health/ready")
    assert status == 200 and body == {"status": "ready"}


def test_issue22_one_free_account_cannot_take_a_name_with_an_echo_page(server):
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ArtistSite)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{site.server_address[1]}"
    try:
        victims = []
        for index in range(8):
            _, token = server.account()
            name = f"Imported Victim {chr(ord('A') + index)}{uuid.uuid4().hex[:6]}"
            status, body, _ = server.call("POST", "/v1/artists", {"name": name}, token=token)
            assert status == 201 and body["phrases"][0]["status"] == "active"
            victims.append((name, body["id"]))
        _, attacker = server.account()
        # Eight names as creations in one request: past the daily dispute cap, and nothing of it is written.
        status, body, headers = server.call("POST", "/v1/artists", {"name": f"Attacker {uuid.uuid4().hex[:8]}",
                                                                   "creations": [name for name, _ in victims]}, token=attacker)
        assert status == 429 and body["error"]["code"] == "too_many_disputes", body
        assert server.call("GET", "/v1/artists/me", token=attacker)[0] == 404
        # One name, and an echo page verified: the name stays the victim's.
        echo = f"{origin}/echo?q=x"
        status, mine, _ = server.call("POST", "/v1/artists", {"name": f"Attacker {uuid.uuid4().hex[:8]}", "creations": [victims[0][0]],
                                                             "links": [echo]}, token=attacker)
        assert status == 201 and [p["status"] for p in mine["phrases"] if p["kind"] == "creation"] == ["disputed"]
        _, instructions, _ = server.call("GET", f"/v1/artists/{mine['id']}/links/verify", token=attacker)
        echo = f"{origin}/echo?q={urllib.parse.quote(instructions['token'])}"
        assert server.call("PATCH", f"/v1/artists/{mine['id']}", {"links": [echo]}, token=attacker)[0] == 200
        status, proved, _ = server.call("POST", f"/v1/artists/{mine['id']}/links/verify", {"url": echo}, token=attacker)
        assert status == 200 and proved["method"] == "token"
        _, check, _ = server.call("POST", "/v1/prompts/check", {"prompt": f"art by {victims[0][0].lower()}"}, token=server.keys["check"])
        assert check["allowed"] is False and [m["artist_id"] for m in check["matches"]] == [victims[0][1]]
        _, view, _ = server.call("GET", f"/v1/artists/{mine['id']}", token=attacker)
        assert [p["status"] for p in view["phrases"] if p["kind"] == "creation"] == ["disputed"]
        # A moderator verifying the victim decides the dispute for it; the attacker's phrase is superseded.
        moderator = server.moderator()
        assert server.call("POST", f"/v1/artists/{victims[0][1]}/verify", token=moderator)[0] == 200
        _, view, _ = server.call("GET", f"/v1/artists/{mine['id']}", token=attacker)
        assert [p["status"] for p in view["phrases"] if p["kind"] == "creation"] == ["superseded"]
        superseded = [p["id"] for p in view["phrases"] if p["kind"] == "creation"][0]
        # The attacker cannot contest against a moderator-verified holder.
        status, body, _ = server.call("POST", f"/v1/artists/{mine['id']}/phrases/{superseded}/contest", {}, token=attacker)
        assert status == 409 and body["error"]["code"] == "phrase_taken"
    finally:
        site.shutdown()


def test_issue22_sign_ups_are_throttled_per_address_and_network_and_look_alike_emails_are_one():
    limited = Server("--sign-ups-per-address", "3", "--sign-ups-per-network", "5")
    try:
        def sign_up(source, email=None):
            email = email or f"u-{uuid.uuid4().hex[:10]}@example.org"
            return limited.call("POST", "/v1/accounts", {"email": email, "password": "correct horse battery", "display_name": "U"},
                                source=source)
        assert [sign_up("127.0.0.2")[0] for _ in range(3)] == [201, 201, 201]
        status, body, headers = sign_up("127.0.0.2")
        assert status == 429 and body["error"]["code"] == "too_many_sign_ups" and int(headers.getheader("Retry-After")) > 0
        # Another address of the same /24: two more, then the network is full.
        assert [sign_up("127.0.0.3")[0] for _ in range(2)] == [201, 201]
        assert sign_up("127.0.0.4")[0] == 429
        # Another network is unaffected; a look-alike of a registered email is the same address.
        assert sign_up("127.0.1.1", "alice@example.org")[0] == 201
        for lookalike in ["\uff41lice@example.org", "\u0430lice@example.org", "al\u200bice@example.org"]:
            status, body, _ = sign_up("127.0.1.1", lookalike)
            assert status == 409 and body["error"]["code"] == "email_taken", lookalike
    finally:
        limited.stop()


def test_issue22_a_trickling_page_is_given_up_within_the_fetch_deadline(server):
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ArtistSite)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{site.server_address[1]}"
    try:
        _, token = server.account()
        status, artist, _ = server.call("POST", "/v1/artists", {"name": f"Slow Page {uuid.uuid4().hex[:8]}", "links": [f"{origin}/trickle"]},
                                        token=token)
        assert status == 201
        started = time.monotonic()
        status, body, _ = server.call("POST", f"/v1/artists/{artist['id']}/links/verify", {"url": f"{origin}/trickle"}, token=token)
        elapsed = time.monotonic() - started
        assert status == 422 and body["error"]["code"] == "fetch_failed", body
        assert elapsed < 9, f"the fetch took {elapsed:.1f} s past its 5 s deadline"
    finally:
        site.shutdown()


def test_issue22_a_flood_of_connections_with_pending_bodies_is_capped_and_survived():
    capped = Server("--max-connections", "100", "--sign-ups-per-address", "1000000", "--sign-ups-per-network", "1000000")
    sockets = []
    try:
        # 400 connections, each with a request whose body never finishes: the server serves 100 and accepts no more
        # until one closes, instead of running out of descriptors.
        for _ in range(400):
            try:
                connection = socket.create_connection(("127.0.0.1", capped.port), timeout=5)
            except OSError:
                break
            connection.sendall(b"POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"em")
            sockets.append(connection)
        assert len(sockets) >= 100
        time.sleep(1)
        assert capped.process.poll() is None, "the server died under the connection flood"
        for connection in sockets:
            connection.close()
        sockets.clear()
        deadline = time.monotonic() + 20
        while True:
            try:
                if capped.call("GET", "/health", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not answer after the flood ended"
            time.sleep(0.2)
    finally:
        for connection in sockets:
            connection.close()
        capped.stop()


def test_issue22_a_trickled_request_is_dropped_at_the_request_deadline():
    slow = Server("--request-timeout", "3", "--sign-ups-per-address", "1000000", "--sign-ups-per-network", "1000000")

    def trickle(head, gap=0.5, bytes_sent=40):
        connection = socket.create_connection(("127.0.0.1", slow.port), timeout=20)
        started = time.monotonic()
        try:
            connection.sendall(head)
            # One byte every half second: each gap is far below the 30 s idle timeout.
            for _ in range(bytes_sent):
                time.sleep(gap)
                connection.sendall(b"x")
        except OSError:
            pass
        answer = b""
        try:
            while chunk := connection.recv(4096):
                answer += chunk
        except OSError:
            pass
        connection.close()
        return time.monotonic() - started, answer

    try:
        # A body that never finishes: a 408 with the envelope, then the connection closes.
        elapsed, answer = trickle(b"POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "request_timeout"
        assert elapsed < 8, f"the trickled body held the connection {elapsed:.1f} s"
        # A head that never finishes is dropped too.
        elapsed, answer = trickle(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        assert b"200 OK" not in answer and elapsed < 8, (elapsed, answer[:200])
        # A route that answers without reading its body still gets no more than the deadline for the rest of it.
        elapsed, answer = trickle(b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
        assert elapsed < 8, f"the unread body held the connection {elapsed:.1f} s"
        # An honest client on a kept-alive connection is not affected.
        connection = http.client.HTTPConnection("127.0.0.1", slow.port, timeout=10)
        for _ in range(3):
            connection.request("GET", "/health")
            response = connection.getresponse()
            assert response.status == 200
            response.read()
        connection.close()
        assert slow.process.poll() is None
    finally:
        slow.stop()
