// The worker's side of the onboarding page (src/onboarding/): it opens the page on install, and
// answers its intents. Like every intent, these read the settings from chrome.storage and talk to
// the server through callServer; the page itself never makes a request.

import { loadSettings, saveConnection, bumpRatingsVersion } from "./storage.js";
import { callServer, ServerError, RawBody, SCORE_TIMEOUT_MS } from "./server-client.js";
import { cleanLabels } from "./papers.js";

const ext = globalThis.browser ?? globalThis.chrome;

export const ONBOARDING_PAGE = "src/onboarding/onboarding.html";
const IMPORT_FORMATS = new Set(["auto", "bibtex", "csl-json", "ris", "arxiv-ids", "json", "csv"]);
const MAX_IMPORT_BYTES = 2 * 1024 * 1024; // the server's limit for one request body (server/app.py)
const MAX_SKIPPED_SHOWN = 20;

/** runtime.onInstalled: a first install opens the onboarding page (updates and reloads do not). */
export async function openOnboardingOnInstall(details) {
  if (!details || details.reason !== "install") return;
  await ext.tabs.create({ url: ext.runtime.getURL(ONBOARDING_PAGE) });
}

async function replyFor(error) {
  if (!(error instanceof ServerError)) throw error;
  await saveConnection(error.kind, error.message);
  return { ok: false, error: error.toReply() };
}

/** Does the stored server URL answer /health? (The page asks again every 2 s until it does.) */
async function checkServer() {
  const settings = await loadSettings();
  try {
    const reply = await callServer(settings, "GET", "/health");
    const version = typeof reply.version === "string" ? reply.version.slice(0, 40) : "";
    return { ok: true, serverUrl: settings.serverUrl, version };
  } catch (error) {
    return { ...(await replyFor(error)), serverUrl: settings.serverUrl };
  }
}

/** Trade the one-time code from `papersieve pair` for the token, check it, store it. */
function pairWithCode(updateSettings) {
  return async ({ code }) => {
    const settings = await loadSettings();
    const typed = String(code || "").trim();
    if (!typed || typed.length > 64) {
      return { ok: false, error: { kind: "invalid", message: "Type the code that `papersieve pair` printed." } };
    }
    let token;
    try {
      const reply = await callServer(settings, "POST", "/pair", { code: typed });
      token = typeof reply.token === "string" ? reply.token : "";
      if (!token) throw new ServerError("bad_reply", "The server's /pair reply has no token.");
      // A real authenticated call, so "paired" means the token works, not only that it arrived.
      await callServer({ ...settings, token }, "GET", "/profiles");
    } catch (error) {
      return replyFor(error);
    }
    const saved = await updateSettings({ token });
    if (!saved.ok) return saved;
    await saveConnection("ok");
    return { ok: true, message: `Paired with ${settings.serverUrl}: the token is saved.` };
  };
}

/** A library file (its text, read by the page) as 👍 in the active profile (or the `profile` the
 * dashboard names): POST …/import. */
async function importLibrary({ text, format, profile }) {
  const settings = await loadSettings();
  const target = typeof profile === "string" && profile.trim() ? profile.trim() : settings.profile;
  if (typeof text !== "string" || text.trim() === "") {
    return { ok: false, error: { kind: "invalid", message: "That file is empty." } };
  }
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_IMPORT_BYTES) {
    const size = (bytes / (1024 * 1024)).toFixed(1);
    return {
      ok: false,
      error: {
        kind: "invalid",
        message: `That file is ${size} MiB, over the server's 2 MiB for one request: import it with \`.venv/bin/papersieve import <file>\` instead.`,
      },
    };
  }
  const fmt = IMPORT_FORMATS.has(format) ? format : "auto";
  const path = `/profiles/${encodeURIComponent(target)}/import?format=${fmt}`;
  let reply;
  try {
    reply = await callServer(settings, "POST", path, new RawBody(text, "text/plain; charset=utf-8"), SCORE_TIMEOUT_MS);
  } catch (error) {
    return replyFor(error);
  }
  if (reply.imported > 0) await bumpRatingsVersion(); // the cached scores predate these ratings
  await saveConnection("ok");
  const whole = (value) => (Number.isInteger(value) && value >= 0 ? value : 0);
  const skipped = (Array.isArray(reply.skipped) ? reply.skipped : []).slice(0, MAX_SKIPPED_SHOWN).map((skip) => ({
    line: Number.isInteger(skip && skip.line) ? skip.line : null,
    entry: String((skip && skip.entry) || "").slice(0, 200),
    reason: String((skip && skip.reason) || "").slice(0, 300),
  }));
  return {
    ok: true,
    profile: target,
    format: typeof reply.format === "string" ? reply.format.slice(0, 20) : "",
    imported: whole(reply.imported),
    merged: whole(reply.merged),
    skipped,
    skippedCount: Math.max(whole(reply.skipped_count), skipped.length),
    ready: reply.ready === true,
    labels: cleanLabels(reply.labels),
  };
}

/** The onboarding page's intents (extension pages only); `updateSettings` is the worker's own. */
export function onboardingIntents({ updateSettings }) {
  return { checkServer, pairWithCode: pairWithCode(updateSettings), importLibrary };
}
