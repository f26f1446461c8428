// One paper's row in the dashboard's lists (rated papers, papers to rate next): its title linked
// back to the paper, what it is rated, and 👍 / 👎 / undo in place. Built with createElement and
// textContent only; `rate(paper, rating)` (1, -1 or 0) asks the worker and resolves to its reply.

import { paperLink, ratedDay } from "./view.js";

const RATING_WORDS = { 1: "👍 rated up", [-1]: "👎 rated down", 0: "not rated" };

function button(text, label, className) {
  const node = document.createElement("button");
  node.type = "button";
  node.className = className;
  node.textContent = text;
  node.setAttribute("aria-label", label);
  return node;
}

/**
 * A row for `paper`, now rated `rating` (1, -1, or 0 = none). `detail` is a short text shown
 * after the title (a date, a score). The buttons change the rating in place; "Undo" brings back
 * the rating the row had before its last change.
 */
export function paperRow(paper, rating, detail, rate, onChange = () => {}) {
  const row = document.createElement("li");
  row.className = "paper";
  row.dataset.id = paper.id;
  const link = paperLink(paper);
  const title = document.createElement(link ? "a" : "span");
  title.className = "title";
  title.textContent = paper.title || paper.id;
  if (link) {
    title.href = link;
    title.target = "_blank";
    title.rel = "noopener noreferrer";
  }
  const meta = document.createElement("span");
  meta.className = "meta muted";
  const state = document.createElement("span");
  state.className = "rating";
  const up = button("👍", `Rate “${paper.title}” up`, "vote up");
  const down = button("👎", `Rate “${paper.title}” down`, "vote down");
  const remove = button("Remove rating", `Remove the rating of “${paper.title}”`, "remove");
  const undo = button("Undo", `Undo the last change to “${paper.title}”`, "undo");
  const error = document.createElement("span");
  error.className = "state-bad error";
  const controls = document.createElement("span");
  controls.className = "controls";
  controls.append(up, down, remove, undo, error);
  row.append(title, meta, state, controls);

  let current = rating;
  let before = null;
  const show = () => {
    row.dataset.rating = String(current);
    state.textContent = RATING_WORDS[current];
    up.setAttribute("aria-pressed", String(current === 1));
    down.setAttribute("aria-pressed", String(current === -1));
    remove.hidden = current === 0;
    undo.hidden = before === null;
  };
  meta.textContent = detail;

  async function change(next) {
    if (next === current) return;
    for (const node of [up, down, remove, undo]) node.disabled = true;
    error.textContent = "";
    const reply = await rate(paper, next);
    for (const node of [up, down, remove, undo]) node.disabled = false;
    if (!reply.ok) {
      error.textContent = reply.queued
        ? `Kept here, sent when the server is back: ${reply.error.message}`
        : reply.error.message;
      if (!reply.queued) return;
    }
    before = current;
    current = next;
    show();
    onChange(reply);
  }

  up.addEventListener("click", () => change(1));
  down.addEventListener("click", () => change(-1));
  remove.addEventListener("click", () => change(0));
  undo.addEventListener("click", async () => {
    const target = before;
    await change(target);
    if (current === target) {
      before = null;
      show();
    }
  });
  show();
  return row;
}

/** The detail text of a rated paper's row. */
export const ratedDetail = (item) => ratedDay(item.ratedAt);

/** The detail text of a suggestion's row. */
export const suggestionDetail = (item) => (item.score === null ? "" : `now ${(item.score * 100).toFixed(0)}%`);
