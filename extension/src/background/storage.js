// Everything the worker must remember lives here, in chrome.storage (the worker itself is
// stopped whenever idle, so module globals would be lost):
//   storage.local   settings, ratingsVersion, feedbackOutbox (ratings not yet on the server)
//   storage.session scoreCache (scores for the current server/profile/ratings version), connection

import { migrateSettings } from "../shared/settings.js";

const ext = globalThis.browser ?? globalThis.chrome;

/** The stored settings in the current shape (migrated on read; written back on the next save). */
export async function loadSettings() {
  const { settings } = await ext.storage.local.get("settings");
  return migrateSettings(settings);
}

export async function saveSettings(settings) {
  await ext.storage.local.set({ settings });
}

/** Bumped whenever scores may have changed (a rating, a profile switch, another server). */
export async function loadRatingsVersion() {
  const { ratingsVersion } = await ext.storage.local.get("ratingsVersion");
  return Number.isInteger(ratingsVersion) ? ratingsVersion : 0;
}

export async function bumpRatingsVersion() {
  const version = (await loadRatingsVersion()) + 1;
  await ext.storage.local.set({ ratingsVersion: version });
  return version;
}

export async function loadOutbox() {
  const { feedbackOutbox } = await ext.storage.local.get("feedbackOutbox");
  return feedbackOutbox && typeof feedbackOutbox === "object" ? feedbackOutbox : {};
}

export async function saveOutbox(outbox) {
  await ext.storage.local.set({ feedbackOutbox: outbox });
}

export async function loadScoreCache() {
  const { scoreCache } = await ext.storage.session.get("scoreCache");
  return scoreCache || null;
}

export async function saveScoreCache(scoreCache) {
  await ext.storage.session.set({ scoreCache });
}

export async function saveConnection(state, message = "") {
  await ext.storage.session.set({ connection: { state, message, at: Date.now() } });
}

export async function loadConnection() {
  const { connection } = await ext.storage.session.get("connection");
  return connection || { state: "unknown", message: "", at: 0 };
}
