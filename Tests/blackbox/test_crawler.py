"""Reads the training opt-out signals the way crawlers and dataset builders do: a plain HTTP client and robotparser."""
import json
import os
import subprocess
import urllib.request
import urllib.robotparser
import uuid
from html.parser import HTMLParser

from conftest import BASE_URL, request


class MetaTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.meta[attrs["name"]] = attrs.get("content")


def test_a_page_says_noai_in_its_header_and_its_meta_tags():
    with urllib.request.urlopen(BASE_URL + "/", timeout=10) as response:
        assert response.headers["X-Robots-Tag"] == "noai, noimageai"
        assert response.headers["tdm-reservation"] == "1"
        parser = MetaTags()
        parser.feed(response.read().decode())
    assert parser.meta["robots"] == "noai, noimageai"
    assert parser.meta["tdm-reservation"] == "1"


def test_ai_preferences_header_is_an_rfc9651_dictionary_and_robots_txt_carries_the_signals():
    import http_sfv
    for path in ["/", "/robots.txt", "/health"]:
        with urllib.request.urlopen(BASE_URL + path, timeout=10) as response:
            usage = http_sfv.Dictionary()
            usage.parse(response.headers["Content-Usage"].encode())
            assert str(usage["train-ai"].value) == "n", path
    robots = request("GET", "/robots.txt").body.decode()
    everyone = [group for group in robots.split("\n\n") if "User-agent: *" in group][0].splitlines()
    assert "Content-Signal: search=yes, ai-train=no, ai-input=no" in everyone
    usage_line = [line for line in everyone if line.startswith("Content-Usage:")][0]
    parsed = http_sfv.Dictionary()
    parsed.parse(usage_line.split(":", 1)[1].strip().encode())
    assert str(parsed["train-ai"].value) == "n"
    assert "ARTICLE 4" in robots


def test_robots_txt_disallows_ai_crawlers_and_allows_search():
    robots = urllib.robotparser.RobotFileParser(BASE_URL + "/robots.txt")
    robots.read()
    for agent in ["GPTBot", "CCBot", "Google-Extended", "ClaudeBot", "Bytespider"]:
        assert not robots.can_fetch(agent, BASE_URL + "/"), agent
    for agent in ["Googlebot", "Bingbot", "DuckDuckBot"]:
        assert robots.can_fetch(agent, BASE_URL + "/"), agent


def test_tdmrep_and_ai_txt_are_published():
    rules = json.loads(request("GET", "/.well-known/tdmrep.json").body)
    assert isinstance(rules, list) and rules[0]["tdm-reservation"] == 1 and rules[0]["location"]
    ai = request("GET", "/ai.txt").body.decode()
    assert "User-Agent: *" in ai and "Disallow: /" in ai


def test_a_dataset_builder_looks_up_urls_and_names_and_syncs(member):
    _, _, token = member
    name = f"Quillon Brastev{uuid.uuid4().hex[:4]}"
    created = request("POST", "/v1/artists", {"name": name, "links": [f"https://portfolio.example/{name.split()[1].lower()}"]}, token=token)
    assert created.status == 201
    key = subprocess.run([os.environ["OPTOUT_BIN"], "create-api-key", "--data-dir", os.environ["OPTOUT_SERVER_DATA"],
                          "--name", f"dataset-{uuid.uuid4().hex[:6]}", "--scope", "registry"],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    items = [{"url": f"https://portfolio.example/{name.split()[1].lower()}/work-1.png"}, {"url": "https://portfolio.example/other"},
             {"name": name.replace("o", "0")}, {"url": "::not a url::"}]
    reply = request("POST", "/v1/registry/lookup", {"items": items}, token=key).json()
    assert [r.get("opted_out") for r in reply["results"]] == [True, False, True, None]
    export = request("GET", "/v1/registry/export", token=key)
    assert export.status == 200
    lines = [json.loads(line) for line in export.body.decode().splitlines()]
    assert lines[0]["registry_version"] == reply["registry_version"] or lines[0]["registry_version"] >= reply["registry_version"]
    assert any(line.get("phrase") == name for line in lines)
    again = request("GET", "/v1/registry/export", token=key, headers={"If-None-Match": export.headers["ETag"]})
    assert again.status == 304
