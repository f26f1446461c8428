// Pure decisions about one card: is its score usable, is it provisional, and which mark it gets
// (high / dim / hide / plain) for the reader's thresholds. No DOM, no globals: every input is an
// argument. Content scripts load this as a classic script (globalThis.papersieve.decide); node's
// test runner imports the same file (extension/tests/content.test.mjs).
(() => {
  "use strict";
  const ns = (globalThis.papersieve ||= {});

  /** The server ranks (meta.ready) and this card's entry has a numeric score. */
  function isScored(entry, meta) {
    return Boolean(meta && meta.ready && entry && typeof entry.score === "number");
  }

  /** A term-only estimate: the server has not computed this paper's sentence embedding yet. */
  function isProvisional(entry, meta) {
    return isScored(entry, meta) && entry.provisional === true;
  }

  /** The reader's rule that decides this card ({action, pattern}), or null. */
  function ruleOf(entry) {
    const rule = entry && entry.rule;
    return rule && (rule.action === "highlight" || rule.action === "hide") ? rule : null;
  }

  /**
   * The card's mark: a rule's first ("high" for highlight, "hide" for hide, in every mode and
   * before the profile is ready); else "high" at or above highlightAbove; below dimBelow the reader's mode ("dim" or
   * "hide"; nothing in "highlight" mode); else, and for unscored cards, "plain".
   */
  function verdictFor(entry, meta, display) {
    const rule = ruleOf(entry);
    if (rule) return rule.action === "hide" ? "hide" : "high";
    if (!isScored(entry, meta)) return "plain";
    const { highlightAbove, dimBelow, mode } = display;
    if (entry.score >= highlightAbove) return "high";
    if (entry.score < dimBelow && mode !== "highlight") return mode;
    return "plain";
  }

  ns.decide = Object.freeze({ isScored, isProvisional, ruleOf, verdictFor });
})();
