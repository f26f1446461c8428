// Coalesces /score requests from every tab: papers asked for within a short window go out as
// one request per context (server, profile, ratings version), ≤ maxBatch papers each, and a paper
// already on its way is not asked for twice. This object holds only promises in flight: if the
// worker is stopped they are dropped with it, the content script retries, and finished scores
// are already in the session cache (background/storage.js), so nothing is lost.

export function createScoreCoalescer({ windowMs, maxBatch, fetchScores }) {
  const contexts = new Map();

  const contextFor = (key, context) => {
    let state = contexts.get(key);
    if (!state) {
      state = { context, queued: new Map(), pending: new Map(), timer: null };
      contexts.set(key, state);
    }
    return state;
  };

  const send = async (key, state, batch) => {
    try {
      const reply = await fetchScores(state.context, batch.map((item) => item.paper));
      const byId = new Map(reply.scores.map((entry) => [entry.id, entry]));
      for (const item of batch) item.resolve({ meta: reply.meta, entry: byId.get(item.paper.id) || null });
    } catch (error) {
      for (const item of batch) item.reject(error);
    } finally {
      for (const item of batch) state.pending.delete(item.paper.id);
      if (state.pending.size === 0 && state.queued.size === 0) contexts.delete(key);
    }
  };

  const flush = (key) => {
    const state = contexts.get(key);
    if (!state) return;
    clearTimeout(state.timer);
    state.timer = null;
    const items = [...state.queued.values()];
    state.queued.clear();
    for (let start = 0; start < items.length; start += maxBatch) {
      send(key, state, items.slice(start, start + maxBatch));
    }
  };

  /**
   * Scores for these papers: resolves to [{meta, entry}] in the order asked. `urgent` (a rescore
   * right after a click) sends at the next turn of the event loop instead of after the window.
   */
  const request = (key, context, papers, urgent = false) => {
    const state = contextFor(key, context);
    const promises = papers.map((paper) => {
      const existing = state.pending.get(paper.id);
      if (existing) return existing;
      let resolve;
      let reject;
      const promise = new Promise((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      state.pending.set(paper.id, promise);
      state.queued.set(paper.id, { paper, resolve, reject });
      return promise;
    });
    if (state.queued.size >= maxBatch) flush(key);
    else if (state.queued.size > 0 && (state.timer === null || urgent)) {
      clearTimeout(state.timer);
      state.timer = setTimeout(() => flush(key), urgent ? 0 : windowMs);
    }
    return Promise.all(promises);
  };

  return { request };
}
