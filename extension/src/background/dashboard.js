// The worker's side of the dashboard page (src/dashboard/): one intent per thing the page shows or
// changes. Like every intent, each reads the settings from chrome.storage and talks to the server
// through callServer; replies are checked and trimmed before the page sees them.

import { loadSettings, saveConnection } from "./storage.js";
import { callServer, ServerError, SCORE_TIMEOUT_MS } from "./server-client.js";
import { cleanLabels, cleanPaper } from "./papers.js";
import { queueRating, flushOutbox, entryKey } from "./feedback-outbox.js";

const PAGE_SIZES = new Set([25, 50, 100, 200]);
const MAX_QUERY = 200;
const EXPORT_FORMATS = new Set(["json", "csv"]);
// Calls that may wait for a model fit and its cross-validation: 5,000 ratings take ~20 s on 2 cores.
const MODEL_TIMEOUT_MS = 60000;

const profilePath = (name) => `/profiles/${encodeURIComponent(String(name || ""))}`;
const whole = (value) => (Number.isInteger(value) && value >= 0 ? value : 0);
const unit = (value) => (typeof value === "number" && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : null);
const text = (value, limit) => (typeof value === "string" ? value.slice(0, limit) : "");
const terms = (list) => (Array.isArray(list) ? list.filter((t) => typeof t === "string").slice(0, 30) : []);

async function replyFor(error) {
  if (!(error instanceof ServerError)) throw error;
  await saveConnection(error.kind, error.message);
  return { ok: false, error: error.toReply() };
}

/** Run one server call with the stored settings; `shape` turns its reply into the page's reply. */
async function withServer(call, shape) {
  const settings = await loadSettings();
  try {
    const reply = await call(settings);
    await saveConnection("ok");
    return { ok: true, active: settings.profile, ...shape(reply, settings) };
  } catch (error) {
    return replyFor(error);
  }
}

function cleanQuality(quality) {
  if (!quality || typeof quality !== "object") return null;
  const mean = unit(quality.mean);
  return mean === null ? null : { mean, std: unit(quality.std) ?? 0, folds: whole(quality.folds) };
}

/** GET /profiles/<p>: counts, model state and quality, top terms. */
function dashboardProfile({ profile }) {
  return withServer(
    (settings) => callServer(settings, "GET", profilePath(profile), undefined, MODEL_TIMEOUT_MS),
    (reply) => {
      const model = reply.model && typeof reply.model === "object" ? reply.model : {};
      const top = reply.top_terms && typeof reply.top_terms === "object" ? reply.top_terms : {};
      return {
        name: text(reply.name, 64),
        labels: cleanLabels(reply.labels),
        papersSeen: whole(reply.papers_seen),
        model: { ready: model.ready === true, trainedAt: text(model.trained_at, 40), quality: cleanQuality(model.quality) },
        terms: { for: terms(top.for), against: terms(top.against) },
      };
    },
  );
}

/** GET /profiles/<p>/history: ratings by day, and with `curve` (slow: it fits models) the
 * cross-validated quality and the learning curve. */
function dashboardHistory({ profile, curve }) {
  const path = `${profilePath(profile)}/history?curve=${curve === true}`;
  return withServer(
    (settings) => callServer(settings, "GET", path, undefined, curve === true ? MODEL_TIMEOUT_MS : SCORE_TIMEOUT_MS),
    (reply) => ({
      days: (Array.isArray(reply.days) ? reply.days : [])
        .filter((d) => d && typeof d.day === "string")
        .map((d) => ({ day: d.day.slice(0, 10), up: whole(d.up), down: whole(d.down), totalUp: whole(d.total_up), totalDown: whole(d.total_down) })),
      quality: cleanQuality(reply.quality),
      curve: (Array.isArray(reply.learning_curve) ? reply.learning_curve : [])
        .filter((p) => p && whole(p.labels) > 0 && unit(p.auc) !== null)
        .map((p) => ({ labels: p.labels, auc: unit(p.auc) })),
    }),
  );
}

/** GET /profiles/<p>/ratings: one page, searched by title and filtered by rating. */
function dashboardRatings({ profile, query, rating, limit, offset }) {
  const params = new URLSearchParams();
  params.set("limit", String(PAGE_SIZES.has(limit) ? limit : 50));
  params.set("offset", String(whole(offset)));
  const q = text(query, MAX_QUERY).trim();
  if (q) params.set("q", q);
  if (rating === 1 || rating === -1) params.set("rating", String(rating));
  return withServer(
    (settings) => callServer(settings, "GET", `${profilePath(profile)}/ratings?${params}`),
    (reply) => ({
      total: whole(reply.total),
      offset: whole(reply.offset),
      ratings: (Array.isArray(reply.ratings) ? reply.ratings : [])
        .map((r) => ({ paper: cleanPaper(r && r.paper), rating: r && r.rating === -1 ? -1 : 1, ratedAt: text(r && r.rated_at, 40) }))
        .filter((r) => r.paper),
    }),
  );
}

/** GET /profiles/<p>/suggest: seen, unrated papers whose rating would teach the model most. */
function dashboardSuggest({ profile, limit }) {
  const count = Number.isInteger(limit) && limit > 0 && limit <= 50 ? limit : 10;
  return withServer(
    (settings) => callServer(settings, "GET", `${profilePath(profile)}/suggest?limit=${count}`, undefined, MODEL_TIMEOUT_MS),
    (reply) => ({
      ready: reply.ready === true,
      papers: (Array.isArray(reply.papers) ? reply.papers : [])
        .map((s) => ({ paper: cleanPaper(s && s.paper), score: unit(s && s.score) }))
        .filter((s) => s.paper),
    }),
  );
}

/** 👍 (1), 👎 (-1) or undo (0) a paper in a named profile, through the outbox like a page's vote. */
async function dashboardRate({ profile, paper: rawPaper, rating }) {
  const settings = await loadSettings();
  const paper = cleanPaper(rawPaper);
  const name = text(profile, 64).trim();
  if (!paper || !name || ![1, -1, 0].includes(rating)) {
    return { ok: false, error: { kind: "invalid", message: "A rating needs a profile, a paper and 1, -1 or 0." } };
  }
  await queueRating(name, paper, rating);
  try {
    const { replies } = await flushOutbox(settings);
    const reply = replies[entryKey(name, paper.id)];
    if (reply && reply.error) return { ok: false, error: reply.error };
    await saveConnection("ok");
    return { ok: true, labels: reply && reply.labels ? cleanLabels(reply.labels) : null };
  } catch (error) {
    return { ...(await replyFor(error)), queued: true };
  }
}

/** GET /profiles/<p>/export as a file's text (JSON or CSV) for the page to save. */
function dashboardExport({ profile, format }) {
  const fmt = EXPORT_FORMATS.has(format) ? format : "json";
  return withServer(
    (settings) =>
      callServer(settings, "GET", `${profilePath(profile)}/export?format=${fmt}`, undefined, SCORE_TIMEOUT_MS, "text"),
    (reply) => ({ format: fmt, text: reply.text, contentType: fmt === "csv" ? "text/csv" : "application/json" }),
  );
}

/** The profile-management intents need the worker's own settings update (the active profile). */
export function dashboardIntents({ updateSettings }) {
  async function renameProfile({ from, to }) {
    const settings = await loadSettings();
    const oldName = text(from, 64).trim();
    const newName = text(to, 64).trim();
    if (!oldName || !newName) return { ok: false, error: { kind: "invalid", message: "Give the profile a new name." } };
    try {
      await callServer(settings, "POST", `${profilePath(oldName)}/rename`, { name: newName });
    } catch (error) {
      return replyFor(error);
    }
    if (settings.profile === oldName) await updateSettings({ profile: newName });
    return { ok: true, name: newName };
  }

  async function deleteProfile({ name }) {
    const settings = await loadSettings();
    const profile = text(name, 64).trim();
    try {
      await callServer(settings, "DELETE", profilePath(profile));
    } catch (error) {
      return replyFor(error);
    }
    if (settings.profile === profile) await updateSettings({ profile: "default" });
    return { ok: true, deleted: profile };
  }

  return {
    dashboardProfile,
    dashboardHistory,
    dashboardRatings,
    dashboardSuggest,
    dashboardRate,
    dashboardExport,
    renameProfile,
    deleteProfile,
  };
}
