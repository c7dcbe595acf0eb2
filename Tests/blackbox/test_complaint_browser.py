"""A rightsholder's complaint through the real pages in headless Chromium: filed on /complaint.html (which shows the
service's contact when there is one), seen by the filer, resolved by a moderator on /moderate.html."""
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import accessible, request, wait

MODERATOR = ("mod@example.org", "moderator password")


def sign_in(driver, email, password):
    driver.find_element(By.ID, "signin-email").send_keys(email)
    driver.find_element(By.ID, "signin-password").send_keys(password)
    driver.find_element(By.ID, "signin-button").click()


def test_a_complaint_from_the_page_to_the_moderators_decision(browser, base_url):
    tag = uuid.uuid4().hex[:8]
    email, password = f"holder-{tag}@example.org", "holder password 1"
    assert request("POST", "/v1/accounts", {"email": email, "password": password, "display_name": "Holder"}).status == 201

    browser.get(base_url + "/complaint.html")
    assert "rel=\"license\"" in browser.page_source
    # run.sh starts the server with --contact rights@platform.example.
    wait(browser, EC.visibility_of_element_located((By.ID, "contact-line")))
    assert browser.find_element(By.ID, "contact-link").get_attribute("href") == "mailto:rights@platform.example"
    accessible(browser, "the complaint page, signed out")
    sign_in(browser, email, password)
    wait(browser, EC.visibility_of_element_located((By.ID, "complaint-form")))
    assert browser.find_element(By.ID, "complaint-contact-email").get_attribute("value") == email

    # A bad address is shown beside its field, and nothing is filed.
    browser.find_element(By.ID, "complaint-rightsholder").send_keys(f"Holder {tag}")
    browser.find_element(By.ID, "complaint-work-url").send_keys("not a url")
    browser.find_element(By.ID, "complaint-used-in").send_keys("A dataset card lists my portfolio")
    browser.find_element(By.ID, "complaint-submit").click()
    wait(browser, lambda d: d.find_element(By.ID, "complaint-work_url-error").text != "")
    assert browser.find_element(By.ID, "complaint-work-url").get_attribute("aria-invalid") == "true"
    accessible(browser, "the complaint form with a field error")

    work = f"https://holder-{tag}.example/works/1"
    field = browser.find_element(By.ID, "complaint-work-url")
    field.clear()
    field.send_keys(work)
    browser.find_element(By.ID, "complaint-submit").click()
    wait(browser, lambda d: "received" in d.find_element(By.ID, "complaint-sent").text)
    wait(browser, lambda d: work in d.find_element(By.ID, "mine").text)
    assert "open" in browser.find_element(By.ID, "mine").text
    accessible(browser, "a complaint filed and listed")

    # The moderator resolves it on the moderation page.
    browser.find_element(By.ID, "signout-button").click()
    browser.get(base_url + "/moderate.html")
    sign_in(browser, *MODERATOR)
    wait(browser, EC.visibility_of_element_located((By.ID, "complaints-section")))
    wait(browser, lambda d: work in d.find_element(By.ID, "complaints").text)
    accessible(browser, "the moderation page with open complaints")
    row = [r for r in browser.find_elements(By.CSS_SELECTOR, "#complaints tbody tr") if work in r.text][0]
    complaint_id = row.find_elements(By.TAG_NAME, "td")[0].text
    browser.find_element(By.ID, f"complaint-{complaint_id}-resolve").click()
    alert = wait(browser, EC.alert_is_present())
    alert.send_keys("Asked the dataset's maintainers to remove it.")
    alert.accept()
    wait(browser, lambda d: work not in d.find_element(By.ID, "complaints").text)

    moderator = request("POST", "/v1/sessions", {"email": MODERATOR[0], "password": MODERATOR[1]}).json()["token"]
    decided = request("GET", f"/v1/complaints/{complaint_id}", token=moderator).json()
    assert decided["status"] == "resolved"
    assert decided["history"][-1]["note"] == "Asked the dataset's maintainers to remove it."
