// The one gateway to the papersieve server: every HTTP request of the extension goes through
// callServer(). Failures become ServerError with a kind and a message that says what to do.

export const SCORE_TIMEOUT_MS = 20000; // a refit after the corpus grew can take seconds
export const QUICK_TIMEOUT_MS = 3000;

export class ServerError extends Error {
  constructor(kind, message, status = 0) {
    super(message);
    this.kind = kind;
    this.status = status;
  }

  toReply() {
    return { kind: this.kind, message: this.message, status: this.status };
  }
}

export const START_HINT = "Start it with `make serve` (or `papersieve serve`) in the papersieve folder.";
export const TOKEN_HINT =
  "Pair papersieve in its onboarding page (code from `papersieve pair`) or paste the token printed by `papersieve token` into its options.";

// The two calls made without the token: /health, and /pair (which trades a one-time code for it).
const PUBLIC_PATHS = new Set(["/health", "/pair"]);

/** A request body sent as it is (a library file for /import), not as JSON. */
export class RawBody {
  constructor(text, contentType) {
    this.text = text;
    this.contentType = contentType;
  }
}

/**
 * One request to the server; resolves to the parsed JSON reply (with `as: "text"`: `{text,
 * contentType}`, for a file such as an export) or throws ServerError.
 */
export async function callServer(
  { serverUrl, token },
  method,
  path,
  body,
  timeoutMs = QUICK_TIMEOUT_MS,
  as = "json",
) {
  const needsToken = !PUBLIC_PATHS.has(path);
  if (needsToken && !token) throw new ServerError("no_token", `No token yet. ${TOKEN_HINT}`);
  const headers = { Accept: as === "text" ? "*/*" : "application/json" };
  if (needsToken) headers.Authorization = `Bearer ${token}`;
  const raw = body instanceof RawBody;
  if (body !== undefined) headers["Content-Type"] = raw ? body.contentType : "application/json";
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(`${serverUrl}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : raw ? body.text : JSON.stringify(body),
      signal: controller.signal,
      credentials: "omit",
      cache: "no-store",
      redirect: "error",
    });
  } catch (error) {
    if (error.name === "AbortError") {
      throw new ServerError(
        "timeout",
        `The papersieve server at ${serverUrl} did not answer within ${Math.round(timeoutMs / 1000)} s. ` +
          "It may be busy; if it stays like this, restart it with `make serve`.",
      );
    }
    throw new ServerError("offline", `No papersieve server answers at ${serverUrl}. ${START_HINT}`);
  } finally {
    clearTimeout(timer);
  }
  if (response.ok && as === "text") {
    return { text: await response.text(), contentType: response.headers.get("Content-Type") || "" };
  }
  let reply;
  try {
    reply = await response.json();
  } catch {
    reply = null;
  }
  if (response.ok) {
    if (reply === null || typeof reply !== "object") {
      throw new ServerError("bad_reply", `The server at ${serverUrl} did not answer with JSON. Is it papersieve?`);
    }
    return reply;
  }
  const said = reply && typeof reply.error === "string" ? reply.error.slice(0, 300) : `HTTP ${response.status}`;
  if (response.status === 401) throw new ServerError("unauthorized", `The server refused the token. ${TOKEN_HINT}`, 401);
  if (response.status === 403) throw new ServerError("forbidden", `The server refused the request: ${said}`, 403);
  if (response.status >= 500) {
    throw new ServerError("server_error", `The server failed (${said}). Its terminal shows why.`, response.status);
  }
  throw new ServerError("rejected", said, response.status);
}
