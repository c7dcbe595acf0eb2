"""Black-box tests against a running optout-gate (started by run.sh): the browser form, live HTTP behaviour, the CLI."""
import json
import os
import urllib.error
import urllib.request
import uuid

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

BASE_URL = os.environ.get("OPTOUT_BASE_URL", "http://127.0.0.1:18080")


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def request(method, path, body=None, token=None, raw=None, headers=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(BASE_URL + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


@pytest.fixture
def base_url():
    return BASE_URL


@pytest.fixture
def member():
    """A new member account; returns (email, password, token)."""
    email = f"member-{uuid.uuid4().hex[:10]}@example.org"
    password = "correct horse battery"
    assert request("POST", "/v1/accounts", {"email": email, "password": password, "display_name": "Member"}).status == 201
    token = request("POST", "/v1/sessions", {"email": email, "password": password}).json()["token"]
    return email, password, token


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,1600"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait(driver, condition, timeout=15):
    return WebDriverWait(driver, timeout).until(condition)


def accessible(driver, state):
    """Runs axe-core (axe-selenium-python) on the page as it stands and fails on any violation, naming the state."""
    from axe_selenium_python import Axe
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    violations = results["violations"]
    assert not violations, f"{state}: " + axe.report(violations)
    return results
