// Papers arrive from content scripts, i.e. from web pages: keep only well-formed, bounded fields.

const LIMITS = { id: 200, title: 2000, abstract: 20000, url: 2000 };
// The server's bounds on a paper's `authors` list (server/rules.py check_authors).
const MAX_AUTHORS = 200;
const MAX_AUTHOR_CHARS = 200;

/** Up to 200 non-empty author names of up to 200 characters each (non-strings dropped). */
export function cleanAuthors(list) {
  if (!Array.isArray(list)) return [];
  return list
    .filter((name) => typeof name === "string")
    .map((name) => name.replace(/\s+/g, " ").trim().slice(0, MAX_AUTHOR_CHARS).trim())
    .filter((name) => name !== "")
    .slice(0, MAX_AUTHORS);
}

/**
 * A clean {id, title, abstract, url} (plus `authors` when the card named any) or null when the
 * paper has no usable id.
 */
export function cleanPaper(raw) {
  if (!raw || typeof raw !== "object") return null;
  const field = (name) => (typeof raw[name] === "string" ? raw[name].slice(0, LIMITS[name]) : "");
  const paper = { id: field("id").trim(), title: field("title"), abstract: field("abstract"), url: field("url") };
  const authors = cleanAuthors(raw.authors);
  if (authors.length > 0) paper.authors = authors;
  return paper.id ? paper : null;
}

/** Unique clean papers, first occurrence wins. */
export function cleanPapers(list) {
  const seen = new Map();
  for (const raw of Array.isArray(list) ? list : []) {
    const paper = cleanPaper(raw);
    if (paper && !seen.has(paper.id)) seen.set(paper.id, paper);
  }
  return [...seen.values()];
}

/**
 * The server's score entry reduced to the fields the page shows, with checked types.
 * `provisional` (a term-only estimate while the paper's sentence embedding is being computed) is
 * true only when the server says exactly `true`; absent or anything else means final, and a final
 * entry carries no `provisional` key at all. `wordsShare` (0..1, how much of the score its words
 * carry against its sentence embedding) is kept only when the server sends such a number.
 */
const isShare = (value) => typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 1;

/** A rule that decided the card ({action, pattern}), or null when the server sent none usable. */
function cleanRule(rule) {
  if (!rule || typeof rule !== "object" || typeof rule.pattern !== "string") return null;
  if (rule.action !== "highlight" && rule.action !== "hide") return null;
  return { action: rule.action, pattern: rule.pattern.slice(0, 200) };
}

export function cleanScoreEntry(entry) {
  const terms = (list) =>
    Array.isArray(list) ? list.filter((t) => typeof t === "string").slice(0, 8).map((t) => t.slice(0, 80)) : [];
  const score = typeof entry.score === "number" && Number.isFinite(entry.score) ? entry.score : null;
  const rating = entry.rating === 1 || entry.rating === -1 ? entry.rating : null;
  const rule = cleanRule(entry.rule);
  return {
    id: String(entry.id),
    score,
    reasons: terms(entry.reasons),
    reasonsAgainst: terms(entry.reasons_against),
    rating,
    ...(entry.provisional === true ? { provisional: true } : {}),
    ...(isShare(entry.words_share) ? { wordsShare: entry.words_share } : {}),
    ...(rule ? { rule } : {}),
  };
}

/** The server's "ask again after" estimate (ms): a non-negative number up to a minute, else null. */
export function cleanRefineAfter(value) {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.min(value, 60000) : null;
}

export function cleanLabels(labels) {
  const count = (n) => (Number.isInteger(n) && n >= 0 ? n : 0);
  return { up: count(labels && labels.up), down: count(labels && labels.down) };
}
