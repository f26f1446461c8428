// Rules on the page: the server's `rule` kept by the worker (background/papers.js), the verdict it
// forces (content/decide.js) and the reason line it adds (content/text.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import "../src/content/decide.js";
import "../src/content/text.js";
import { cleanScoreEntry } from "../src/background/papers.js";

const { decide, text } = globalThis.papersieve;
const READY = Object.freeze({ ready: true, labels: { up: 3, down: 2 }, needed: 0 });
const NOT_READY = Object.freeze({ ready: false, labels: { up: 1, down: 0 }, needed: 1 });
const DISPLAY = Object.freeze({ highlightAbove: 0.5, dimBelow: 0.1, mode: "dim" });
const entry = (score, rule) => ({ id: "1", score, reasons: ["graph"], reasonsAgainst: [], rating: null, rule });
const HIDE = { action: "hide", pattern: "diffusion" };
const HIGHLIGHT = { action: "highlight", pattern: "Ada Lovelace" };

test("a hide rule hides the card whatever its score, the mode or the model's readiness", () => {
  assert.equal(decide.verdictFor(entry(0.99, HIDE), READY, DISPLAY), "hide");
  assert.equal(decide.verdictFor(entry(0.99, HIDE), READY, { ...DISPLAY, mode: "highlight" }), "hide");
  assert.equal(decide.verdictFor(entry(null, HIDE), NOT_READY, DISPLAY), "hide");
});

test("a highlight rule marks the card high, even a low score before the model is ready", () => {
  assert.equal(decide.verdictFor(entry(0.01, HIGHLIGHT), READY, DISPLAY), "high");
  assert.equal(decide.verdictFor(entry(null, HIGHLIGHT), NOT_READY, DISPLAY), "high");
  assert.equal(decide.verdictFor(entry(0.01, undefined), READY, DISPLAY), "dim"); // no rule: the score
  assert.equal(decide.verdictFor(entry(0.01, { action: "boost", pattern: "x" }), READY, DISPLAY), "dim");
});

test("the card says which rule decided it, beside the score it still shows", () => {
  const ruled = entry(0.72, HIDE);
  assert.equal(text.ruleReason(ruled), "rule: diffusion");
  assert.equal(text.reasonsText(ruled, READY, false).split("\n")[0], "rule: diffusion");
  assert.match(text.reasonsText(ruled, READY, false), /Score 72 \/ 100/);
  assert.equal(text.badgeText(ruled, READY), "72");
  assert.equal(text.badgeLabel(ruled, READY, false), "papersieve score 72 of 100, rule: diffusion");
  const early = entry(null, HIGHLIGHT);
  assert.equal(text.badgeLabel(early, NOT_READY, false), "papersieve: not ranked yet, rule: Ada Lovelace");
  assert.match(text.reasonsText(early, NOT_READY, false), /^rule: Ada Lovelace\nNot ranked yet/);
  assert.equal(text.ruleReason(entry(0.5, undefined)), null);
  assert.doesNotMatch(text.reasonsText(entry(0.5, undefined), READY, false), /rule:/);
});

test("the worker keeps a well-formed rule from /score and drops anything else", () => {
  const base = { id: "1", score: 0.5, reasons: [], reasons_against: [], rating: null };
  assert.deepEqual(cleanScoreEntry({ ...base, rule: { action: "hide", pattern: "llm", id: 3, kind: "text" } }).rule, {
    action: "hide",
    pattern: "llm",
  });
  assert.equal("rule" in cleanScoreEntry(base), false);
  assert.equal("rule" in cleanScoreEntry({ ...base, rule: { action: "delete", pattern: "x" } }), false);
  assert.equal("rule" in cleanScoreEntry({ ...base, rule: { action: "hide", pattern: 5 } }), false);
  assert.equal(cleanScoreEntry({ ...base, rule: { action: "hide", pattern: "p".repeat(500) } }).rule.pattern.length, 200);
});
