// 👍 / 👎 on a card: the button shows the new rating at once, the worker stores and sends it, then
// the page is rescored (cards in view first). A second click on the same button undoes the rating.
// If the worker refuses it, the old rating is shown again with the reason in the summary; if it keeps
// it for a server that is away, the page is rescored once the server answers again.
(() => {
  "use strict";
  const ns = (globalThis.papersieve ||= {});

  ns.createVoting = function createVoting({ scoring, bars, summary, timed }) {
    const { worker, text } = ns;

    async function vote(record, rating) {
      if (record.voting) return;
      const start = performance.now();
      const previous = record.entry ? record.entry.rating : null;
      const next = previous === rating ? null : rating;
      record.voting = true;
      scoring.beginVote();
      bars.setBusy(record, true);
      const base = record.entry || { id: record.paper.id, score: null, reasons: [], reasonsAgainst: [] };
      record.entry = { ...base, rating: next };
      timed("vote", () => bars.render(record));
      const reply = await worker.ask(
        next === null
          ? { intent: "undoFeedback", paper: record.paper }
          : { intent: "sendFeedback", paper: record.paper, rating: next },
      );
      try {
        if (!scoring.active) return;
        if (reply.ok) {
          summary.setNotice("");
          await scoring.rescorePage(() =>
            performance.measure("papersieve:vote-to-remark", { start, end: performance.now() }),
          );
          performance.measure("papersieve:vote-to-remark-all", { start, end: performance.now() });
        } else if (reply.queued) {
          summary.setNotice(text.RATING_QUEUED);
          scoring.rescoreWhenBack(); // the ask-again timer rescores this page once the server answers
        } else {
          record.entry = { ...record.entry, rating: previous };
          timed("vote", () => bars.render(record));
          summary.setNotice(text.ratingNotSaved(reply.error.message));
        }
      } finally {
        record.voting = false;
        scoring.endVote();
        bars.setBusy(record, false);
      }
    }

    return { vote };
  };
})();
