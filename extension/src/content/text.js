// Every word papersieve puts on a digest page: badge text and label, the tooltip's reasons, the
// page summary's line and its notices. Pure functions of their arguments (no DOM, no globals), so
// node's test runner checks them (extension/tests/content.test.mjs). Uses papersieve.decide.
(() => {
  "use strict";
  const ns = (globalThis.papersieve ||= {});
  const { isScored, isProvisional, ruleOf } = ns.decide;

  const plural = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;

  /** A score (0..1) as a percentage: one decimal below 10, where most papers of a page are. */
  function formatScore(score) {
    const percent = score * 100;
    return percent < 9.95 ? percent.toFixed(1) : String(Math.round(percent));
  }

  /** What a provisional score's tooltip and label add; `gaveUp`: the refining round ran out. */
  function provisionalNote(gaveUp) {
    return gaveUp ? "provisional: estimated from its words only" : "provisional: refining…";
  }

  /** The badge's text: the score in %, or "–" while the card is not ranked. */
  function badgeText(entry, meta) {
    return isScored(entry, meta) ? formatScore(entry.score) : "–";
  }

  /** The reason a rule gives: "rule: <pattern>" (null without a rule). */
  function ruleReason(entry) {
    const rule = ruleOf(entry);
    return rule ? `rule: ${rule.pattern}` : null;
  }

  /** The badge's aria-label. */
  function badgeLabel(entry, meta, gaveUp) {
    const rule = ruleReason(entry) ? `, ${ruleReason(entry)}` : "";
    if (!isScored(entry, meta)) return `papersieve: not ranked yet${rule}`;
    const note = isProvisional(entry, meta) ? `, ${provisionalNote(gaveUp)}` : "";
    return `papersieve score ${badgeText(entry, meta)} of 100${note}${rule}`;
  }

  /** The badge's class attribute for a mark (verdict), lighter when the score is provisional. */
  function badgeClass(verdict, provisional) {
    return `papersieve-badge papersieve-badge-${verdict}${provisional ? " papersieve-badge-provisional" : ""}`;
  }

  /** The tooltip's lines (one text node; CSS keeps the line breaks); a rule's reason comes first. */
  function reasonsText(entry, meta, gaveUp) {
    const rule = ruleReason(entry);
    const scoreLines = scoreReasons(entry, meta, gaveUp);
    return rule ? `${rule}\n${scoreLines}` : scoreLines;
  }

  function scoreReasons(entry, meta, gaveUp) {
    if (!isScored(entry, meta)) {
      const needed = meta && meta.needed > 0 ? meta.needed : 0;
      return needed > 0
        ? `Not ranked yet: rate ${plural(needed, "more paper")} with the thumbs.`
        : "Not ranked yet: rate some papers up and some down.";
    }
    const note = isProvisional(entry, meta) ? ` (${provisionalNote(gaveUp)})` : "";
    const lines = [`Score ${formatScore(entry.score)} / 100${note}`];
    if (entry.reasons.length > 0) lines.push(`↑ ${entry.reasons.join(", ")}`);
    if (entry.reasonsAgainst.length > 0) lines.push(`↓ ${entry.reasonsAgainst.join(", ")}`);
    if (typeof entry.wordsShare === "number" && entry.wordsShare < 0.995) {
      lines.push(`Words carry ${Math.round(entry.wordsShare * 100)}% of this score; the rest is the paper's overall meaning.`);
    }
    return lines.join("\n");
  }

  /** The summary's line: what still blocks ranking, or how many cards got which mark. */
  function summaryText(counts, meta) {
    if (!meta.ready) {
      const ratings = `${meta.labels.up} up, ${meta.labels.down} down so far`;
      if (meta.needed > 0) return `rate ${plural(meta.needed, "more paper")} to start ranking (${ratings})`;
      return `rate some papers up and some down to start ranking (${ratings})`;
    }
    const parts = [`${counts.scored} scored`, `${counts.highlighted} highlighted`];
    if (counts.dimmed > 0) parts.push(`${counts.dimmed} dimmed`);
    if (counts.hidden > 0) parts.push(`${counts.hidden} hidden`);
    return parts.join(" · ");
  }

  /** The summary's show/hide toggle: its text and aria-label. */
  function toggleText(revealed) {
    return revealed
      ? { text: "hide again", label: "Hide the hidden papers again" }
      : { text: "show", label: "Show the hidden papers" };
  }

  /** A short line for the page when the worker or server could not answer; the popup explains. */
  function problemNotice(error) {
    const kind = error ? error.kind : "";
    if (kind === "no_token" || kind === "unauthorized") {
      return "not connected: paste the token from `papersieve token` in papersieve's options";
    }
    return "server unreachable: see the papersieve button in the toolbar";
  }

  /** Whether a notice is one of problemNotice's (cleared once scores arrive again). */
  function isProblemNotice(notice) {
    return notice === problemNotice(null) || notice === problemNotice({ kind: "no_token" });
  }

  const RATING_QUEUED = "rating kept here; it will reach the server when it is back";

  /** The notice when the worker refused a rating (its message says why). */
  function ratingNotSaved(message) {
    return `rating not saved: ${message}`;
  }

  /** A 👍/👎 button's aria-label and title. */
  function voteLabel(rating) {
    const label = rating === 1 ? "👍 More like this" : "👎 Less like this";
    return { label, title: `${label} (click again to undo)` };
  }

  ns.text = Object.freeze({
    formatScore,
    provisionalNote,
    badgeText,
    badgeLabel,
    badgeClass,
    ruleReason,
    reasonsText,
    summaryText,
    toggleText,
    problemNotice,
    isProblemNotice,
    RATING_QUEUED,
    ratingNotSaved,
    voteLabel,
  });
})();
