// The one scoring loop. A pass finds new cards (the site's adapter) and asks the worker for their
// scores; a reply re-marks its cards and the summary. One ask-again timer, driven by
// papersieve.retry's policy, covers both reasons to ask again: a failed ask (the next pass also
// rescores cards whose scores could not be refreshed) and provisional scores (then at the server's
// estimate of when they will be final, when the reply has one). Rescoring the whole
// page (after a rating or a settings change) asks for the cards in view first.
(() => {
  "use strict";
  const ns = (globalThis.papersieve ||= {});

  const PASS_DELAY_MS = 40; // late cards arriving together are found in one pass
  const RESCORE_DELAY_MS = 60; // storage changes arriving together cause one rescore

  /** The site adapter for this page's URL (papersieveAdapters, loaded before), or null. */
  function pickAdapter() {
    const adapters = Array.isArray(globalThis.papersieveAdapters) ? globalThis.papersieveAdapters : [];
    const matching = adapters.find((adapter) => {
      try {
        return adapter.matches(location.href);
      } catch {
        return false;
      }
    });
    return matching || null;
  }

  /**
   * `timed(label, work)` runs DOM work with the page watch paused (papersieve.createWatch);
   * `onScored()` runs after each reply is shown, and when the last vote on its way is in, but
   * never while a vote is on its way (papersieve.createReorder sorts then).
   */
  ns.createScoring = function createScoring({ cards, bars, summary, timed, onScored = () => {} }) {
    const { retry, worker, decide, text } = ns;
    const state = {
      active: false,
      adapter: null,
      meta: null, // {ready, labels, needed} from the latest score reply
      version: -1, // the ratings version the shown scores belong to
      votes: 0, // ratings on their way: no rescore until they are in
      rescoreWanted: false, // a rescore failed (server slow or away): retry it with the next pass
      retry: retry.initialRetry(),
    };
    const timers = { pass: null, again: null, rescore: null };

    /** Arm the ask-again timer; `hintMs`: the server's estimate for provisional scores (or null). */
    function scheduleAgain(hintMs = null) {
      if (timers.again !== null || !state.active) return;
      const { delay, state: next } = retry.nextAgain(state.retry, retry.POLICY, hintMs);
      state.retry = next;
      timers.again = setTimeout(() => {
        timers.again = null;
        runPass(true);
      }, delay);
    }

    /** After a reply: while some card on the page is provisional, ask again (retry.afterReply). */
    function refineLater(fresh, hintMs) {
      const waiting = cards.provisional(state.meta);
      const step = retry.afterReply(state.retry, { waiting: waiting.length, fresh, now: performance.now() });
      state.retry = step.state;
      if (step.restart) {
        clearTimeout(timers.again);
        timers.again = null;
      }
      if (step.rerender) timed("refine", () => waiting.forEach((record) => bars.render(record)));
      if (step.askAgain) scheduleAgain(hintMs);
    }

    /** Ask for these records' scores and mark them; false when the worker/server could not answer. */
    async function requestScores(records, urgent = false) {
      if (records.length === 0) return true;
      for (const record of records) record.asked = true;
      const reply = await worker.ask({ intent: "scorePapers", papers: records.map((r) => r.paper), urgent });
      if (!state.active) return false;
      if (!reply.ok) {
        for (const record of records) {
          if (!record.entry) record.asked = false;
          else state.rescoreWanted = true; // keep its old marks, rescore when the worker answers again
        }
        if (summary.shown) summary.setNotice(text.problemNotice(reply.error));
        scheduleAgain();
        return false;
      }
      if (reply.version < state.version) {
        // Scores from before a newer rating: drop them; cards still without a score ask again.
        for (const record of records) if (!record.entry) record.asked = false;
        schedulePass();
        return true;
      }
      state.version = reply.version;
      summary.clearProblem();
      state.meta = { ready: reply.ready, labels: reply.labels, needed: reply.needed };
      const byId = new Map(reply.scores.map((entry) => [entry.id, entry]));
      let fresh = false; // a card that was not provisional before is now
      timed("render", () => {
        for (const record of records) {
          const entry = byId.get(record.paper.id);
          if (entry) {
            if (decide.isProvisional(entry, state.meta) && !decide.isProvisional(record.entry, state.meta)) fresh = true;
            record.entry = entry;
          }
          if (record.entry) bars.render(record);
        }
        summary.render();
      });
      refineLater(fresh, typeof reply.refineAfterMs === "number" ? reply.refineAfterMs : null);
      if (state.votes === 0) onScored();
      return true;
    }

    /** Find and score new cards; `again` (the ask-again timer): also ask again for provisional scores. */
    function runPass(again = false) {
      timers.pass = null;
      if (!state.active) return;
      const adapter = pickAdapter();
      if (adapter !== state.adapter) {
        state.adapter = adapter;
        if (!adapter) {
          summary.remove();
          return;
        }
      }
      if (!state.adapter) return;
      const unscored = timed("discover", () => {
        const found = cards.discover(state.adapter);
        for (const record of found.known) bars.render(record);
        summary.reattach();
        return found.unscored;
      });
      if (unscored.length > 0) requestScores(unscored);
      if (state.rescoreWanted && state.votes === 0) {
        state.rescoreWanted = false;
        rescorePage(); // provisional scores included
      } else if (again && !state.retry.gaveUp) {
        const provisional = cards.provisional(state.meta);
        if (provisional.length > 0) requestScores(provisional);
      }
    }

    function schedulePass() {
      if (timers.pass === null && state.active) timers.pass = setTimeout(() => runPass(), PASS_DELAY_MS);
    }

    /** Score every card on the page again, the ones in view first (then `onVisible()`). */
    async function rescorePage(onVisible = () => {}) {
      const { visible, rest } = timed("rescore", cards.byVisibility);
      const ok = await requestScores(visible, true);
      onVisible();
      if (ok) await requestScores(rest);
    }

    function scheduleRescore() {
      clearTimeout(timers.rescore);
      timers.rescore = setTimeout(() => {
        timers.rescore = null;
        if (state.active && state.votes === 0) rescorePage();
      }, RESCORE_DELAY_MS);
    }

    /** Ratings changed elsewhere (another tab, the popup): rescore unless a vote here is under way. */
    function rescoreIfStale(version) {
      if (version !== state.version && state.votes === 0) scheduleRescore();
    }

    /** The tab became visible: a pending ask again runs now (timers are slowed in hidden tabs). */
    function wake() {
      if (timers.again === null) return;
      clearTimeout(timers.again);
      timers.again = null;
      runPass(true);
    }

    function start() {
      state.active = true;
      runPass();
    }

    function stop() {
      state.active = false;
      for (const key of Object.keys(timers)) {
        clearTimeout(timers[key]);
        timers[key] = null;
      }
      state.retry = retry.initialRetry();
      state.meta = null;
    }

    return {
      start,
      stop,
      schedulePass,
      rescorePage,
      rescoreIfStale,
      wake,
      /** A rating is kept for a server that is away: rescore the page once it answers again. */
      rescoreWhenBack() {
        state.rescoreWanted = true;
        scheduleAgain();
      },
      beginVote: () => (state.votes += 1),
      endVote() {
        state.votes -= 1;
        if (state.votes === 0 && state.active) onScored();
      },
      get active() {
        return state.active;
      },
      get adapter() {
        return state.adapter;
      },
      get meta() {
        return state.meta;
      },
      get gaveUp() {
        return state.retry.gaveUp;
      },
    };
  };
})();
