// The one retry policy of the content script: every "ask again" delay lives in POLICY, and the
// page's one ask-again timer follows the pure state machine below. A failed ask (worker or server
// slow or away) is retried for as long as it takes; provisional scores (the server is still
// computing those papers' sentence embeddings) are asked for again during one refining round of
// refineForMs at most, and cards that turn provisional for the first time start a new round from
// the shortest delay. While the server says when its encoder will have the page's papers done
// (`refineAfterMs`), provisional scores are asked for again then instead, within its bounds.
// Pure (no timers, no DOM): papersieve.createScoring owns the timer and applies it.
(() => {
  "use strict";
  const ns = (globalThis.papersieve ||= {});

  const POLICY = Object.freeze({
    // One intent to the worker: a stopped worker drops the first message; pause after each miss.
    workerPausesMs: Object.freeze([150, 300, 450]),
    // The page's ask-again timer (failures and provisional scores): 1, 2, 4, 8, then every 15 s.
    againMs: Object.freeze([1000, 2000, 4000, 8000, 15000]),
    // The server's estimate is followed within these bounds (a reply is untrusted: never hammer it).
    hintMinMs: 500,
    hintMaxMs: 15000,
    refineForMs: 120000,
    // The page's display settings could not be read from the worker: read them again after this.
    settingsMs: 2000,
  });

  /** No ask-again scheduled yet and no refining round under way. */
  function initialRetry() {
    return Object.freeze({ count: 0, refineSince: null, gaveUp: false });
  }

  /**
   * The delay before the next ask again, and the state once it is scheduled. `hintMs`: the
   * server's estimate of when provisional scores will be final (a number, else ignored); it
   * replaces the back-off step, which then does not advance.
   */
  function nextAgain(state, policy = POLICY, hintMs = null) {
    if (typeof hintMs === "number" && Number.isFinite(hintMs)) {
      return { delay: Math.min(policy.hintMaxMs, Math.max(policy.hintMinMs, hintMs)), state };
    }
    const delays = policy.againMs;
    const delay = delays[Math.min(state.count, delays.length - 1)];
    return { delay, state: Object.freeze({ ...state, count: state.count + 1 }) };
  }

  /**
   * After a successful reply leaving `waiting` provisional cards on the page (`fresh`: some card
   * is provisional that was not before), at time `now` (ms). Returns the new state and what to do:
   * `restart` drops a pending ask-again timer, `askAgain` schedules one (nextAgain), `rerender`
   * re-marks the waiting cards (their tooltip's note changed: refining ↔ estimated only).
   */
  function afterReply(state, { waiting, fresh, now }, policy = POLICY) {
    if (waiting === 0) return { state: initialRetry(), restart: false, askAgain: false, rerender: false };
    let next = state;
    let restart = false;
    let rerender = false;
    if (fresh || state.refineSince === null) {
      next = Object.freeze({ count: 0, refineSince: now, gaveUp: false });
      restart = true;
      rerender = state.gaveUp;
    }
    if (now - next.refineSince < policy.refineForMs) return { state: next, restart, askAgain: true, rerender };
    if (!next.gaveUp) {
      return { state: Object.freeze({ ...next, gaveUp: true }), restart, askAgain: false, rerender: true };
    }
    return { state: next, restart, askAgain: false, rerender };
  }

  ns.retry = Object.freeze({ POLICY, initialRetry, nextAgain, afterReply });
})();
