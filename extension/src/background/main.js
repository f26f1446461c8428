// The background worker: the only part of the extension that talks HTTP. Pages, the popup, the options
// and onboarding pages send it named intents (never URLs); it answers from chrome.storage and the
// papersieve server. It keeps no state in globals: it may be stopped between any two messages.

import { applySettingsUpdate, siteKeyForHost, SUPPORTED_SITES, normalizeServerUrl } from "../shared/settings.js";
import {
  loadSettings,
  saveSettings,
  loadRatingsVersion,
  bumpRatingsVersion,
  saveConnection,
  loadConnection,
} from "./storage.js";
import { callServer, ServerError } from "./server-client.js";
import { cleanPaper, cleanLabels } from "./papers.js";
import { failure } from "./connection.js";
import { scorePapers } from "./score-intent.js";
import { queueRating, flushOutbox, outboxSize, entryKey } from "./feedback-outbox.js";
import { onboardingIntents, openOnboardingOnInstall } from "./onboarding.js";
import { dashboardIntents } from "./dashboard.js";
import { ruleIntents } from "./rules.js";

const ext = globalThis.browser ?? globalThis.chrome;

async function recordRating(rawPaper, rating) {
  const settings = await loadSettings();
  const paper = cleanPaper(rawPaper);
  if (!paper) return { ok: false, error: { kind: "invalid", message: "That card has no paper id." } };
  await queueRating(settings.profile, paper, rating);
  try {
    const { replies } = await flushOutbox(settings);
    const reply = replies[entryKey(settings.profile, paper.id)];
    if (reply && reply.error) return { ok: false, error: reply.error };
    await saveConnection("ok");
    return {
      ok: true,
      version: await loadRatingsVersion(),
      labels: reply && reply.labels ? cleanLabels(reply.labels) : null,
      ready: reply && typeof reply.ready === "boolean" ? reply.ready : null,
    };
  } catch (error) {
    const reply = await failure(error);
    return { ...reply, queued: true };
  }
}

async function sendFeedback({ paper, rating }) {
  if (rating !== 1 && rating !== -1) {
    return { ok: false, error: { kind: "invalid", message: "A rating is 1 (👍) or -1 (👎)." } };
  }
  return recordRating(paper, rating);
}

async function undoFeedback({ paper }) {
  return recordRating(paper, 0);
}

async function getPageSettings({ host }) {
  const settings = await loadSettings();
  return {
    ok: true,
    paused: settings.pausedSites[siteKeyForHost(host)] === true,
    sorted: settings.sortedSites[siteKeyForHost(host)] === true,
    highlightAbove: settings.highlightAbove,
    dimBelow: settings.dimBelow,
    mode: settings.mode,
    version: await loadRatingsVersion(),
  };
}

async function listProfiles() {
  const settings = await loadSettings();
  try {
    const reply = await callServer(settings, "GET", "/profiles");
    const profiles = (Array.isArray(reply.profiles) ? reply.profiles : [])
      .filter((p) => p && typeof p.name === "string")
      .map((p) => ({ name: p.name, labels: cleanLabels(p.labels) }));
    await saveConnection("ok");
    return { ok: true, active: settings.profile, profiles };
  } catch (error) {
    return failure(error);
  }
}

async function getStatus() {
  const settings = await loadSettings();
  const base = {
    serverUrl: settings.serverUrl,
    profile: settings.profile,
    hasToken: Boolean(settings.token),
    waitingRatings: await outboxSize(),
  };
  try {
    await callServer(settings, "GET", "/health");
    if (base.waitingRatings > 0) await flushOutbox(settings);
  } catch (error) {
    const reply = await failure(error);
    return { ...reply, ...base };
  }
  const profiles = await listProfiles();
  return { ...profiles, ...base, waitingRatings: await outboxSize(), connection: await loadConnection() };
}

async function createProfile({ name }) {
  const settings = await loadSettings();
  const profileName = String(name || "").trim();
  if (!profileName) return { ok: false, error: { kind: "invalid", message: "Give the new profile a name." } };
  try {
    await callServer(settings, "POST", "/profiles", { name: profileName });
  } catch (error) {
    return failure(error);
  }
  return setActiveProfile({ name: profileName });
}

async function updateSettings(update) {
  const current = await loadSettings();
  const result = applySettingsUpdate(current, update);
  if (result.error) return { ok: false, error: { kind: "invalid", message: result.error } };
  await saveSettings(result.settings);
  const scoresChange = ["serverUrl", "token", "profile"].some((key) => current[key] !== result.settings[key]);
  if (scoresChange) await bumpRatingsVersion();
  return { ok: true, settings: result.settings };
}

async function setActiveProfile({ name }) {
  return updateSettings({ profile: name });
}

async function setSitePaused({ host, paused }) {
  const settings = await loadSettings();
  const site = siteKeyForHost(host);
  const pausedSites = { ...settings.pausedSites };
  if (paused) pausedSites[site] = true;
  else delete pausedSites[site];
  return updateSettings({ pausedSites });
}

async function setSiteSorted({ host, sorted }) {
  const settings = await loadSettings();
  const site = siteKeyForHost(host);
  const sortedSites = { ...settings.sortedSites };
  if (sorted) sortedSites[site] = true;
  else delete sortedSites[site];
  return updateSettings({ sortedSites });
}

async function getSettings() {
  return { ok: true, settings: await loadSettings(), sites: SUPPORTED_SITES };
}

async function saveSettingsIntent({ update }) {
  return updateSettings(update && typeof update === "object" ? update : {});
}

async function checkToken({ serverUrl, token }) {
  const url = normalizeServerUrl(serverUrl);
  if (url.error) return { ok: false, error: { kind: "invalid", message: url.error } };
  const candidate = { serverUrl: url.value, token: String(token || "").trim() };
  try {
    await callServer(candidate, "GET", "/health");
    const reply = await callServer(candidate, "GET", "/profiles");
    const count = Array.isArray(reply.profiles) ? reply.profiles.length : 0;
    return { ok: true, message: `Connected to ${url.value}: the token works (${count} profile(s)).` };
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    return { ok: false, error: error.toReply() };
  }
}

// Content scripts may only ask for these; everything else needs an extension page.
const PAGE_INTENTS = { scorePapers, sendFeedback, undoFeedback, getPageSettings };
const EXTENSION_PAGE_INTENTS = {
  getStatus,
  listProfiles,
  createProfile,
  setActiveProfile,
  setSitePaused,
  setSiteSorted,
  getSettings,
  saveSettings: saveSettingsIntent,
  checkToken,
  ...onboardingIntents({ updateSettings }),
  ...dashboardIntents({ updateSettings }),
  ...ruleIntents,
};

const fromExtensionPage = (sender) =>
  typeof sender.url === "string" && sender.url.startsWith(ext.runtime.getURL(""));

function handlerFor(message, sender) {
  if (!message || typeof message.intent !== "string" || sender.id !== ext.runtime.id) return null;
  if (Object.hasOwn(PAGE_INTENTS, message.intent)) return PAGE_INTENTS[message.intent];
  if (fromExtensionPage(sender) && Object.hasOwn(EXTENSION_PAGE_INTENTS, message.intent)) {
    return EXTENSION_PAGE_INTENTS[message.intent];
  }
  return null;
}

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const handler = handlerFor(message, sender);
  if (!handler) return false;
  handler(message, sender).then(sendResponse, (error) =>
    sendResponse({ ok: false, error: { kind: "internal", message: `papersieve failed: ${error.message}` } }),
  );
  return true;
});

async function deliverWaitingRatings() {
  try {
    await flushOutbox(await loadSettings());
  } catch (error) {
    await failure(error);
  }
}

ext.runtime.onStartup.addListener(deliverWaitingRatings);
ext.runtime.onInstalled.addListener(deliverWaitingRatings);
ext.runtime.onInstalled.addListener(openOnboardingOnInstall);
