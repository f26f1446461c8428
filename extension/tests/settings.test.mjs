import { test } from "node:test";
import assert from "node:assert/strict";
import {
  applySettingsUpdate,
  DEFAULT_SETTINGS,
  migrateSettings,
  normalizeServerUrl,
  SETTINGS_VERSION,
  siteKeyForHost,
} from "../src/shared/settings.js";
import { cleanPapers, cleanScoreEntry } from "../src/background/papers.js";

test("only this machine's server is accepted", () => {
  assert.deepEqual(normalizeServerUrl("http://127.0.0.1:8417/"), { value: "http://127.0.0.1:8417" });
  assert.deepEqual(normalizeServerUrl(" http://localhost:9000 "), { value: "http://localhost:9000" });
  for (const bad of [
    "http://example.com:8417",
    "https://127.0.0.1:8417",
    "http://127.0.0.1.example.com",
    "http://user:pw@127.0.0.1:8417",
    "http://127.0.0.1:8417/api",
    "http://10.0.0.1:8417",
    "not a url",
  ]) {
    assert.ok(normalizeServerUrl(bad).error, bad);
  }
});

test("settings updates are validated and merged over the defaults", () => {
  const { settings } = applySettingsUpdate({}, { highlightAbove: 0.8, dimBelow: 0.2, mode: "hide" });
  assert.equal(settings.mode, "hide");
  assert.equal(settings.serverUrl, DEFAULT_SETTINGS.serverUrl);
  assert.match(applySettingsUpdate({}, { dimBelow: 0.9 }).error, /below the highlight/);
  assert.match(applySettingsUpdate({}, { mode: "explode" }).error, /Mode/);
  assert.match(applySettingsUpdate({}, { token: "has spaces in it" }).error, /token/);
  assert.deepEqual(applySettingsUpdate({}, { pausedSites: { "arxiv.org": true, x: "yes" } }).settings.pausedSites, {
    "arxiv.org": true,
  });
});

test("site keys group a site's hosts", () => {
  assert.equal(siteKeyForHost("www.arxiv.org"), "arxiv.org");
  assert.equal(siteKeyForHost("huggingface.co"), "huggingface.co");
  assert.equal(siteKeyForHost("example.org"), "example.org");
});

test("papers from pages are bounded and de-duplicated; server entries are type-checked", () => {
  const papers = cleanPapers([
    { id: "1", title: "x".repeat(5000), abstract: 7 },
    { id: "1", title: "again" },
    { id: "" },
    null,
  ]);
  assert.equal(papers.length, 1);
  assert.equal(papers[0].title.length, 2000);
  assert.equal(papers[0].abstract, "");
  const entry = cleanScoreEntry({ id: "1", score: "0.5", reasons: ["a", 3, "b"], rating: 2 });
  assert.deepEqual(entry, { id: "1", score: null, reasons: ["a", "b"], reasonsAgainst: [], rating: null });
});

test("a score is provisional only when the server says exactly true", () => {
  const base = { id: "1", score: 0.2, reasons: [], reasons_against: [], rating: null };
  assert.equal(cleanScoreEntry({ ...base, provisional: true }).provisional, true);
  for (const provisional of [false, "true", 1, null, undefined, {}, [true]]) {
    assert.equal(cleanScoreEntry({ ...base, provisional }).provisional, undefined, String(provisional));
  }
  assert.equal("provisional" in cleanScoreEntry(base), false); // servers without the field: final
});

test("words_share is kept only as a number between 0 and 1", () => {
  const base = { id: "1", score: 0.5, reasons: [], rating: null };
  assert.equal(cleanScoreEntry({ ...base, words_share: 0.4 }).wordsShare, 0.4);
  for (const words_share of [1.5, -0.1, "0.4", null, Number.NaN]) {
    assert.equal("wordsShare" in cleanScoreEntry({ ...base, words_share }), false, String(words_share));
  }
});

test("settings stored without a version (papersieve 0.1.0) migrate to the current shape, values kept", () => {
  const v0 = {
    serverUrl: "http://localhost:9000",
    token: "abc123",
    profile: "reading-group",
    highlightAbove: 0.7,
    dimBelow: 0.3,
    mode: "hide",
    pausedSites: { "arxiv.org": true },
  };
  const migrated = migrateSettings(v0);
  assert.deepEqual(migrated, { ...v0, sortedSites: {}, version: SETTINGS_VERSION });
  assert.deepEqual(Object.keys(migrated).sort(), Object.keys(DEFAULT_SETTINGS).sort());
  assert.deepEqual(migrateSettings(migrated), migrated); // current settings pass unchanged
  assert.deepEqual(migrateSettings(structuredClone(v0)), migrated); // deterministic
  assert.equal(SETTINGS_VERSION, 2);
  assert.equal(DEFAULT_SETTINGS.version, SETTINGS_VERSION);
});

test("version-1 settings migrate to version 2: sortedSites added (no site sorted), the rest kept", () => {
  const v1 = {
    version: 1,
    serverUrl: "http://127.0.0.1:8417",
    token: "t0k",
    profile: "p",
    highlightAbove: 0.2,
    dimBelow: 0.05,
    mode: "dim",
    pausedSites: { "huggingface.co": true },
  };
  const migrated = migrateSettings(v1);
  assert.deepEqual(migrated, { ...v1, version: 2, sortedSites: {} });
  // A version-1 object that somehow holds sortedSites starts unsorted too (the step sets it).
  assert.deepEqual(migrateSettings({ ...v1, sortedSites: { "arxiv.org": true } }).sortedSites, {});
  // Version 2 keeps the reader's choice; damaged entries are dropped as for pausedSites.
  const v2 = migrateSettings({ ...v1, version: 2, sortedSites: { "arxiv.org": true, "x.org": "yes" } });
  assert.deepEqual(v2.sortedSites, { "arxiv.org": true });
  const { settings } = applySettingsUpdate(v2, { sortedSites: { "huggingface.co": true, bad: 1 } });
  assert.deepEqual(settings.sortedSites, { "huggingface.co": true });
  assert.deepEqual(settings.pausedSites, { "huggingface.co": true });
});

test("missing, partial or damaged stored settings migrate field by field over the defaults", () => {
  for (const nothing of [undefined, null, "settings", 7, [], [{ token: "x" }]]) {
    assert.deepEqual(migrateSettings(nothing), DEFAULT_SETTINGS, String(nothing));
  }
  assert.deepEqual(migrateSettings({ token: "t0k" }), { ...DEFAULT_SETTINGS, token: "t0k" });
  // The harness and older builds may leave out the display fields: those take the defaults.
  assert.deepEqual(migrateSettings({ profile: "p", highlightAbove: 0.5 }), {
    ...DEFAULT_SETTINGS,
    profile: "p",
    highlightAbove: 0.5,
  });
  const damaged = migrateSettings({
    serverUrl: "http://example.com:8417", // not loopback
    token: null,
    profile: "",
    highlightAbove: 0.2,
    dimBelow: 0.4, // above the highlight threshold: both thresholds default
    mode: "explode",
    pausedSites: { "arxiv.org": "yes", "huggingface.co": true },
    extra: "dropped",
    version: "1",
  });
  assert.deepEqual(damaged, { ...DEFAULT_SETTINGS, pausedSites: { "huggingface.co": true } });
  assert.equal(migrateSettings({ highlightAbove: "0.5" }).highlightAbove, DEFAULT_SETTINGS.highlightAbove);
  assert.equal(migrateSettings({ highlightAbove: 3, dimBelow: 0.5 }).highlightAbove, 1); // clamped as on save
});

test("settings from a newer version are read as the current one; saved settings carry the version", () => {
  const newer = migrateSettings({ version: SETTINGS_VERSION + 1, profile: "p", futureField: [1] });
  assert.deepEqual(newer, { ...DEFAULT_SETTINGS, profile: "p" });
  const { settings } = applySettingsUpdate({ token: "abc" }, { mode: "hide", version: 99 });
  assert.equal(settings.version, SETTINGS_VERSION);
  assert.equal(settings.token, "abc");
});
