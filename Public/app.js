// The opt-out form: plain JavaScript over the JSON API (Public/api.js).
"use strict";

const state = { artist: null };

const lines = (text) => text.split("\n").map((s) => s.trim()).filter((s) => s.length > 0);

function setSignedIn(account) {
  $("auth-section").hidden = !!account;
  $("artist-section").hidden = !account;
  $("report-section").hidden = !account;
  if (!account) {
    $("activity-section").hidden = true;
    $("rulings-section").hidden = true; $("rulings").replaceChildren(); $("rulings-status").textContent = "";
    $("report-status").textContent = ""; $("my-reports").querySelector("tbody").replaceChildren();
  }
  $("account-bar").hidden = !account;
  $("account-email").textContent = account ? account.email : "";
}

const SVG = "http://www.w3.org/2000/svg";

function svgElement(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

// A bar a day, refused stacked under credited, drawn as inline SVG; the same numbers go in the table.
function renderActivity(activity) {
  const days = activity.days;
  $("activity-summary").textContent = "In the last " + days.length + " days: " + activity.totals.refused + " prompts refused, "
    + activity.totals.credited + " allowed with a credit to you.";
  const chart = $("activity-chart");
  const title = $("activity-chart-title");
  const width = 600, height = 200, bottom = 180, left = 36;
  const most = Math.max(1, ...days.map((day) => day.refused + day.credited));
  const step = (width - left) / days.length;
  const parts = [title];
  parts.push(svgElement("line", { x1: left, y1: bottom, x2: width, y2: bottom, stroke: "#555" }));
  parts.push(svgElement("text", { x: 2, y: 12, "font-size": 11, fill: "#333" }));
  parts[parts.length - 1].textContent = String(most);
  parts.push(svgElement("text", { x: 2, y: bottom, "font-size": 11, fill: "#333" }));
  parts[parts.length - 1].textContent = "0";
  days.forEach((day, index) => {
    const x = left + index * step;
    const barWidth = Math.max(1, step - 1);
    const refusedHeight = (day.refused / most) * (bottom - 10);
    const creditedHeight = (day.credited / most) * (bottom - 10);
    if (day.refused > 0) {
      parts.push(svgElement("rect", { x, y: bottom - refusedHeight, width: barWidth, height: refusedHeight, fill: "#b3261e", "data-day": day.date, class: "bar-refused" }));
    }
    if (day.credited > 0) {
      parts.push(svgElement("rect", { x, y: bottom - refusedHeight - creditedHeight, width: barWidth, height: creditedHeight, fill: "#1f6f43", "data-day": day.date, class: "bar-credited" }));
    }
  });
  parts.push(svgElement("text", { x: left, y: height - 4, "font-size": 11, fill: "#333" }));
  parts[parts.length - 1].textContent = days[0].date;
  parts.push(svgElement("text", { x: width - 70, y: height - 4, "font-size": 11, fill: "#333" }));
  parts[parts.length - 1].textContent = days[days.length - 1].date;
  chart.replaceChildren(...parts);
  $("activity-table").querySelector("tbody").replaceChildren(...days.slice().reverse().map((day) => {
    const row = document.createElement("tr");
    row.append(cell(day.date), cell(day.refused), cell(day.credited));
    return row;
  }));
}

async function loadActivity() {
  $("activity-error").textContent = "";
  if (!state.artist || state.artist.status === "withdrawn") { $("activity-section").hidden = true; return; }
  try {
    renderActivity(await api("GET", "/v1/artists/me/activity?days=" + $("activity-days").value));
    $("activity-section").hidden = false;
  } catch (error) {
    if (error.status === 404) { $("activity-section").hidden = true; return; }
    $("activity-error").textContent = error.message;
  }
}

function renderArtist(artist) {
  state.artist = artist;
  const form = $("artist-form");
  $("phrases-block").hidden = !artist;
  $("artist-submit").textContent = artist ? "Save changes" : "Save my opt-out";
  if (!artist) {
    $("artist-status").textContent = "You have not opted out yet. Fill in the form to do so.";
    form.reset();
    return;
  }
  $("artist-status").textContent = "Your opt-out is " + artist.status + (artist.verified ? " and verified." : "; a moderator has not verified it yet.");
  $("artist-name").value = artist.name;
  $("artist-aliases").value = artist.aliases.join("\n");
  $("artist-creations").value = artist.creations.join("\n");
  $("artist-links").value = artist.links.join("\n");
  $("policy-" + artist.policy).checked = true;
  const body = $("phrases").querySelector("tbody");
  body.replaceChildren(...artist.phrases.map((phrase) => {
    const row = document.createElement("tr");
    row.dataset.phraseId = phrase.id;
    row.append(cell(phrase.text), cell(phrase.kind), cell(words(phrase.status), "status-" + phrase.status));
    if (phrase.review_reason) row.title = phrase.review_reason;
    return row;
  }));
  loadSuggestions(artist);
}

// Aliases the service suggests (the surname alone, the given name in other languages): the artist adds them or not.
async function loadSuggestions(artist) {
  const block = $("suggestions-block");
  const list = $("suggestions");
  try {
    const { suggestions } = await api("GET", "/v1/artists/" + artist.id + "/suggestions");
    list.replaceChildren(...suggestions.map((suggestion) => {
      const item = document.createElement("li");
      const add = document.createElement("button");
      add.type = "button";
      add.className = "add-suggestion";
      add.textContent = "Add " + suggestion.phrase;
      add.title = suggestion.reason;
      add.addEventListener("click", () => {
        const aliases = $("artist-aliases");
        aliases.value = (aliases.value.trim() ? aliases.value.trim() + "\n" : "") + suggestion.phrase;
        item.remove();
        if (!list.children.length) block.hidden = true;
      });
      const reason = document.createElement("span");
      reason.textContent = " " + suggestion.reason;
      item.append(add, reason);
      return item;
    }));
    block.hidden = suggestions.length === 0;
  } catch (error) {
    block.hidden = true;
  }
}

async function loadAccount() {
  if (!hasSession()) { setSignedIn(null); return; }
  try {
    const account = await api("GET", "/v1/accounts/me");
    setSignedIn(account);
    try { renderArtist(await api("GET", "/v1/artists/me")); }
    catch (error) { if (error.status === 404) renderArtist(null); else throw error; }
    await loadActivity();
    await loadRulings();
    await loadMyReports();
  } catch (error) {
    if (error.status === 401) { forgetSession(); setSignedIn(null); }
    else $("artist-form-error").textContent = error.message;
  }
}

async function signIn(email, password) {
  await startSession(email, password);
  await loadAccount();
}

$("signup-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors(form);
  const email = $("signup-email").value.trim(), password = $("signup-password").value;
  try {
    await api("POST", "/v1/accounts", { email, password, display_name: $("signup-display-name").value });
    await signIn(email, password);
  } catch (error) { showError("signup", error); }
});

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors(form);
  try { await signIn($("signin-email").value.trim(), $("signin-password").value); }
  catch (error) { showError("signin", error); }
});

$("artist-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors(form);
  const body = {
    name: $("artist-name").value,
    aliases: lines($("artist-aliases").value),
    creations: lines($("artist-creations").value),
    policy: $("policy-credit").checked ? "credit" : "block",
    links: lines($("artist-links").value),
  };
  try {
    const artist = state.artist
      ? await api("PATCH", "/v1/artists/" + state.artist.id, body)
      : await api("POST", "/v1/artists", body);
    renderArtist(artist);
    $("artist-status").textContent = "Saved. " + $("artist-status").textContent;
    await loadActivity();
  } catch (error) { showError("artist", error); }
});

$("withdraw-button").addEventListener("click", () => { $("withdraw-confirm").hidden = false; });
$("withdraw-cancel-button").addEventListener("click", () => { $("withdraw-confirm").hidden = true; });
$("withdraw-confirm-button").addEventListener("click", async () => {
  try {
    await api("DELETE", "/v1/artists/" + state.artist.id);
    $("withdraw-confirm").hidden = true;
    renderArtist(null);
    $("activity-section").hidden = true;
    $("artist-status").textContent = "Your opt-out was withdrawn; your phrases no longer block prompts.";
  } catch (error) { $("artist-form-error").textContent = error.message; }
});

// Reports a moderator sent to this artist to rule on.
async function loadRulings() {
  $("rulings-error").textContent = "";
  let items = [];
  try { items = (await api("GET", "/v1/artists/me/rulings")).items; }
  catch (error) { $("rulings-error").textContent = error.message; }
  $("rulings-section").hidden = items.length === 0 && !$("rulings-status").textContent;
  $("rulings").replaceChildren(...items.map(renderRuling));
}

function paragraph(label, text) {
  const p = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = label + ": ";
  p.append(strong, document.createTextNode(text));
  return p;
}

function renderRuling(item) {
  const box = document.createElement("form");
  box.className = "ruling";
  box.id = "ruling-" + item.id;
  box.noValidate = true;
  const heading = document.createElement("h3");
  heading.textContent = "Report " + item.id + ": " + words(item.category);
  box.appendChild(heading);
  const generation = item.snapshot && item.snapshot.generation;
  if (generation) {
    box.appendChild(paragraph("Generated image", generation.id));
    box.appendChild(paragraph("Its prompt", generation.prompt));
  } else {
    box.appendChild(paragraph("Image", item.target.image_url || ""));
  }
  for (const report of item.reports) if (report.details) box.appendChild(paragraph("A reporter wrote", report.details));
  if (item.moderator_note) box.appendChild(paragraph("The moderator asks", item.moderator_note));
  box.appendChild(paragraph("Please rule by", item.ruling_due_at));
  const fieldset = document.createElement("fieldset");
  const legend = document.createElement("legend");
  legend.textContent = "Does this image imitate your work?";
  fieldset.appendChild(legend);
  for (const [value, text] of [["imitation", "Yes, it imitates my work: take it down"], ["not_imitation", "No, it does not imitate my work"]]) {
    fieldset.append(...radioChoice("verdict", value, "verdict-" + item.id + "-" + value, text));
  }
  box.appendChild(fieldset);
  const noteLabel = document.createElement("label");
  noteLabel.htmlFor = "ruling-note-" + item.id;
  noteLabel.textContent = "A note for the moderators (optional)";
  const note = document.createElement("textarea");
  note.id = "ruling-note-" + item.id;
  note.rows = 2;
  note.maxLength = 2000;
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.id = "ruling-submit-" + item.id;
  submit.textContent = "Send my ruling";
  const error = document.createElement("p");
  error.className = "form-error";
  error.id = "ruling-error-" + item.id;
  error.setAttribute("role", "alert");
  box.append(noteLabel, note, submit, error);
  box.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const chosen = box.querySelector("input[name='verdict']:checked");
    if (!chosen) { error.textContent = "Choose whether it imitates your work."; return; }
    try {
      const result = await api("POST", "/v1/reports/" + item.id + "/ruling", { verdict: chosen.value, note: note.value });
      $("rulings-status").textContent = "Thank you. Report " + item.id + " is " + words(result.status) + ".";
      await loadRulings();
    } catch (failure) { error.textContent = failure.message; }
  });
  return box;
}

// Reporting an image: find the artist by name (the prompt gate's matching, so spellings vary), then file.
$("report-find").addEventListener("click", async () => {
  $("report-artist_id-error").textContent = "";
  const choices = $("report-artist-choices");
  choices.replaceChildren();
  $("report-artists").hidden = true;
  try {
    const found = await api("GET", "/v1/artists/find?name=" + encodeURIComponent($("report-artist-name").value));
    if (found.items.length === 0) { $("report-artist_id-error").textContent = "No opted-out artist has that name."; return; }
    for (const item of found.items) {
      choices.append(...radioChoice("artist_id", item.artist_id, "report-artist-" + item.artist_id,
        item.artist_name + " (#" + item.artist_id + ")", found.items.length === 1));
    }
    $("report-artists").hidden = false;
  } catch (error) { $("report-artist_id-error").textContent = error.message; }
});

$("report-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors(form);
  $("report-status").textContent = "";
  const chosen = form.querySelector("input[name='artist_id']:checked");
  if (!chosen) { $("report-artist_id-error").textContent = "Find and choose the artist first."; return; }
  const target = {};
  const imageURL = $("report-image-url").value.trim(), generationId = $("report-generation-id").value.trim();
  if (imageURL) target.image_url = imageURL;
  if (generationId) target.generation_id = generationId;
  try {
    const report = await api("POST", "/v1/reports", {
      artist_id: Number(chosen.value), target, category: $("report-category").value, details: $("report-details").value,
    });
    $("report-status").textContent = report.already_reported
      ? "You had already reported this (report " + report.id + ")."
      : "Report " + report.id + " sent; " + report.reporter_count + " reporter(s) so far. Thank you.";
    $("report-image-url").value = "";
    $("report-generation-id").value = "";
    $("report-details").value = "";
    await loadMyReports();
  } catch (error) { showError("report", error); }
});

async function loadMyReports() {
  try {
    const page = await api("GET", "/v1/reports/mine");
    $("my-reports").querySelector("tbody").replaceChildren(...page.items.map((report) => {
      const row = document.createElement("tr");
      row.dataset.reportId = report.id;
      const outcome = report.outcome ? words(report.outcome.result) + " by the " + report.outcome.decided_by : "";
      row.append(cell(report.id), cell(report.artist_name), cell(report.target.image_url || report.target.generation_id),
        cell(words(report.status)), cell(outcome));
      return row;
    }));
  } catch (error) { $("report-form-error").textContent = error.message; }
}

$("signout-button").addEventListener("click", async () => {
  await endSession();
  state.artist = null;
  setSignedIn(null);
});

loadAccount();

$("activity-days").addEventListener("change", () => loadActivity());
