// Reader settings: defaults, validation and the loopback rule for the server URL.
// Pure functions only; storage access lives in background/storage.js.

export const SUPPORTED_SITES = Object.freeze([
  { host: "huggingface.co", label: "Hugging Face papers (daily, weekly, monthly, trending)" },
  { host: "arxiv.org", label: "arXiv listings (new, recent, past week) and search" },
]);

export const MODES = Object.freeze(["highlight", "dim", "hide"]);

export const DEFAULT_SETTINGS = Object.freeze({
  serverUrl: "http://127.0.0.1:8417",
  token: "",
  profile: "default",
  highlightAbove: 0.1, // scores are calibrated P(👍) on a page where ~5% matter: 10% is twice the odds
  dimBelow: 0.025, // half the base rate's odds: papers less than half as likely as a typical one
  mode: "dim",
  pausedSites: Object.freeze({}),
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
  const next = { ...DEFAULT_SETTINGS, ...current };
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
  if ("pausedSites" in update) {
    const paused = {};
    for (const [host, value] of Object.entries(update.pausedSites || {})) {
      if (typeof host === "string" && host.length <= 253 && value === true) paused[host] = true;
    }
    next.pausedSites = paused;
  }
  return { settings: next };
}

/** The site key a page's host falls under ("www.arxiv.org" → "arxiv.org"). */
export function siteKeyForHost(host) {
  const name = String(host || "").toLowerCase();
  const site = SUPPORTED_SITES.find((s) => name === s.host || name.endsWith(`.${s.host}`));
  return site ? site.host : name;
}
