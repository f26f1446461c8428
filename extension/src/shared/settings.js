// Reader settings: defaults, validation, the loopback rule for the server URL, and the schema
// version with the migration of older stored settings. Pure functions only; storage access lives
// in background/storage.js (which migrates whatever it reads).

export const SUPPORTED_SITES = Object.freeze([
  { host: "huggingface.co", label: "Hugging Face papers (daily, weekly, monthly, trending)" },
  { host: "arxiv.org", label: "arXiv listings (new, recent, past week) and search" },
]);

export const MODES = Object.freeze(["highlight", "dim", "hide"]);

/** The settings' schema version: stored with them, raised with each change of their shape. */
export const SETTINGS_VERSION = 2;

export const DEFAULT_SETTINGS = Object.freeze({
  version: SETTINGS_VERSION,
  serverUrl: "http://127.0.0.1:8417",
  token: "",
  profile: "default",
  highlightAbove: 0.1, // scores are calibrated P(👍) on a page where ~5% matter: 10% is twice the odds
  dimBelow: 0.025, // half the base rate's odds: papers less than half as likely as a typical one
  mode: "dim",
  pausedSites: Object.freeze({}),
  sortedSites: Object.freeze({}), // sites whose digest pages are sorted by score (version 2)
});

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost"]);

/** The server URL reduced to "http://host:port", or an error message if it is not loopback. */
export function normalizeServerUrl(text) {
  let url;
  try {
    url = new URL(String(text).trim());
  } catch {
    return { error: "Not a URL. Use e.g. http://127.0.0.1:8417" };
  }
  if (url.protocol !== "http:") return { error: "Use http:// (the server only listens on this machine)." };
  if (!LOOPBACK_HOSTS.has(url.hostname)) {
    return { error: "Only this machine's server is allowed: http://127.0.0.1:<port> or http://localhost:<port>." };
  }
  if (url.username || url.password) return { error: "The server URL must not contain a user name or password." };
  if (url.pathname !== "/" || url.search || url.hash) {
    return { error: "Give the server's address only, without a path (e.g. http://127.0.0.1:8417)." };
  }
  return { value: url.origin };
}

const clampUnit = (value) => Math.min(1, Math.max(0, Number(value)));

/** Merge a partial update into settings; returns {settings} or {error} with the first problem. */
export function applySettingsUpdate(current, update) {
  const next = { ...DEFAULT_SETTINGS, ...current, version: SETTINGS_VERSION };
  if ("serverUrl" in update) {
    const url = normalizeServerUrl(update.serverUrl);
    if (url.error) return { error: url.error };
    next.serverUrl = url.value;
  }
  if ("token" in update) {
    const token = String(update.token).trim();
    if (token.length > 512 || /\s/.test(token)) return { error: "That does not look like a papersieve token." };
    next.token = token;
  }
  if ("profile" in update) {
    const profile = String(update.profile).trim();
    if (!profile || profile.length > 64) return { error: "Profile names are 1 to 64 characters." };
    next.profile = profile;
  }
  for (const key of ["highlightAbove", "dimBelow"]) {
    if (key in update) {
      if (!Number.isFinite(Number(update[key]))) return { error: "Thresholds are numbers between 0 and 1." };
      next[key] = clampUnit(update[key]);
    }
  }
  if (next.dimBelow >= next.highlightAbove) {
    return { error: "The dim/hide threshold must be below the highlight threshold." };
  }
  if ("mode" in update) {
    if (!MODES.includes(update.mode)) return { error: `Mode must be one of: ${MODES.join(", ")}.` };
    next.mode = update.mode;
  }
  for (const key of ["pausedSites", "sortedSites"]) {
    if (key in update) next[key] = siteSet(update[key]);
  }
  return { settings: next };
}

/** A per-site switch ({host: true}) with anything else dropped. */
function siteSet(value) {
  const chosen = {};
  for (const [host, on] of Object.entries(value || {})) {
    if (typeof host === "string" && host.length <= 253 && on === true) chosen[host] = true;
  }
  return chosen;
}

/** The site key a page's host falls under ("www.arxiv.org" → "arxiv.org"). */
export function siteKeyForHost(host) {
  const name = String(host || "").toLowerCase();
  const site = SUPPORTED_SITES.find((s) => name === s.host || name.endsWith(`.${s.host}`));
  return site ? site.host : name;
}

// One step per schema version: MIGRATIONS[n] turns a version-n object into a version-(n + 1) one.
// Version 0 is any object stored without a version (papersieve 0.1.0): it has version 1's fields.
const MIGRATIONS = Object.freeze({
  0: (stored) => ({ ...stored, version: 1 }),
  // Version 2 adds sortedSites (sort a site's pages by score): no site sorted, as before.
  1: (stored) => ({ ...stored, sortedSites: {}, version: 2 }),
});

const isPlainObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

// Each stored field's type; the two thresholds are checked together (dimBelow < highlightAbove).
const FIELD_GROUPS = Object.freeze([
  { serverUrl: "string" },
  { token: "string" },
  { profile: "string" },
  { highlightAbove: "number", dimBelow: "number" },
  { mode: "string" },
  { pausedSites: "object" },
  { sortedSites: "object" },
]);

const hasType = (value, type) => (type === "object" ? isPlainObject(value) : typeof value === type);

/** Stored fields that pass applySettingsUpdate's checks, over the defaults; unknown fields dropped. */
function currentShape(stored) {
  let settings = { ...DEFAULT_SETTINGS };
  for (const group of FIELD_GROUPS) {
    const keys = Object.keys(group).filter((key) => key in stored);
    if (keys.length === 0 || !keys.every((key) => hasType(stored[key], group[key]))) continue;
    const result = applySettingsUpdate(settings, Object.fromEntries(keys.map((key) => [key, stored[key]])));
    if (result.settings) settings = result.settings; // an invalid value keeps its default
  }
  return settings;
}

/**
 * Whatever chrome.storage holds under "settings" (any version, or anything else) as settings of
 * the current shape and SETTINGS_VERSION. Deterministic: older versions go through MIGRATIONS
 * step by step; then every field is checked as an update would be (an invalid value, or a
 * threshold pair out of order, falls back to the defaults) and unknown fields are dropped. An
 * object from a newer version is read as the current one.
 */
export function migrateSettings(stored) {
  let settings = isPlainObject(stored) ? { ...stored } : {};
  const stated = settings.version;
  let version = Number.isInteger(stated) && stated >= 0 ? Math.min(stated, SETTINGS_VERSION) : 0;
  while (version < SETTINGS_VERSION) {
    settings = MIGRATIONS[version](settings);
    version += 1;
  }
  return currentShape(settings);
}
