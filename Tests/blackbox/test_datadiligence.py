"""Spawning's datadiligence (PyPI), pointed at the running server, reads the service's opt-outs as dataset tools do:
its Spawning API client against POST /api/v2/query/urls/, its header rules against the service's own pages. The RSL
document is read by an XML parser and checked against RSL 1.0's structure and vocabulary."""
import os
import subprocess
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from conftest import BASE_URL, request

import datadiligence  # noqa: F401  (installed from Tests/blackbox/requirements.txt)

RSL = "{https://rslstandard.org/rsl}"
# RSL 1.0's usage vocabulary (rslstandard.org/rsl, "usage" values of <permits>/<prohibits>).
RSL_USAGES = {"all", "ai-all", "ai-train", "ai-input", "ai-index", "search"}


def registry_key():
    return subprocess.run([os.environ["OPTOUT_BIN"], "create-api-key", "--data-dir", os.environ["OPTOUT_SERVER_DATA"],
                           "--name", f"spawning-{uuid.uuid4().hex[:6]}", "--scope", "registry"],
                          capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]


@pytest.fixture
def listed_work(member):
    _, _, token = member
    slug = uuid.uuid4().hex[:8]
    name = f"Oriel Vantaskov {slug[:3]}"
    link = f"https://portfolio-{slug}.example/works"
    created = request("POST", "/v1/artists", {"name": name, "links": [link]}, token=token)
    assert created.status == 201, created.body
    return link


def test_spawning_api_client_reads_opt_outs(listed_work, monkeypatch):
    from datadiligence.rules import SpawningAPI
    monkeypatch.setenv(SpawningAPI.API_KEY_ENV_VAR, registry_key())
    monkeypatch.setattr(SpawningAPI, "SPAWNING_AI_API_URL", BASE_URL + "/api/v2/query/urls/")
    rule = SpawningAPI(max_retries=0)
    assert rule.is_ready()
    urls = [listed_work + "/dragon.png", listed_work.replace("/works", "/about"), "https://unrelated.example/cat.jpg", listed_work]
    assert rule.is_allowed(urls=urls) == [False, True, True, False]
    assert rule.filter_allowed(urls=urls) == [urls[1], urls[2]]
    assert rule.is_allowed(url=urls[0]) == [False]
    # More than one chunk of 10,000, as the client splits a long list.
    many = [f"https://unrelated.example/{i}" for i in range(10_500)] + [urls[0]]
    answers = rule.is_allowed(urls=many)
    assert len(answers) == len(many) and answers[-1] is False and all(answers[:-1])


def test_spawning_api_client_async(listed_work, monkeypatch):
    import asyncio
    from datadiligence.rules import SpawningAPI
    monkeypatch.setenv(SpawningAPI.API_KEY_ENV_VAR, registry_key())
    monkeypatch.setattr(SpawningAPI, "SPAWNING_AI_API_URL", BASE_URL + "/api/v2/query/urls/")
    rule = SpawningAPI()
    assert asyncio.run(rule.is_allowed_async(urls=[listed_work + "/1.png", "https://unrelated.example/"])) == [False, True]


def test_header_rules_refuse_the_services_pages():
    from datadiligence.rules import TDMRepHeader, XRobotsTagHeader
    for path in ["/", "/moderate.html", "/robots.txt"]:
        assert XRobotsTagHeader().is_allowed(url=BASE_URL + path) is False, path
        assert TDMRepHeader().is_allowed(url=BASE_URL + path) is False, path
    with urllib.request.urlopen(BASE_URL + "/", timeout=10) as response:
        assert XRobotsTagHeader().is_allowed(response=response) is False


class LicenseLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "license":
            self.links.append(attrs)


def validate_rsl(root):
    """RSL 1.0's rules for what this service writes: the rsl root in its namespace, one or more <content url> (a full
    URL or a path starting with /), each with <license> elements whose <permits>/<prohibits> of type usage list
    comma-separated values from the vocabulary."""
    assert root.tag == RSL + "rsl"
    contents = root.findall(RSL + "content")
    assert contents
    for content in contents:
        url = content.get("url")
        assert url and (url.startswith("/") or url.startswith("http://") or url.startswith("https://")), url
        licenses = content.findall(RSL + "license")
        assert licenses, url
        for license in licenses:
            for child in license:
                assert child.tag in {RSL + "permits", RSL + "prohibits", RSL + "payment", RSL + "legal"}, child.tag
                if child.tag in {RSL + "permits", RSL + "prohibits"}:
                    assert child.get("type") in {"usage", "user", "geo"}
                    if child.get("type") == "usage":
                        values = [v.strip() for v in child.text.split(",")]
                        assert values and set(values) <= RSL_USAGES, values
    return contents


def test_rsl_license_is_linked_everywhere_and_valid(listed_work):
    reply = request("GET", "/license.xml")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("application/rsl+xml")
    contents = validate_rsl(ET.fromstring(reply.body))
    by_url = {content.get("url"): content for content in contents}
    site = by_url["/"].find(RSL + "license").find(RSL + "prohibits")
    assert "ai-train" in site.text.split(",")
    assert "ai-train" in by_url[listed_work].find(RSL + "license").find(RSL + "prohibits").text.split(",")

    robots = request("GET", "/robots.txt").body.decode().splitlines()
    license_lines = [line.split(":", 1)[1].strip() for line in robots if line.startswith("License:")]
    assert len(license_lines) == 1 and license_lines[0].endswith("/license.xml")
    with urllib.request.urlopen(license_lines[0].replace(license_lines[0].split("/license.xml")[0], BASE_URL), timeout=10) as response:
        assert response.status == 200
    for path in ["/", "/moderate.html"]:
        page = request("GET", path)
        link = page.headers["Link"]
        assert 'rel="license"' in link and 'type="application/rsl+xml"' in link and "/license.xml>" in link
        parser = LicenseLinks()
        parser.feed(page.body.decode())
        assert parser.links and parser.links[0]["href"] == "/license.xml" and parser.links[0]["type"] == "application/rsl+xml"
