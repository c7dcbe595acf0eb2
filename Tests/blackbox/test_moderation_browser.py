"""Works one report through the real pages in headless Chromium: filed by a member on the opt-out page, claimed and sent
to the artist by a moderator on the moderation page, ruled on by the artist on the opt-out page, and seen in the history
and by the reporter."""
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import accessible, request, wait

MODERATOR = ("mod@example.org", "moderator password")


def sign_up(email, password):
    assert request("POST", "/v1/accounts", {"email": email, "password": password, "display_name": email.split("@")[0]}).status == 201
    return request("POST", "/v1/sessions", {"email": email, "password": password}).json()["token"]


def sign_in(driver, email, password):
    driver.find_element(By.ID, "signin-email").send_keys(email)
    driver.find_element(By.ID, "signin-password").send_keys(password)
    driver.find_element(By.ID, "signin-button").click()


def history_steps(driver):
    return [row.find_elements(By.TAG_NAME, "td")[2].text for row in driver.find_elements(By.CSS_SELECTOR, "#history tbody tr")]


def test_a_report_from_filing_to_the_artists_ruling(browser, base_url):
    tag = uuid.uuid4().hex[:8]
    artist_email, artist_password = f"artist-{tag}@example.org", "artist password 1"
    artist_token = sign_up(artist_email, artist_password)
    created = request("POST", "/v1/artists", {"name": f"Lumen Varga {tag}", "links": [f"https://example.org/{tag}"]}, token=artist_token)
    assert created.status == 201
    artist_id = created.json()["id"]
    moderator_token = request("POST", "/v1/sessions", {"email": MODERATOR[0], "password": MODERATOR[1]}).json()["token"]
    assert request("POST", f"/v1/artists/{artist_id}/verify", token=moderator_token).status == 200

    reporter_email, reporter_password = f"reporter-{tag}@example.org", "reporter password"
    reporter_token = sign_up(reporter_email, reporter_password)
    image = f"https://images.example.net/{tag}.png"

    # The member files the report on the opt-out page: finds the artist by a disguised spelling, and is told of a bad URL.
    browser.get(base_url + "/")
    sign_in(browser, reporter_email, reporter_password)
    wait(browser, EC.visibility_of_element_located((By.ID, "report-form")))
    browser.find_element(By.ID, "report-artist-name").send_keys(f"LUMEN  varga {tag}")
    browser.find_element(By.ID, "report-find").click()
    choice = wait(browser, EC.element_to_be_clickable((By.ID, f"report-artist-{artist_id}")))
    assert choice.is_selected()
    browser.find_element(By.ID, "report-image-url").send_keys("ftp://images.example.net/x.png")
    browser.find_element(By.ID, "report-submit").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "report-target.image_url-error"), "http or https"))
    accessible(browser, "the report form with a field error")
    browser.find_element(By.ID, "report-image-url").clear()
    browser.find_element(By.ID, "report-image-url").send_keys(image)
    browser.find_element(By.ID, "report-details").send_keys("Same lantern motif.")
    browser.find_element(By.ID, "report-submit").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "report-status"), "sent"))
    accessible(browser, "a report sent")
    mine = request("GET", "/v1/reports/mine", token=reporter_token).json()["items"]
    assert [(item["artist_id"], item["target"]["image_url"], item["category"]) for item in mine] == [(artist_id, image, "style_imitation")]
    report_id = mine[0]["id"]
    row = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, f'#my-reports tr[data-report-id="{report_id}"]')))
    assert "open" in row.text
    browser.find_element(By.ID, "signout-button").click()

    # The moderation page carries the same protections as the opt-out form.
    page = request("GET", "/moderate.html")
    assert page.status == 200
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "noai" in page.headers["X-Robots-Tag"]

    # A member cannot use it.
    browser.get(base_url + "/moderate.html")
    sign_in(browser, f"reporter-{tag}@example.org", "reporter password")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "signin-form-error"), "for moderators"))
    accessible(browser, "the moderation page refusing a member")
    assert not browser.find_element(By.ID, "queue-section").is_displayed()
    browser.find_element(By.ID, "signout-button").click()

    # The moderator opens the item, sees the snapshot and history, claims it and asks the artist.
    browser.get(base_url + "/moderate.html")
    sign_in(browser, *MODERATOR)
    # The queue over time: the service records the queue's size as it starts and every minute after.
    wait(browser, EC.visibility_of_element_located((By.ID, "history-section")))
    wait(browser, lambda d: "items waiting" in d.find_element(By.ID, "queue-history-summary").text)
    assert browser.find_element(By.ID, "queue-line").get_attribute("points")
    wait(browser, EC.element_to_be_clickable((By.ID, f"open-report-{report_id}"))).click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "item-id"), str(report_id)))
    wait(browser, lambda d: image in d.find_element(By.ID, "item-snapshot").text)
    accessible(browser, "a report opened on the moderation page")
    assert "Same lantern motif." in browser.find_element(By.ID, "item-reporters").text
    assert history_steps(browser) == ["filed"]
    browser.find_element(By.ID, "claim-button").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "item-claim"), "You"))
    wait(browser, EC.visibility_of_element_located((By.ID, "decision-form")))
    # A decision needs a note: the page shows the server's reason beside the field.
    browser.find_element(By.ID, "action-ask_artist").click()
    browser.find_element(By.ID, "decision-submit").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "decision-note-error"), "note"))
    accessible(browser, "the decision form with a field error")
    browser.find_element(By.ID, "decision-note").send_keys("Close to the artist's lantern series; please rule.")
    browser.find_element(By.ID, "decision-submit").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "item-status"), "awaiting artist"))
    accessible(browser, "a report sent to the artist")
    assert history_steps(browser) == ["filed", "claimed", "ask artist"]
    browser.find_element(By.ID, "signout-button").click()

    # The artist sees the report waiting on the opt-out page and rules.
    browser.get(base_url + "/")
    sign_in(browser, artist_email, artist_password)
    box = wait(browser, EC.visibility_of_element_located((By.ID, f"ruling-{report_id}")))
    assert image in box.text
    assert "please rule" in box.text
    browser.find_element(By.ID, f"verdict-{report_id}-imitation").click()
    browser.find_element(By.ID, f"ruling-note-{report_id}").send_keys("That is my lantern series.")
    browser.find_element(By.ID, f"ruling-submit-{report_id}").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "rulings-status"), "taken down"))
    accessible(browser, "the artist's ruling recorded")
    assert not browser.find_elements(By.ID, f"ruling-{report_id}")
    browser.find_element(By.ID, "signout-button").click()

    # The reporter sees the outcome; the moderator sees the whole history.
    mine = request("GET", f"/v1/reports/{report_id}", token=reporter_token).json()
    assert mine["status"] == "taken_down"
    assert mine["outcome"]["decided_by"] == "artist"
    browser.get(base_url + "/moderate.html")
    sign_in(browser, *MODERATOR)
    # The queue over time: the service records the queue's size as it starts and every minute after.
    wait(browser, EC.visibility_of_element_located((By.ID, "history-section")))
    wait(browser, lambda d: "items waiting" in d.find_element(By.ID, "queue-history-summary").text)
    assert browser.find_element(By.ID, "queue-line").get_attribute("points")
    wait(browser, EC.element_to_be_clickable((By.ID, f"open-report-{report_id}"))).click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "item-status"), "taken down"))
    accessible(browser, "a taken-down report with its history")
    assert history_steps(browser) == ["filed", "claimed", "ask artist", "ruled imitation"]
    assert browser.find_element(By.ID, "reopen-form").is_displayed()
    browser.find_element(By.ID, "signout-button").click()

    # The reporter sees the outcome on their page.
    browser.get(base_url + "/")
    sign_in(browser, reporter_email, reporter_password)
    row = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, f'#my-reports tr[data-report-id="{report_id}"]')))
    assert "taken down by the artist" in row.text
