// The rightsholders' complaint page: plain JavaScript over the JSON API (Public/api.js).
"use strict";

function setSignedIn(account) {
  $("auth-section").hidden = !!account;
  $("complaint-section").hidden = !account;
  $("account-bar").hidden = !account;
  $("account-email").textContent = account ? account.email : "";
}

async function loadContact() {
  try {
    const info = await api("GET", "/v1/complaints/contact");
    if (!info.contact) return;
    const link = $("contact-link");
    link.textContent = info.contact;
    link.href = info.contact.includes("@") && !info.contact.includes("://") ? "mailto:" + info.contact : info.contact;
    $("contact-line").hidden = false;
  } catch (_) { /* the page works without it */ }
}

async function loadMine() {
  const page = await api("GET", "/v1/complaints/mine");
  const rows = page.items.map((item) => {
    const row = document.createElement("tr");
    row.append(cell(item.id), cell(item.work_url), cell(new Date(item.created_at).toLocaleDateString()), cell(words(item.status)));
    return row;
  });
  $("mine").querySelector("tbody").replaceChildren(...rows);
  $("mine-empty").hidden = rows.length > 0;
}

async function loadAccount() {
  if (!hasSession()) { setSignedIn(null); return; }
  try {
    const account = await api("GET", "/v1/accounts/me");
    setSignedIn(account);
    if (!$("complaint-contact-email").value) $("complaint-contact-email").value = account.email;
    await loadMine();
  } catch (error) {
    if (error.status === 401) { forgetSession(); setSignedIn(null); }
    else $("signin-form-error").textContent = error.message;
  }
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(event.currentTarget);
  try {
    await startSession($("signin-email").value.trim(), $("signin-password").value);
    await loadAccount();
  } catch (error) { showError("signin", error); }
});

$("complaint-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors(form);
  $("complaint-sent").textContent = "";
  const artist = $("complaint-artist-id").value.trim();
  if (artist && !/^[0-9]+$/.test(artist)) {
    showError("complaint", { field: "artist_id", message: "The registry entry is a number, or leave it empty." });
    return;
  }
  const body = {
    rightsholder: $("complaint-rightsholder").value,
    contact_email: $("complaint-contact-email").value.trim(),
    work_url: $("complaint-work-url").value.trim(),
    used_in: $("complaint-used-in").value,
    details: $("complaint-details").value,
  };
  if (artist) body.artist_id = Number(artist);
  try {
    const filed = await api("POST", "/v1/complaints", body);
    form.reset();
    $("complaint-contact-email").value = filed.contact_email;
    $("complaint-sent").textContent = "Complaint " + filed.id + " received; the moderators will review it."
      + (filed.contact ? " Questions: " + filed.contact + "." : "");
    await loadMine();
  } catch (error) { showError("complaint", error); }
});

$("signout-button").addEventListener("click", async () => {
  await endSession();
  setSignedIn(null);
});

loadContact();
loadAccount();
