// The content script's pure parts (src/content/decide.js, text.js, retry.js): classic scripts that
// hang their functions off globalThis.papersieve, imported here in the manifest's order.
import { test } from "node:test";
import assert from "node:assert/strict";
import "../src/content/decide.js";
import "../src/content/text.js";
import "../src/content/retry.js";

const { decide, text, retry } = globalThis.papersieve;
const READY = Object.freeze({ ready: true, labels: { up: 3, down: 2 }, needed: 0 });
const DISPLAY = Object.freeze({ highlightAbove: 0.1, dimBelow: 0.025, mode: "dim" });
const entry = (score, extra = {}) => ({ id: "1", score, reasons: [], reasonsAgainst: [], rating: null, ...extra });

test("a card's mark follows its score against the thresholds and the mode", () => {
  assert.equal(decide.verdictFor(entry(0.1), READY, DISPLAY), "high"); // at the threshold: high
  assert.equal(decide.verdictFor(entry(0.05), READY, DISPLAY), "plain");
  assert.equal(decide.verdictFor(entry(0.025), READY, DISPLAY), "plain"); // at dimBelow: not dimmed
  assert.equal(decide.verdictFor(entry(0.01), READY, DISPLAY), "dim");
  assert.equal(decide.verdictFor(entry(0.01), READY, { ...DISPLAY, mode: "hide" }), "hide");
  assert.equal(decide.verdictFor(entry(0.01), READY, { ...DISPLAY, mode: "highlight" }), "plain");
  assert.equal(decide.verdictFor(entry(0.9), READY, { ...DISPLAY, mode: "highlight" }), "high");
});

test("nothing is marked before the server ranks, or without a numeric score", () => {
  const notReady = { ready: false, labels: { up: 1, down: 0 }, needed: 1 };
  assert.equal(decide.verdictFor(entry(0.9), notReady, DISPLAY), "plain");
  assert.equal(decide.verdictFor(entry(0.9), null, DISPLAY), "plain");
  assert.equal(decide.verdictFor(entry(null), READY, DISPLAY), "plain");
  assert.equal(decide.verdictFor(null, READY, DISPLAY), "plain");
  assert.equal(decide.isScored(entry(0), READY), true);
  assert.equal(decide.isProvisional(entry(0.2, { provisional: true }), READY), true);
  assert.equal(decide.isProvisional(entry(0.2, { provisional: "true" }), READY), false);
  assert.equal(decide.isProvisional(entry(null, { provisional: true }), READY), false);
});

test("badge text: one decimal below 10 %, whole numbers above, a dash when unranked", () => {
  assert.equal(text.formatScore(0.034), "3.4");
  assert.equal(text.formatScore(0.0994), "9.9");
  assert.equal(text.formatScore(0.0996), "10");
  assert.equal(text.formatScore(0.9996), "100");
  assert.equal(text.badgeText(entry(0.5), READY), "50");
  assert.equal(text.badgeText(entry(0.5), { ...READY, ready: false }), "–");
  assert.equal(text.badgeLabel(entry(0.5), READY, false), "papersieve score 50 of 100");
  assert.equal(
    text.badgeLabel(entry(0.85, { provisional: true }), READY, false),
    "papersieve score 85 of 100, provisional: refining…",
  );
  assert.equal(
    text.badgeLabel(entry(0.85, { provisional: true }), READY, true),
    "papersieve score 85 of 100, provisional: estimated from its words only",
  );
  assert.equal(text.badgeLabel(entry(null), READY, false), "papersieve: not ranked yet");
  assert.equal(text.badgeClass("high", false), "papersieve-badge papersieve-badge-high");
  assert.equal(text.badgeClass("dim", true), "papersieve-badge papersieve-badge-dim papersieve-badge-provisional");
});

test("the tooltip lists reasons for and against and how much the words carry", () => {
  const scored = entry(0.42, { reasons: ["retrieval", "ranking"], reasonsAgainst: ["vision"], wordsShare: 0.3 });
  assert.equal(
    text.reasonsText(scored, READY, false),
    "Score 42 / 100\n↑ retrieval, ranking\n↓ vision\n" +
      "Words carry 30% of this score; the rest is the paper's overall meaning.",
  );
  assert.equal(text.reasonsText(entry(0.42, { wordsShare: 0.995 }), READY, false), "Score 42 / 100");
  assert.equal(text.reasonsText(entry(0.42, { wordsShare: 1 }), READY, false), "Score 42 / 100");
  assert.equal(
    text.reasonsText(entry(0.05, { provisional: true }), READY, false),
    "Score 5.0 / 100 (provisional: refining…)",
  );
  assert.equal(
    text.reasonsText(entry(0.05, { provisional: true }), READY, true),
    "Score 5.0 / 100 (provisional: estimated from its words only)",
  );
  const needs = (needed) => ({ ready: false, labels: { up: 0, down: 0 }, needed });
  assert.equal(text.reasonsText(entry(null), needs(2), false), "Not ranked yet: rate 2 more papers with the thumbs.");
  assert.equal(text.reasonsText(entry(null), needs(1), false), "Not ranked yet: rate 1 more paper with the thumbs.");
  assert.equal(text.reasonsText(entry(null), needs(0), false), "Not ranked yet: rate some papers up and some down.");
  assert.equal(text.reasonsText(null, null, false), "Not ranked yet: rate some papers up and some down.");
});

test("the page summary counts marks, or says what ranking still needs", () => {
  const counts = { cards: 12, scored: 10, highlighted: 2, dimmed: 3, hidden: 0 };
  assert.equal(text.summaryText(counts, READY), "10 scored · 2 highlighted · 3 dimmed");
  assert.equal(text.summaryText({ ...counts, dimmed: 0, hidden: 4 }, READY), "10 scored · 2 highlighted · 4 hidden");
  assert.equal(
    text.summaryText(counts, { ready: false, labels: { up: 1, down: 0 }, needed: 1 }),
    "rate 1 more paper to start ranking (1 up, 0 down so far)",
  );
  assert.equal(
    text.summaryText(counts, { ready: false, labels: { up: 0, down: 0 }, needed: 2 }),
    "rate 2 more papers to start ranking (0 up, 0 down so far)",
  );
  assert.equal(
    text.summaryText(counts, { ready: false, labels: { up: 5, down: 5 }, needed: 0 }),
    "rate some papers up and some down to start ranking (5 up, 5 down so far)",
  );
  assert.deepEqual(text.toggleText(false), { text: "show", label: "Show the hidden papers" });
  assert.deepEqual(text.toggleText(true), { text: "hide again", label: "Hide the hidden papers again" });
});

test("problem notices: a missing or wrong token, else an unreachable server; both are cleared", () => {
  const noToken = text.problemNotice({ kind: "no_token" });
  assert.match(noToken, /papersieve token/);
  assert.equal(text.problemNotice({ kind: "unauthorized" }), noToken);
  const away = text.problemNotice({ kind: "unreachable" });
  assert.match(away, /server unreachable/);
  assert.equal(text.problemNotice(null), away);
  assert.equal(text.isProblemNotice(noToken) && text.isProblemNotice(away), true);
  assert.equal(text.isProblemNotice(text.RATING_QUEUED), false);
  assert.equal(text.ratingNotSaved("no such profile"), "rating not saved: no such profile");
  assert.equal(text.voteLabel(-1).title, "👎 Less like this (click again to undo)");
});

/** Follow the policy as the page would: ask-again delays while `stillProvisional(asks, t)` holds. */
function refiningRound(stillProvisional) {
  let state = retry.initialRetry();
  let now = 0;
  const delays = [];
  let step = retry.afterReply(state, { waiting: 1, fresh: true, now });
  for (let asks = 0; ; asks += 1) {
    state = step.state;
    if (!step.askAgain) return { delays, state, step };
    const next = retry.nextAgain(state);
    delays.push(next.delay);
    now += next.delay;
    step = retry.afterReply(next.state, { waiting: stillProvisional(asks + 1, now) ? 1 : 0, fresh: false, now });
  }
}

test("provisional scores are asked for again after 1, 2, 4, 8, then every 15 s, for 2 minutes", () => {
  const { delays, state, step } = refiningRound(() => true);
  assert.deepEqual(delays.slice(0, 6), [1000, 2000, 4000, 8000, 15000, 15000]);
  assert.equal(delays.reduce((a, b) => a + b, 0), 120000); // the last ask lands at 2 min: no more
  assert.equal(state.gaveUp, true);
  assert.equal(step.rerender, true); // the tooltips now say "estimated from its words only"
  const done = refiningRound((asks) => asks < 2);
  assert.deepEqual(done.delays, [1000, 2000]);
  assert.deepEqual(done.state, retry.initialRetry());
});

test("cards turning provisional start a new round from 1 s; failures back off without end", () => {
  const { state: gaveUp } = refiningRound(() => true);
  const fresh = retry.afterReply(gaveUp, { waiting: 3, fresh: true, now: 500000 });
  assert.equal(fresh.restart && fresh.askAgain && fresh.rerender, true);
  assert.equal(fresh.state.gaveUp, false);
  assert.equal(retry.nextAgain(fresh.state).delay, 1000);
  // Same provisional cards after the round ran out: no more asks, no re-marking.
  const stale = retry.afterReply(gaveUp, { waiting: 3, fresh: false, now: 600000 });
  assert.deepEqual([stale.askAgain, stale.rerender, stale.restart], [false, false, false]);
  let state = retry.initialRetry();
  const failures = [];
  for (let i = 0; i < 30; i += 1) {
    const next = retry.nextAgain(state);
    failures.push(next.delay);
    state = next.state;
  }
  assert.deepEqual(failures.slice(0, 5), [1000, 2000, 4000, 8000, 15000]);
  assert.ok(failures.slice(4).every((delay) => delay === 15000));
  assert.deepEqual(retry.POLICY.workerPausesMs, [150, 300, 450]);
  assert.equal(retry.POLICY.settingsMs, 2000);
});

test("the server's estimate sets when provisional scores are asked for again, within bounds", () => {
  const start = retry.afterReply(retry.initialRetry(), { waiting: 5, fresh: true, now: 0 }).state;
  const hinted = retry.nextAgain(start, retry.POLICY, 2100);
  assert.equal(hinted.delay, 2100);
  assert.equal(hinted.state, start); // the back-off does not advance while the server estimates
  assert.equal(retry.nextAgain(start, retry.POLICY, 10).delay, 500); // never hammer the server
  assert.equal(retry.nextAgain(start, retry.POLICY, 600000).delay, 15000);
  // No usable estimate (the encoder is away, an old server, a failed ask): the back-off.
  for (const none of [null, undefined, NaN, "2100"]) assert.equal(retry.nextAgain(start, retry.POLICY, none).delay, 1000);
  let state = start;
  for (let i = 0; i < 3; i += 1) state = retry.nextAgain(state).state;
  assert.equal(retry.nextAgain(state, retry.POLICY, 3000).delay, 3000);
  assert.equal(retry.nextAgain(state).delay, 8000);
});
