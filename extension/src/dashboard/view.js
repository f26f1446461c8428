// The dashboard's words and small decisions: paging, counts, quality, file names, the delete
// confirmation, profile names. Pure functions (no DOM, no messages); node's tests import them.

export const PAGE_SIZE = 50;
export const SUGGESTIONS = 10;
// Up to this many ratings, a change refits and redraws the model's plots by itself.
export const AUTO_REFIT_MAX = 1000;
// The server's rule for profile names (server/validation.py).
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const number = new Intl.NumberFormat("en-US");

/** Where a page of `count` rows at `offset` sits among `total`: "51–100 of 5,000", prev/next. */
export function pageInfo(total, offset, count) {
  if (total === 0 || count === 0) {
    return { text: total === 0 ? "No ratings match." : `None past ${number.format(total)}.`, hasPrev: offset > 0, hasNext: false };
  }
  const from = offset + 1;
  const to = offset + count;
  return {
    text: `${number.format(from)}–${number.format(to)} of ${number.format(total)}`,
    hasPrev: offset > 0,
    hasNext: to < total,
  };
}

/** The offset of the previous or next page (never below 0). */
export function nextOffset(offset, direction, size = PAGE_SIZE) {
  return Math.max(0, offset + direction * size);
}

/** The rating filter's value ("all", "up", "down") as the worker's rating (1, -1 or null). */
export function ratingFilter(value) {
  if (value === "up") return 1;
  if (value === "down") return -1;
  return null;
}

export function labelsText(labels) {
  const total = labels.up + labels.down;
  return `${number.format(total)} rating${total === 1 ? "" : "s"}: 👍 ${number.format(labels.up)} · 👎 ${number.format(labels.down)}`;
}

/** The model's state and cross-validated quality in words. */
export function qualityText(labels, model) {
  if (!model.ready) {
    const need = [labels.up === 0 ? "one 👍" : "", labels.down === 0 ? "one 👎" : ""].filter(Boolean).join(" and ");
    return `No model yet: it needs ${need || "a moment to train"}.`;
  }
  if (!model.quality) return "Model trained; quality is estimated once there are 5 ratings of each kind.";
  const { mean, std, folds } = model.quality;
  return `Cross-validated ROC AUC ${mean.toFixed(2)} ± ${std.toFixed(2)} (${folds} folds; 0.5 is chance, 1 is perfect).`;
}

/** Does a rating change redraw the model's plots and terms by itself (small profiles), or wait
 * for the reader's button (a refit with cross-validation of thousands takes the server seconds)? */
export function refitsOnChange(labels) {
  return labels.up + labels.down <= AUTO_REFIT_MAX;
}

/** The file an export is saved as. */
export function exportFileName(profile, format) {
  return `papersieve-${profile}.${format === "csv" ? "csv" : "json"}`;
}

/** The text of the delete confirmation. */
export function deleteQuestion(name, labels) {
  const total = labels.up + labels.down;
  return `Delete profile “${name}” and its ${number.format(total)} rating${total === 1 ? "" : "s"}? This cannot be undone (export it first to keep a copy).`;
}

/** A typed profile name checked as the server will: {name} or {error}. */
export function checkProfileName(text, existing = []) {
  const name = String(text || "").trim();
  if (!PROFILE_NAME.test(name)) {
    return { error: "A profile name is 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit." };
  }
  if (existing.includes(name)) return { error: `There is already a profile “${name}”.` };
  return { name };
}

/** A rating's date as the list shows it (the day, UTC). */
export function ratedDay(ratedAt) {
  return typeof ratedAt === "string" && /^\d{4}-\d{2}-\d{2}/.test(ratedAt) ? ratedAt.slice(0, 10) : "";
}

/** A paper's link: its own URL when it is http(s), else its arXiv page for an arXiv-looking id. */
export function paperLink(paper) {
  try {
    const url = new URL(paper.url);
    if (url.protocol === "https:" || url.protocol === "http:") return url.href;
  } catch {
    // no usable URL: fall through
  }
  return /^\d{4}\.\d{4,5}$|^[a-z-]+(\.[A-Z]{2})?\/\d{7}$/.test(paper.id) ? `https://arxiv.org/abs/${paper.id}` : "";
}
