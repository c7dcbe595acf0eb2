"""Labelled images read by the tools of the provenance ecosystem: c2pa-python (the C2PA reference library) validates
the signed manifest and reads its assertions, datadiligence's C2PAMetadataRule refuses the image for training,
exiftool reads the XMP, Pillow decodes the same pixels before and after."""
import io
import json
import os
import subprocess
import uuid

import c2pa
import pytest
from PIL import Image

from conftest import BASE_URL, request
from support import free_port

DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def api_key(scope):
    return subprocess.run([os.environ["OPTOUT_BIN"], "create-api-key", "--data-dir", os.environ["OPTOUT_SERVER_DATA"],
                           "--name", f"prov-{scope}-{uuid.uuid4().hex[:6]}", "--scope", scope],
                          capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]


def image(kind, size=(48, 32)):
    picture = Image.new("RGB", size)
    picture.putdata([((x * 5) % 256, (y * 7) % 256, (x * y) % 256) for y in range(size[1]) for x in range(size[0])])
    out = io.BytesIO()
    picture.save(out, format="PNG" if kind == "png" else "JPEG", quality=95)
    return out.getvalue()


@pytest.fixture(scope="module")
def generation():
    """A generation that credits an artist ("allow with credit"), and the generator's key."""
    email = f"prov-{uuid.uuid4().hex[:8]}@example.org"
    assert request("POST", "/v1/accounts", {"email": email, "password": "correct horse battery", "display_name": "P"}).status == 201
    token = request("POST", "/v1/sessions", {"email": email, "password": "correct horse battery"}).json()["token"]
    name = f"Vespera Quillfeather {uuid.uuid4().hex[:3]}"
    created = request("POST", "/v1/artists", {"name": name, "policy": "credit"}, token=token)
    assert created.status == 201, created.body
    account = request("GET", "/v1/accounts/me", token=token).json()["id"]
    key = api_key("generate")
    made = request("POST", "/v1/generations",
                   {"account_id": account, "prompt": f"a lighthouse in the style of {name}", "idempotency_key": uuid.uuid4().hex},
                   token=key)
    assert made.status == 201, made.body
    return made.json()["id"], key, name


def labelled(generation, kind):
    generation_id, key, _ = generation
    original = image(kind)
    reply = request("POST", f"/v1/generations/{generation_id}/label", token=key, raw=original,
                    headers={"Content-Type": f"image/{kind}"})
    assert reply.status == 200, reply.body
    return original, reply.body


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_c2pa_reader_validates_the_manifest_and_reads_its_assertions(generation, kind, tmp_path):
    generation_id, _, artist = generation
    original, body = labelled(generation, kind)
    reader = c2pa.Reader(f"image/{kind}", io.BytesIO(body))
    store = json.loads(reader.json())
    statuses = [status["code"] for status in store.get("validation_status", [])]
    # A development certificate is reported untrusted, and nothing else is wrong.
    assert set(statuses) <= {"signingCredential.untrusted"}, store.get("validation_status")
    manifest = store["manifests"][store["active_manifest"]]
    assertions = {assertion["label"]: assertion["data"] for assertion in manifest["assertions"]}
    action = assertions["c2pa.actions.v2"]["actions"][0]
    assert action["action"] == "c2pa.created" and action["digitalSourceType"] == DIGITAL_SOURCE_TYPE
    assert assertions["cawg.training-mining"]["entries"] == {
        "cawg.ai_training": {"use": "notAllowed"}, "cawg.ai_generative_training": {"use": "notAllowed"}}
    assert assertions["c2pa.training-mining"]["entries"]["c2pa.ai_training"] == {"use": "notAllowed"}
    assert assertions["org.optout-gate.credits"] == {"generation_id": generation_id, "credits_required": [artist]}
    assert manifest["signature_info"]["alg"].lower() == "es256"
    successes = [s["code"] for s in store["validation_results"]["activeManifest"]["success"]]
    assert "claimSignature.validated" in successes and "assertion.dataHash.match" in successes

    # The pixels are untouched.
    assert list(Image.open(io.BytesIO(original)).convert("RGB").get_flattened_data()) == list(Image.open(io.BytesIO(body)).convert("RGB").get_flattened_data())

    # exiftool reads the XMP written before signing.
    path = tmp_path / f"labelled.{kind}"
    path.write_bytes(body)
    tags = json.loads(subprocess.run(["exiftool", "-j", "-XMP:all", str(path)], capture_output=True, text=True, check=True).stdout)[0]
    assert tags["DigitalSourceType"] == DIGITAL_SOURCE_TYPE
    assert tags["DataMining"] in ("http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING", "Prohibited for AI/ML training")
    assert tags["AISystemUsed"]
    assert "AIPromptInformation" not in tags  # the prompt is private unless --label-prompt


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_a_changed_pixel_breaks_the_hard_binding(generation, kind):
    _, body = labelled(generation, kind)
    tampered = bytearray(body)
    tampered[-40] ^= 0x01  # inside the image data, near the end
    store = json.loads(c2pa.Reader(f"image/{kind}", io.BytesIO(bytes(tampered))).json())
    assert any(status["code"] == "assertion.dataHash.mismatch" for status in store.get("validation_status", []))


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_datadiligence_refuses_a_labelled_image(generation, kind):
    from datadiligence.rules import C2PAMetadataRule
    original, body = labelled(generation, kind)
    assert C2PAMetadataRule().is_allowed(body=body) is False
    assert C2PAMetadataRule().is_allowed(body=original) is True




def test_a_platforms_own_key_and_label_options(tmp_path):
    """c2pa-dev-cert makes a pair; serve signs with it (--c2pa-key/--c2pa-cert) and writes the configured entries and,
    with --label-prompt, the prompt; bad options stop the start with a message."""
    import time
    import urllib.request
    binary = os.environ["OPTOUT_BIN"]
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = subprocess.run([binary, "c2pa-dev-cert", "--key", str(key), "--cert", str(cert), "--organization", "Example Platform"],
                          capture_output=True, text=True)
    assert made.returncode == 0 and key.exists() and cert.exists(), made.stderr
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    again = subprocess.run([binary, "c2pa-dev-cert", "--key", str(key), "--cert", str(cert)], capture_output=True, text=True)
    assert again.returncode == 1 and "exists" in again.stderr

    data = tmp_path / "data"
    for bad, words in [(["--c2pa-key", str(key)], "go together"), (["--label-training", "ai_training=maybe"], "label-training"),
                       (["--c2pa-key", str(cert), "--c2pa-cert", str(cert)], "c2pa-key"), (["--contact", "nobody"], "--contact")]:
        refused = subprocess.run([binary, "serve", "--data-dir", str(data), "--port", str(free_port()), *bad],
                                 capture_output=True, text=True, timeout=60)
        assert refused.returncode != 0 and words in refused.stderr, (bad, refused.stderr)

    port = free_port()
    server = subprocess.Popen([binary, "serve", "--data-dir", str(data), "--port", str(port), "--c2pa-key", str(key), "--c2pa-cert", str(cert),
                               "--label-training", "ai_training=notAllowed,ai_inference=allowed,data_mining=constrained", "--label-prompt"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)

        def call(method, path, body=None, token=None, raw=None):
            req = urllib.request.Request(base + path, data=raw if raw is not None else (json.dumps(body).encode() if body else None), method=method)
            req.add_header("Content-Type", "application/json")
            if token:
                req.add_header("Authorization", "Bearer " + token)
            with urllib.request.urlopen(req, timeout=30) as response:
                return response.read()

        call("POST", "/v1/accounts", {"email": "p@example.org", "password": "correct horse battery", "display_name": "P"})
        token = json.loads(call("POST", "/v1/sessions", {"email": "p@example.org", "password": "correct horse battery"}))["token"]
        account = json.loads(call("GET", "/v1/accounts/me", token=token))["id"]
        generator = subprocess.run([binary, "create-api-key", "--data-dir", str(data), "--name", "g", "--scope", "generate"],
                                   capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        generation = json.loads(call("POST", "/v1/generations", {"account_id": account, "prompt": "a red kite over hills", "idempotency_key": "1"},
                                     token=generator))["id"]
        body = call("POST", f"/v1/generations/{generation}/label", token=generator, raw=image("png"))
    finally:
        server.terminate()
        server.wait(timeout=20)

    store = json.loads(c2pa.Reader("image/png", io.BytesIO(body)).json())
    assert set(status["code"] for status in store.get("validation_status", [])) <= {"signingCredential.untrusted"}
    manifest = store["manifests"][store["active_manifest"]]
    assert manifest["signature_info"]["issuer"] == "Example Platform"
    entries = {a["label"]: a["data"] for a in manifest["assertions"]}["cawg.training-mining"]["entries"]
    assert entries == {"cawg.ai_training": {"use": "notAllowed"}, "cawg.ai_inference": {"use": "allowed"},
                       "cawg.data_mining": {"use": "constrained"}}
    path = tmp_path / "labelled.png"
    path.write_bytes(body)
    tags = json.loads(subprocess.run(["exiftool", "-j", "-XMP:all", str(path)], capture_output=True, text=True, check=True).stdout)[0]
    assert tags["AIPromptInformation"] == "a red kite over hills"
