// The page's "scorePapers" intent: scores from chrome.storage's cache, else the server (several
// tabs' asks coalesced into one /score call). A provisional score is never final in the cache; the
// server's `refine_after_ms` goes to this call's caller only.

import { loadSettings, loadRatingsVersion, loadScoreCache, saveScoreCache, saveConnection } from "./storage.js";
import { callServer, ServerError, SCORE_TIMEOUT_MS } from "./server-client.js";
import { createScoreCoalescer } from "./score-coalescer.js";
import { cleanPapers, cleanScoreEntry, cleanLabels, cleanRefineAfter } from "./papers.js";
import { flushOutbox } from "./feedback-outbox.js";
import { failure } from "./connection.js";

const MAX_PAPERS_PER_REQUEST = 500;
const MAX_CACHED_SCORES = 5000;

async function fetchScores(settings, papers) {
  const reply = await callServer(
    settings,
    "POST",
    "/score",
    { profile: settings.profile, papers },
    SCORE_TIMEOUT_MS,
  );
  if (!Array.isArray(reply.scores)) throw new ServerError("bad_reply", "The server's /score reply has no scores.");
  const ready = reply.ready === true;
  const needed = Number.isInteger(reply.needed) && reply.needed > 0 ? reply.needed : 0;
  // refineAfterMs rides with the reply's meta to this call's caller only: it is never cached.
  return {
    meta: {
      ready,
      labels: cleanLabels(reply.labels),
      needed: ready ? 0 : needed,
      refineAfterMs: cleanRefineAfter(reply.refine_after_ms),
    },
    scores: reply.scores.filter((entry) => entry && typeof entry.id === "string").map(cleanScoreEntry),
  };
}

const scoreCoalescer = createScoreCoalescer({
  windowMs: 15,
  maxBatch: MAX_PAPERS_PER_REQUEST,
  fetchScores,
});

export async function scorePapers({ papers, urgent }) {
  const settings = await loadSettings();
  const wanted = cleanPapers(papers);
  try {
    await flushOutbox(settings);
    const version = await loadRatingsVersion();
    const cacheKey = `${settings.serverUrl}|${settings.profile}|${version}`;
    const cached = await loadScoreCache();
    const entries = cached && cached.key === cacheKey ? cached.entries : {};
    let meta = cached && cached.key === cacheKey ? cached.meta : null;
    let refineAfterMs = null; // the server's estimate for the provisional scores it just sent
    // A provisional score is kept only until it can be refined: asking for it again asks the server.
    const missing = wanted.filter((paper) => !(paper.id in entries) || entries[paper.id].provisional === true);
    if (missing.length > 0 || meta === null) {
      const asked = missing.length > 0 ? missing : wanted.slice(0, 1);
      const results = await scoreCoalescer.request(cacheKey, settings, asked, urgent === true);
      const latest = await loadScoreCache();
      const merged = latest && latest.key === cacheKey ? latest : { key: cacheKey, entries: {}, meta: null };
      if (Object.keys(merged.entries).length > MAX_CACHED_SCORES) merged.entries = {};
      for (const { entry } of results) if (entry) merged.entries[entry.id] = entry;
      for (const result of results) {
        const hint = result.meta.refineAfterMs;
        if (hint !== null && (refineAfterMs === null || hint > refineAfterMs)) refineAfterMs = hint;
      }
      if (results.length > 0) {
        const { ready, labels, needed } = results[results.length - 1].meta;
        meta = { ready, labels, needed };
      } else meta = merged.meta;
      merged.meta = meta;
      await saveScoreCache(merged);
      Object.assign(entries, merged.entries);
    }
    await saveConnection("ok");
    return {
      ok: true,
      version,
      ready: meta ? meta.ready : false,
      labels: meta ? meta.labels : { up: 0, down: 0 },
      needed: meta ? meta.needed : 0,
      scores: wanted.map((paper) => entries[paper.id]).filter(Boolean),
      ...(refineAfterMs !== null ? { refineAfterMs } : {}),
    };
  } catch (error) {
    return failure(error);
  }
}
