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
