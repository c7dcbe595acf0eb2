"""optoutgate against the running server: every method, errors as exceptions with the API's code, safe retries."""
import asyncio
import io
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone

import httpx
import pytest

import optoutgate
from conftest import BASE_URL, account, api_key, call


def png():
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def test_check_reads_the_gate(artist):
    blocked, credited, _ = artist
    with optoutgate.Client(BASE_URL, api_key=api_key("check")) as client:
        refused = client.check(f"a castle by {blocked.replace('o', '0')}")
        assert refused.allowed is False and refused.matches[0].policy == "block" and "leet" in refused.matches[0].via
        allowed = client.check(f"a poster after {credited}")
        assert allowed.allowed is True and allowed.credits == [credited]
        assert client.check("a quiet harbour").matches == []
        with pytest.raises(optoutgate.APIError) as error:
            client.check("")
        assert error.value.code == "empty_prompt" and error.value.status == 422 and error.value.request_id
    with pytest.raises(optoutgate.Unauthorized):
        optoutgate.Client(BASE_URL, api_key="ogk_not-a-key").check("x")
    with pytest.raises(optoutgate.Forbidden):
        optoutgate.Client(BASE_URL, api_key=api_key("registry")).check("x")


def test_generate_label_verify(artist):
    blocked, credited, _ = artist
    email, _, account_id = account()
    cli_env = {**os.environ}
    subprocess.run([os.environ["OPTOUT_BIN"], "set-plan", "--data-dir", os.environ["OPTOUT_SERVER_DATA"], "--email", email, "--plan", "free"],
                   check=True, capture_output=True, env=cli_env)
    client = optoutgate.Client(BASE_URL, api_key=api_key("generate"))
    made = client.generate(account_id, f"a tarot card after {credited}")
    assert made.allowed and made.id.startswith("gen_") and len(made.idempotency_key) == 32
    assert [c["name"] for c in made.credits] == [credited]
    # The same idempotency key answers the same generation, charged once.
    again = client.generate(account_id, f"a tarot card after {credited}", idempotency_key=made.idempotency_key)
    assert again.id == made.id and again.usage["used"] == made.usage["used"]
    with pytest.raises(optoutgate.PromptBlocked) as error:
        client.generate(account_id, f"a dragon by {blocked}")
    assert error.value.code == "prompt_blocked"
    labelled = client.label(made.id, png())
    check = client.verify(labelled)
    assert check.labeled and check.generation_id == made.id and check.credits_required == [credited] and check.c2pa_valid
    # The free plan's five prompts, then 402 as QuotaExhausted.
    with pytest.raises(optoutgate.QuotaExhausted) as quota:
        for n in range(6):
            client.generate(account_id, f"a lighthouse {n}")
    assert quota.value.status == 402 and quota.value.code == "quota_exhausted"


class Flaky(httpx.HTTPTransport):
    """Answers 503 to the first request, and drops the answer to the second after the server handled it."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def handle_request(self, request):
        self.calls += 1
        if self.calls == 1:
            return httpx.Response(503, json={"error": {"code": "unavailable", "message": "try again"}})
        response = super().handle_request(request)
        if self.calls == 2:
            response.read()
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


def test_retries_are_safe_a_lost_answer_is_charged_once():
    email, _, account_id = account()
    transport = Flaky()
    client = optoutgate.Client(BASE_URL, api_key=api_key("generate"), transport=transport, backoff=0.01)
    made = client.generate(account_id, "a windmill at noon")
    assert transport.calls == 3
    assert made.usage["used"] == 1  # the server handled it twice but charged once: the key was the same
    # A call that must not be repeated is not: sign-in style routes are not retried (here: a 503 from the transport).
    failing = optoutgate.Client(BASE_URL, api_key=api_key("generate"), max_retries=0, transport=Flaky())
    with pytest.raises(optoutgate.APIError) as error:
        failing.generate(account_id, "a mill")
    assert error.value.status == 503


class Counting(httpx.HTTPTransport):
    def __init__(self):
        super().__init__()
        self.paths = []

    def handle_request(self, request):
        self.paths.append(request.url.path)
        return super().handle_request(request)


def test_lookup_chunks_and_export_streams_with_its_etag(artist):
    blocked, _, link = artist
    transport = Counting()
    client = optoutgate.Client(BASE_URL, api_key=api_key("registry"), transport=transport)
    urls = [f"https://elsewhere.example/{n}" for n in range(10_004)] + [link + "/piece.png"]
    results = client.lookup(urls=urls, names=[blocked])
    assert transport.paths.count("/v1/registry/lookup") == 2
    assert len(results) == 10_006
    assert results[-2].opted_out is True and results[-2].matched == link
    assert results[-1].opted_out is True and results[-1].matched == blocked
    assert not any(result.opted_out for result in results[:10_004])

    export = client.export()
    lines = list(export)
    assert lines[0]["type"] == "header" and export.registry_version == lines[0]["registry_version"] and export.etag
    assert any(line.get("phrase") == blocked for line in lines)
    # Nothing changed since: the ETag answers 304, and the client says so with None.
    assert client.export(etag=export.etag) is None
    assert client.export(etag='"registry-0"') is not None


def test_takedowns_follow_after(artist):
    blocked, credited, _ = artist
    _, member_token, account_id = account()
    generator = optoutgate.Client(BASE_URL, api_key=api_key("generate"))
    made = [generator.generate(account_id, f"a harbour at dusk {n}") for n in range(2)]
    moderator = call("POST", "/v1/sessions", {"email": "mod@example.org", "password": "moderator password"})["token"]
    artist_id = call("GET", "/v1/artists/find?name=" + credited.replace(" ", "%20"), token=member_token)["items"][0]["artist_id"]
    for generation in made:
        report = call("POST", "/v1/reports", {"artist_id": artist_id, "target": {"generation_id": generation.id}, "category": "style_imitation"},
                      token=member_token)
        call("POST", f"/v1/moderation/reports/{report['id']}/claim", token=moderator)
        version = call("GET", f"/v1/moderation/reports/{report['id']}", token=moderator)["version"]
        call("POST", f"/v1/moderation/reports/{report['id']}/decision", {"action": "take_down", "note": "Imitates.", "version": version}, token=moderator)
    seen = [item.generation_id for item in generator.takedowns(page_size=1)]
    assert seen == [generation.id for generation in made]


def test_webhook_signatures_check_out():
    from standardwebhooks import Webhook
    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = json.dumps({"type": "registry.changed", "data": {"registry_version": 7}})
    now = datetime.now(timezone.utc)
    signature = Webhook(secret).sign("msg_1", now, body)
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(int(now.timestamp())), "webhook-signature": signature}
    assert optoutgate.verify_webhook(secret, body, headers)["data"]["registry_version"] == 7
    assert optoutgate.Client.verify_webhook(secret, body.encode(), headers)["type"] == "registry.changed"
    with pytest.raises(optoutgate.WebhookVerificationError):
        optoutgate.verify_webhook(secret, body.replace("7", "8"), headers)
    with pytest.raises(optoutgate.WebhookVerificationError):
        optoutgate.verify_webhook(secret, body, {**headers, "webhook-timestamp": str(int(time.time()) - 3600)})


def test_async_client(artist):
    blocked, credited, link = artist
    _, _, account_id = account()

    async def run():
        async with optoutgate.AsyncClient(BASE_URL, api_key=api_key("check")) as checker:
            assert (await checker.check(f"art by {blocked}")).allowed is False
        async with optoutgate.AsyncClient(BASE_URL, api_key=api_key("generate")) as generator:
            made = await generator.generate(account_id, f"a card after {credited}")
            again = await generator.generate(account_id, f"a card after {credited}", idempotency_key=made.idempotency_key)
            assert again.id == made.id
            labelled = await generator.label(made.id, png())
            assert (await generator.verify(labelled)).labeled
            assert [t async for t in generator.takedowns()] == []
        async with optoutgate.AsyncClient(BASE_URL, api_key=api_key("registry")) as registry:
            found = await registry.lookup(urls=[link + "/x.png"])
            assert found[0].opted_out is True
            etag, lines = await registry.export_lines()
            assert [line async for line in lines][0]["type"] == "header"
            etag_again, nothing = await registry.export_lines(etag)
            assert [line async for line in nothing] == [] and etag_again == etag

    asyncio.run(run())


def test_the_generator_loop_example_runs(tmp_path):
    _, _, account_id = account()
    example = os.path.join(os.path.dirname(__file__), "..", "..", "..", "examples", "generate_with_gate.py")
    result = subprocess.run([sys.executable, example, "--url", BASE_URL, "--account", str(account_id), "--out", str(tmp_path),
                             "a lighthouse in a storm", "a dragon by Greg Rutkowski-like nobody"],
                            env={**os.environ, "OPTOUT_API_KEY": api_key("generate"), "PYTHONPATH": os.path.join(os.path.dirname(__file__), "..", "src")},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "labelled and verified" in result.stdout
    assert any(name.endswith(".png") for name in os.listdir(tmp_path))
