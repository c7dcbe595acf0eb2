// The moderators' queue: plain JavaScript over the JSON API (Public/api.js).
"use strict";

const state = { account: null, item: null, next: null };

function setSignedIn(account) {
  state.account = account;
  const moderator = !!account && (account.role === "moderator" || account.role === "admin");
  $("auth-section").hidden = moderator;
  $("queue-section").hidden = !moderator;
  $("account-bar").hidden = !account;
  $("account-email").textContent = account ? account.email : "";
  $("account-role").textContent = account ? account.role : "";
  if (account && !moderator) $("signin-form-error").textContent = "This page is for moderators; " + account.email + " is a " + account.role + ".";
  if (!moderator) $("item-section").hidden = true;
  $("disputes-section").hidden = !moderator;
  $("complaints-section").hidden = !moderator;
  $("history-section").hidden = !moderator;
}

// The queue's size by day (GET /v1/moderation/queue-history): a line of the items waiting, and the table.
async function loadQueueHistory() {
  $("queue-history-error").textContent = "";
  try {
    const history = await api("GET", "/v1/moderation/queue-history?days=30");
    const byDay = new Map();
    for (const reading of history.readings) {
      const day = byDay.get(reading.date) || {};
      day[reading.kind + "/" + reading.status] = reading.count;
      byDay.set(reading.date, day);
    }
    const days = [...byDay.keys()].sort();
    const waiting = (day) => (day["report/open"] || 0) + (day["complaint/open"] || 0) + (day["name_dispute/open"] || 0) + (day["phrase_review/pending_review"] || 0);
    $("queue-history").querySelector("tbody").replaceChildren(...days.slice().reverse().map((date) => {
      const day = byDay.get(date);
      const row = document.createElement("tr");
      row.append(cell(date), cell(day["report/open"] || 0), cell(day["report/awaiting_artist"] || 0), cell(day["complaint/open"] || 0),
        cell(day["name_dispute/open"] || 0), cell(day["phrase_review/pending_review"] || 0));
      return row;
    }));
    const chart = $("queue-chart");
    const parts = [$("queue-chart-title")];
    if (days.length > 0) {
      const values = days.map((date) => waiting(byDay.get(date)));
      const most = Math.max(1, ...values);
      const left = 30, right = 590, top = 10, bottom = 140;
      const x = (index) => days.length === 1 ? (left + right) / 2 : left + (index * (right - left)) / (days.length - 1);
      const y = (value) => bottom - (value / most) * (bottom - top);
      const axis = document.createElementNS("http://www.w3.org/2000/svg", "line");
      for (const [key, value] of Object.entries({ x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#555" })) axis.setAttribute(key, value);
      const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      line.setAttribute("points", values.map((value, index) => x(index) + "," + y(value)).join(" "));
      line.setAttribute("fill", "none");
      line.setAttribute("stroke", "#1a4f8a");
      line.setAttribute("stroke-width", "2");
      line.setAttribute("id", "queue-line");
      parts.push(axis, line);
      $("queue-history-summary").textContent = values[values.length - 1] + " items waiting on " + days[days.length - 1] + "; at most " + most + " in the last " + days.length + " days recorded.";
    } else {
      $("queue-history-summary").textContent = "No readings yet.";
    }
    chart.replaceChildren(...parts);
  } catch (error) { $("queue-history-error").textContent = error.message; }
}

// Open complaints, each with Resolve and Dismiss (a note is asked for and kept in its history).
async function loadComplaints() {
  $("complaints-error").textContent = "";
  try {
    const page = await api("GET", "/v1/moderation/complaints?status=open");
    const rows = page.items.map((item) => {
      const row = document.createElement("tr");
      row.append(cell(item.id), cell(item.rightsholder + " <" + item.contact_email + ">"), cell(item.work_url), cell(item.used_in),
        cell(item.artist_id ? item.artist_name + " (#" + item.artist_id + ")" : "none"));
      const actions = document.createElement("td");
      for (const [decision, text] of [["resolve", "Resolve"], ["dismiss", "Dismiss"]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.id = "complaint-" + item.id + "-" + decision;
        button.textContent = text;
        button.addEventListener("click", async () => {
          const note = window.prompt("Why? (the note goes into the complaint's history)");
          if (note === null) return;
          try {
            await api("POST", "/v1/moderation/complaints/" + item.id + "/decision", { decision, note, version: item.version });
            await loadComplaints();
          } catch (error) { $("complaints-error").textContent = error.message; }
        });
        actions.append(button, " ");
      }
      row.append(actions);
      return row;
    });
    $("complaints").querySelector("tbody").replaceChildren(...rows);
    $("complaints-empty").hidden = rows.length > 0;
  } catch (error) { $("complaints-error").textContent = error.message; }
}

// One side of a name dispute, in words: who, since when, how proven.
function disputeSide(side) {
  const account = side.account ? "account " + side.account.age_days + " days old" : "imported, no account";
  const proof = side.verified ? "verified" : side.verified_for_disputes ? "verified site" : "not verified";
  const links = (side.links || []).join(" ");
  return side.artist_name + " (#" + side.artist_id + "; " + account + "; " + proof + (links ? "; " + links : "") + ")";
}

async function loadDisputes() {
  $("disputes-error").textContent = "";
  try {
    const page = await api("GET", "/v1/moderation/disputes?status=open");
    const details = await Promise.all(page.items.map((item) => api("GET", "/v1/moderation/disputes/" + item.id)));
    const rows = details.map((item) => {
      const row = document.createElement("tr");
      row.append(cell(item.id), cell(item.holder.phrase), cell(disputeSide(item.holder)), cell(disputeSide(item.challenger)));
      const actions = document.createElement("td");
      for (const winner of ["holder", "challenger"]) {
        const button = document.createElement("button");
        button.type = "button";
        button.id = "dispute-" + item.id + "-" + winner;
        button.textContent = winner === "holder" ? "Holder keeps it" : "Challenger gets it";
        button.addEventListener("click", async () => {
          const note = window.prompt("Why? (the note goes into the dispute's history)");
          if (!note) return;
          try {
            await api("POST", "/v1/moderation/disputes/" + item.id + "/decision", { winner, note, version: item.version });
            await loadDisputes();
          } catch (error) { $("disputes-error").textContent = error.message; }
        });
        actions.appendChild(button);
      }
      row.appendChild(actions);
      return row;
    });
    $("disputes").querySelector("tbody").replaceChildren(...rows);
    $("disputes-empty").hidden = rows.length > 0;
  } catch (error) { $("disputes-error").textContent = error.message; }
}

async function loadQueue(append) {
  $("queue-error").textContent = "";
  const status = $("queue-status").value;
  const params = new URLSearchParams();
  if (status) params.set("status", status);
  if (append && state.next) params.set("after", state.next);
  try {
    const page = await api("GET", "/v1/moderation/reports" + (params.toString() ? "?" + params : ""));
    const body = $("queue").querySelector("tbody");
    const rows = page.items.map((item) => {
      const row = document.createElement("tr");
      row.dataset.reportId = item.id;
      row.appendChild(cell(item.id));
      row.appendChild(cell(item.artist_name + " (#" + item.artist_id + ")"));
      row.appendChild(cell(words(item.category)));
      row.appendChild(cell(item.reporter_count));
      row.appendChild(cell(words(item.status) + (item.unanswered ? " (unanswered)" : ""), "status-" + item.status));
      row.appendChild(cell(item.claimed_by_name || ""));
      const actions = document.createElement("td");
      const open = document.createElement("button");
      open.type = "button";
      open.id = "open-report-" + item.id;
      open.textContent = "Open";
      open.addEventListener("click", () => openItem(item.id));
      actions.appendChild(open);
      row.appendChild(actions);
      return row;
    });
    if (append) body.append(...rows); else body.replaceChildren(...rows);
    state.next = page.next;
    $("queue-more").hidden = !page.next;
    $("queue-empty").hidden = body.children.length > 0;
  } catch (error) { $("queue-error").textContent = error.message; }
}

function renderItem(item, events) {
  state.item = item;
  $("item-section").hidden = false;
  $("item-id").textContent = item.id;
  $("item-artist").textContent = item.artist.name + " (#" + item.artist.id + (item.artist.verified ? ", verified" : ", not verified") + ")";
  $("item-target").textContent = item.target.generation_id ? "Generation " + item.target.generation_id : "Image " + item.target.image_url;
  $("item-status").textContent = words(item.status) + (item.unanswered ? " (the artist did not answer in time)" : "")
    + (item.ruling_due_at ? ", ruling due " + item.ruling_due_at : "");
  $("item-status").className = "status-" + item.status;
  const mine = state.account && item.claimed_by === state.account.id;
  $("item-claim").textContent = item.claimed_by ? (mine ? "You" : item.claimed_by_name) + " until " + item.claim_expires_at : "Nobody";
  $("item-version").textContent = item.version;
  $("item-reporters").replaceChildren(...item.reporters.map((reporter) => {
    const li = document.createElement("li");
    li.textContent = words(reporter.category) + " (account " + reporter.account_id + ", " + reporter.reported_at + ")" + (reporter.details ? ": " + reporter.details : "");
    return li;
  }));
  $("item-snapshot").textContent = JSON.stringify(item.snapshot, null, 2);
  const open = item.status === "open";
  $("claim-button").hidden = !open || mine;
  $("release-button").hidden = !mine;
  $("decision-form").hidden = !mine;
  $("reopen-form").hidden = !(item.status === "taken_down" || item.status === "dismissed");
  $("history").querySelector("tbody").replaceChildren(...events.map((event) => {
    const row = document.createElement("tr");
    row.appendChild(cell(event.at));
    row.appendChild(cell((event.actor.display_name || "the service") + " (" + event.actor.role + ")"));
    row.appendChild(cell(words(event.action)));
    row.appendChild(cell(words(event.from_status)));
    row.appendChild(cell(words(event.to_status)));
    row.appendChild(cell(event.note));
    return row;
  }));
}

async function openItem(id) {
  $("item-error").textContent = "";
  try {
    const [item, history] = await Promise.all([api("GET", "/v1/moderation/reports/" + id), api("GET", "/v1/moderation/reports/" + id + "/history")]);
    renderItem(item, history.events);
  } catch (error) { $("item-error").textContent = error.message; }
}

async function refreshItem() {
  if (state.item) await openItem(state.item.id);
  await loadQueue(false);
}

async function loadAccount() {
  if (!hasSession()) { setSignedIn(null); return; }
  try {
    const account = await api("GET", "/v1/accounts/me");
    setSignedIn(account);
    if (account.role === "moderator" || account.role === "admin") { await loadQueue(false); await loadDisputes(); await loadComplaints(); await loadQueueHistory(); }
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

$("queue-status").addEventListener("change", () => loadQueue(false));
$("queue-more").addEventListener("click", () => loadQueue(true));

$("claim-button").addEventListener("click", async () => {
  $("item-error").textContent = "";
  try { await api("POST", "/v1/moderation/reports/" + state.item.id + "/claim"); await refreshItem(); }
  catch (error) { $("item-error").textContent = error.message; }
});

$("release-button").addEventListener("click", async () => {
  $("item-error").textContent = "";
  try { await api("POST", "/v1/moderation/reports/" + state.item.id + "/release"); await refreshItem(); }
  catch (error) { $("item-error").textContent = error.message; }
});

$("decision-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors(form);
  const chosen = form.querySelector("input[name='action']:checked");
  if (!chosen) { $("decision-action-error").textContent = "Choose a decision."; return; }
  try {
    await api("POST", "/v1/moderation/reports/" + state.item.id + "/decision",
      { action: chosen.value, note: $("decision-note").value, version: state.item.version });
    form.reset();
    await refreshItem();
  } catch (error) {
    showError("decision", error);
    if (error.code === "version_conflict") await openItem(state.item.id);
  }
});

$("reopen-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors(form);
  try {
    await api("POST", "/v1/moderation/reports/" + state.item.id + "/reopen", { note: $("reopen-note").value, version: state.item.version });
    form.reset();
    await refreshItem();
  } catch (error) { showError("reopen", error); }
});

$("signout-button").addEventListener("click", async () => {
  await endSession();
  setSignedIn(null);
});

loadAccount();
