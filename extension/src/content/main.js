// papersieve's content script, entry point (loaded last, after the site adapters and the other
// src/content/ modules, which all hang off globalThis.papersieve). Wires the modules together,
// reads the reader's display settings from the worker, starts or stops marking the page (paused
// sites) and sorting it (sorted sites), and listens for settings and rating changes, the popup's
// count request and tab wake-ups.
(() => {
  "use strict";
  const ns = globalThis.papersieve;
  const ext = globalThis.browser ?? globalThis.chrome;

  let display = null; // {highlightAbove, dimBelow, mode}
  let scoring = null;
  let voting = null;
  const watch = ns.createWatch({ onForeign: () => scoring.schedulePass() });
  const cards = ns.createCards();
  const reorder = ns.createReorder({
    cards,
    adapter: () => scoring.adapter,
    meta: () => scoring.meta,
    gaveUp: () => scoring.gaveUp,
    timed: watch.timed,
    onChange: () => watch.timed("reorder", () => summary.render()),
  });
  const summary = ns.createSummary({
    meta: () => scoring.meta,
    counts: cards.counts,
    onToggle: () => watch.timed("reveal", renderAll),
    controls: [reorder.control],
  });
  const bars = ns.createBars({
    look: () => ({ meta: scoring.meta, display, gaveUp: scoring.gaveUp, revealHidden: summary.revealHidden }),
    onVote: (record, rating) => voting.vote(record, rating),
  });
  scoring = ns.createScoring({ cards, bars, summary, timed: watch.timed, onScored: reorder.afterScores });
  voting = ns.createVoting({ scoring, bars, summary, timed: watch.timed });

  function renderAll() {
    for (const record of cards.all()) bars.render(record);
    summary.render();
  }

  function start() {
    if (scoring.active) return;
    watch.start();
    scoring.start();
  }

  /** Take every mark off the page and forget its cards (the site was paused). */
  function stop() {
    watch.stop();
    scoring.stop();
    reorder.reset();
    cards.clear(bars.unmark);
    summary.remove(true);
  }

  async function loadDisplay() {
    const reply = await ns.worker.ask({ intent: "getPageSettings", host: location.hostname });
    if (!reply.ok) {
      setTimeout(() => {
        if (ns.worker.alive()) loadDisplay();
      }, ns.retry.POLICY.settingsMs);
      return;
    }
    const previous = display;
    display = { highlightAbove: reply.highlightAbove, dimBelow: reply.dimBelow, mode: reply.mode };
    reorder.setWanted(reply.sorted === true);
    if (reply.paused) {
      stop();
      return;
    }
    if (!scoring.active) {
      start();
      return;
    }
    if (previous && JSON.stringify(previous) !== JSON.stringify(display)) watch.timed("settings", renderAll);
    scoring.rescoreIfStale(reply.version);
  }

  ext.storage.onChanged.addListener((changes, area) => {
    if (area !== "local") return;
    if (changes.settings) loadDisplay();
    else if (changes.ratingsVersion && scoring.active) scoring.rescoreIfStale(changes.ratingsVersion.newValue);
  });

  ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== ext.runtime.id || !message || message.intent !== "getPageCounts") return false;
    const meta = scoring.meta;
    sendResponse({
      ok: true,
      site: scoring.adapter ? scoring.adapter.name : null,
      host: location.hostname,
      active: scoring.active,
      ready: meta ? meta.ready : null,
      needed: meta ? meta.needed : null,
      ...cards.counts(),
    });
    return false;
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") scoring.wake();
  });

  loadDisplay();
})();
