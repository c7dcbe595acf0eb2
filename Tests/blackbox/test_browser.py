"""Drives the real opt-out form in headless Chromium: sign up, submit, see the phrases, see an error beside its field, withdraw."""
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import accessible, request, wait


def test_artist_opts_out_edits_and_withdraws_from_the_web_form(browser, base_url):
    email = f"painter-{uuid.uuid4().hex[:8]}@example.org"
    name = f"Painter {uuid.uuid4().hex[:6]}"
    browser.get(base_url + "/")
    assert browser.find_element(By.CSS_SELECTOR, 'meta[name="robots"]').get_attribute("content") == "noai, noimageai"
    accessible(browser, "the opt-out page, signed out")

    # A bad password is explained beside the password field.
    browser.find_element(By.ID, "signup-email").send_keys(email)
    browser.find_element(By.ID, "signup-display-name").send_keys("Painter")
    browser.find_element(By.ID, "signup-password").send_keys("short")
    browser.find_element(By.ID, "signup-button").click()
    error = wait(browser, EC.visibility_of_element_located((By.ID, "signup-password-error")))
    assert "at least 8" in error.text
    accessible(browser, "sign-up with a field error")

    browser.find_element(By.ID, "signup-password").clear()
    browser.find_element(By.ID, "signup-password").send_keys("a long enough password")
    browser.find_element(By.ID, "signup-button").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "artist-form")))
    assert browser.find_element(By.ID, "account-email").text == email
    accessible(browser, "signed in, not opted out")

    # A bad link is explained beside the links field, and nothing is saved.
    browser.find_element(By.ID, "artist-name").send_keys(name)
    browser.find_element(By.ID, "artist-aliases").send_keys(f"{name} Studio\nRose")
    browser.find_element(By.ID, "artist-creations").send_keys("The Dragon Ship")
    browser.find_element(By.ID, "artist-links").send_keys("ftp://example.org/me")
    browser.find_element(By.ID, "artist-submit").click()
    link_error = wait(browser, EC.visibility_of_element_located((By.ID, "artist-links-error")))
    assert "http or https" in link_error.text
    accessible(browser, "the artist form with a field error")

    links = browser.find_element(By.ID, "artist-links")
    links.clear()
    links.send_keys("https://example.org/me")
    browser.find_element(By.ID, "policy-credit").click()
    browser.find_element(By.ID, "artist-submit").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#phrases tbody tr")) == 4)
    rows = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in browser.find_elements(By.CSS_SELECTOR, "#phrases tbody tr")]
    assert rows[0] == [name, "name", "active"]
    assert rows[1] == [f"{name} Studio", "alias", "active"]
    assert rows[2] == ["Rose", "alias", "pending review"]
    assert rows[3] == ["The Dragon Ship", "creation", "active"]
    accessible(browser, "opted out, phrases listed")

    # Edit: drop an alias.
    aliases = browser.find_element(By.ID, "artist-aliases")
    aliases.clear()
    aliases.send_keys(f"{name} Studio")
    browser.find_element(By.ID, "artist-submit").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#phrases tbody tr")) == 3)

    # The API agrees with the page.
    token = browser.execute_script("return sessionStorage.getItem('optout-token')")
    artist = request("GET", "/v1/artists/me", token=token).json()
    assert artist["policy"] == "credit"
    assert [p["text"] for p in artist["phrases"]] == [name, f"{name} Studio", "The Dragon Ship"]

    # Withdraw.
    browser.find_element(By.ID, "withdraw-button").click()
    wait(browser, EC.element_to_be_clickable((By.ID, "withdraw-confirm-button"))).click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "artist-status"), "withdrawn"))
    accessible(browser, "withdrawn")
    assert request("GET", "/v1/artists/me", token=token).status == 404
    assert request("GET", f"/v1/artists/{artist['id']}", token=token).status == 404

    # Sign out and back in: the form is empty, ready to opt out again.
    browser.find_element(By.ID, "signout-button").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "signin-form")))
    browser.find_element(By.ID, "signin-email").send_keys(email)
    browser.find_element(By.ID, "signin-password").send_keys("a long enough password")
    browser.find_element(By.ID, "signin-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "artist-status"), "not opted out"))


def test_an_artist_sees_the_chart_of_what_their_opt_out_did(browser, base_url):
    import datetime
    import os
    import subprocess
    tag = uuid.uuid4().hex[:6]
    email, password = f"charted-{tag}@example.org", "a long enough password"
    assert request("POST", "/v1/accounts", {"email": email, "password": password, "display_name": "C"}).status == 201
    token = request("POST", "/v1/sessions", {"email": email, "password": password}).json()["token"]
    name = f"Orsolya Vantebrek {tag}"
    assert request("POST", "/v1/artists", {"name": name}, token=token).status == 201
    key = subprocess.run([os.environ["OPTOUT_BIN"], "create-api-key", "--data-dir", os.environ["OPTOUT_SERVER_DATA"], "--name", f"chart-{tag}",
                          "--scope", "check"], capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    for prompt in [f"a castle by {name}", f"a ship by {name}", f"{name.upper()} style", "a quiet harbour"]:
        reply = request("POST", "/v1/prompts/check", {"prompt": prompt}, token=key)
        assert reply.status == 200

    browser.get(base_url + "/")
    browser.find_element(By.ID, "signin-email").send_keys(email)
    browser.find_element(By.ID, "signin-password").send_keys(password)
    browser.find_element(By.ID, "signin-button").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "activity-section")))
    wait(browser, EC.text_to_be_present_in_element((By.ID, "activity-summary"), "3 prompts refused"))
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    bars = browser.find_elements(By.CSS_SELECTOR, f'#activity-chart rect.bar-refused[data-day="{today}"]')
    assert len(bars) == 1 and float(bars[0].get_attribute("height")) > 100
    output = os.environ.get("OPTOUT_TEST_OUTPUT", os.path.join(os.getcwd(), ".build", "test-output"))
    os.makedirs(output, exist_ok=True)
    shot = os.path.join(output, "activity-chart.png")
    figure = browser.find_element(By.CSS_SELECTOR, "#activity-section figure")
    browser.execute_script("arguments[0].scrollIntoView()", figure)
    figure.screenshot(shot)
    assert os.path.getsize(shot) > 1000
    print("screenshot of the activity chart:", shot)
    browser.find_element(By.CSS_SELECTOR, "#activity-section details summary").click()
    first = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#activity-table tbody tr")[0].find_elements(By.TAG_NAME, "td")]
    assert first == [today, "3", "0"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#activity-table tbody tr")) == 90
    accessible(browser, "the activity chart and its table")

    # Thirty days: the chart and table follow the choice.
    from selenium.webdriver.support.ui import Select
    Select(browser.find_element(By.ID, "activity-days")).select_by_value("30")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#activity-table tbody tr")) == 30)


def test_the_form_suggests_the_surname_and_cognates_and_the_artist_adds_one(browser, base_url):
    letters = "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:6])
    email, password = f"suggested-{letters}@example.org", "a long enough password"
    assert request("POST", "/v1/accounts", {"email": email, "password": password, "display_name": "S"}).status == 201
    token = request("POST", "/v1/sessions", {"email": email, "password": password}).json()["token"]
    surname = "Wierzbick" + letters
    assert request("POST", "/v1/artists", {"name": f"Greg {surname}"}, token=token).status == 201

    browser.get(base_url + "/")
    browser.find_element(By.ID, "signin-email").send_keys(email)
    browser.find_element(By.ID, "signin-password").send_keys(password)
    browser.find_element(By.ID, "signin-button").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "suggestions-block")))
    from selenium.common.exceptions import StaleElementReferenceException

    def texts(selector):
        try:
            return [e.text for e in browser.find_elements(By.CSS_SELECTOR, selector)]
        except StaleElementReferenceException:
            return []

    wait(browser, lambda d: f"Add {surname}" in texts("#suggestions button.add-suggestion"))
    offered = texts("#suggestions button.add-suggestion")
    assert f"Add Grzegorz {surname}" in offered, offered
    accessible(browser, "the form with suggested aliases")
    # The artist adds the surname: it goes into the aliases and, once saved, blocks.
    browser.find_element(By.XPATH, f'//button[text()="Add {surname}"]').click()
    assert browser.find_element(By.ID, "artist-aliases").get_attribute("value").strip() == surname
    browser.find_element(By.ID, "artist-submit").click()
    wait(browser, lambda d: surname in texts("#phrases tbody tr td:first-child"))
    assert surname in request("GET", "/v1/artists/me", token=token).json()["aliases"]
