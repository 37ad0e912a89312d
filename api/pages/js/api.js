// Talking to the API. The key lives in sessionStorage: it survives a reload of the tab but
// not the tab itself, so a shared office phone does not stay signed in. The API is the
// authority on what a key may see; the pages only show what it answers, and turn its
// problem details (RFC 9457) into an ApiError that views explain politely.

const KEY = "lmt.key";
const ME = "lmt.me";

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  /** What GET /me said about the key: {role, sees_workers, sees_identities, ...}. */
  get me() {
    const raw = sessionStorage.getItem(ME);
    return raw ? JSON.parse(raw) : null;
  },
  signIn(key, me) {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(ME, JSON.stringify(me));
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(ME);
  },
};

export class ApiError extends Error {
  constructor(status, detail, title = "", breakGlass = null) {
    super(detail || title || `HTTP ${status}`);
    this.status = status; // 0: the service could not be reached
    this.detail = detail;
    this.title = title;
    this.breakGlass = breakGlass; // a 403 a field key may pass by giving a reason
  }
}

/** GET ``path`` with ``params`` (empty ones left out) as JSON; throws ApiError. */
export async function get(path, params = {}, key = session.key) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, value);
  }
  return send(url, { method: "GET" }, key);
}

/** POST ``body`` as JSON to ``path``: for what must stay out of URLs (search text). */
export async function post(path, body, key = session.key) {
  const url = new URL(path, window.location.origin);
  return send(url, { method: "POST", body: JSON.stringify(body) }, key);
}

async function send(url, options, key) {
  const headers = { "X-API-Key": key || "", Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, { ...options, headers });
  } catch (error) {
    throw new ApiError(0, String(error));
  }
  if (!response.ok) {
    let body = {};
    try {
      body = await response.json();
    } catch {
      // not a problem document (a proxy's page, say): keep the status only
    }
    throw new ApiError(response.status, body.detail, body.title || response.statusText, body.break_glass);
  }
  return response.json();
}

/** A path segment: ids come from the records and may hold any character. */
export const seg = (value) => encodeURIComponent(value);
