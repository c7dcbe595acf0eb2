// Shared by the pages: the JSON API client. The session token lives in sessionStorage only.
"use strict";

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "optout-token";

// Calls the API with the stored session; a non-2xx answer throws an Error carrying the API's code, field and status.
async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers["Authorization"] = "Bearer " + token;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
  if (!response.ok) {
    const error = (data && data.error) || { code: "http_" + response.status, message: "The server answered " + response.status + "." };
    throw Object.assign(new Error(error.message), { code: error.code, field: error.field, status: response.status });
  }
  return data;
}

// The session token of this tab.
const hasSession = () => sessionStorage.getItem(TOKEN_KEY) !== null;
const forgetSession = () => sessionStorage.removeItem(TOKEN_KEY);

async function startSession(email, password) {
  const session = await api("POST", "/v1/sessions", { email, password });
  sessionStorage.setItem(TOKEN_KEY, session.token);
  return session;
}

async function endSession() {
  try { await api("DELETE", "/v1/sessions/current"); } catch (_) { /* the session may already be gone */ }
  forgetSession();
}

// An API value such as "awaiting_artist" in words.
const words = (text) => (text || "").replace(/_/g, " ");

function clearErrors(form) {
  form.querySelectorAll(".field-error, .form-error").forEach((el) => { el.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
}

// Shows an API error beside the field it concerns (the element "<prefix>-<field>-error"), or at the foot of the form.
function showError(prefix, error) {
  const fieldEl = error.field && $(prefix + "-" + error.field + "-error");
  const target = fieldEl || $(prefix + "-form-error");
  target.textContent = error.message;
  const input = error.field && (document.querySelector("#" + prefix + "-form [name='" + error.field + "']"));
  if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (className) td.className = className;
  return td;
}

// A radio button with its label and a line break, for a list of choices.
function radioChoice(name, value, id, text, checked) {
  const input = document.createElement("input");
  input.type = "radio";
  input.name = name;
  input.value = value;
  input.id = id;
  input.checked = !!checked;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = "inline";
  label.textContent = text;
  return [input, label, document.createElement("br")];
}
