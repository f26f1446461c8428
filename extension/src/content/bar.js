// The per-card bar: the score badge (reasons on hover or focus) and the 👍/👎 buttons, and the
// card's mark (highlight / dim / hide classes). One bar is built by hand; every card gets a deep
// clone of it. Re-marking changes only text, attributes and classes, never the badge's size (CSS
// gives it one width whatever it shows), so nothing on the page moves.
(() => {
  "use strict";
  const ns = (globalThis.papersieve ||= {});

  // Material Icons "thumb_up" (Apache-2.0); 👎 is the same shape turned upside down. SVG, not
  // emoji, so the buttons look the same whatever fonts the reader's system has.
  const THUMB_PATH =
    "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 " +
    "7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z";
  const SVG_NS = "http://www.w3.org/2000/svg";

  /**
   * `look()` gives what marks depend on: {meta, display, gaveUp, revealHidden}; `onVote(record,
   * rating)` runs when a 👍/👎 button of the record's bar is clicked.
   */
  ns.createBars = function createBars({ look, onVote }) {
    const { OURS, VERDICT_CLASS, REVEALED_CLASS, make, setAttribute, setText } = ns.dom;
    const { decide, text } = ns;
    const recordByBar = new WeakMap();
    let template = null;
    let nextId = 0;

    function thumbIcon(rating) {
      const svg = document.createElementNS(SVG_NS, "svg");
      svg.setAttribute("viewBox", "0 0 24 24");
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
      svg.setAttribute("class", "papersieve-thumb");
      const path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", THUMB_PATH);
      if (rating === -1) path.setAttribute("transform", "rotate(180 12 12)");
      svg.append(path);
      return svg;
    }

    function voteButton(rating) {
      const button = make("button", "papersieve-vote");
      button.type = "button";
      button.append(thumbIcon(rating));
      button.dataset.rating = String(rating);
      button.setAttribute("aria-pressed", "false");
      const { label, title } = text.voteLabel(rating);
      button.setAttribute("aria-label", label);
      button.title = title;
      return button;
    }

    function barTemplate() {
      if (!template) {
        const bar = make("span", "papersieve-bar");
        bar.setAttribute(OURS, "bar");
        const badge = make("span", "papersieve-badge", "–");
        badge.tabIndex = 0;
        const reasons = make("span", "papersieve-reasons");
        reasons.setAttribute("role", "tooltip");
        bar.append(badge, reasons, voteButton(1), voteButton(-1));
        template = bar;
      }
      return template;
    }

    function onBarClick(event) {
      const button = event.target.closest("button.papersieve-vote");
      if (!button) return;
      event.preventDefault();
      event.stopPropagation();
      const record = recordByBar.get(event.currentTarget);
      if (record) onVote(record, Number(button.dataset.rating));
    }

    function createBar(record) {
      const bar = barTemplate().cloneNode(true);
      bar.dataset.paperId = record.paper.id;
      nextId += 1;
      const [badge, reasons] = bar.children;
      reasons.id = `papersieve-why-${nextId}`;
      badge.setAttribute("aria-describedby", reasons.id);
      bar.addEventListener("click", onBarClick);
      recordByBar.set(bar, record);
      return bar;
    }

    function updateBar(bar, entry, verdict, { meta, gaveUp }) {
      const [badge, reasons, up, down] = bar.children;
      const scored = decide.isScored(entry, meta);
      setText(badge, text.badgeText(entry, meta));
      setAttribute(badge, "data-score", scored ? String(entry.score) : "");
      setAttribute(badge, "aria-label", text.badgeLabel(entry, meta, gaveUp));
      setAttribute(badge, "class", text.badgeClass(verdict, decide.isProvisional(entry, meta)));
      setText(reasons, text.reasonsText(entry, meta, gaveUp));
      const rating = entry ? entry.rating : null;
      setAttribute(up, "aria-pressed", String(rating === 1));
      setAttribute(down, "aria-pressed", String(rating === -1));
    }

    function applyVerdict(view, verdict, revealHidden) {
      const revealed = verdict === "hide" && revealHidden;
      if (view.verdict === verdict && view.revealed === revealed) return;
      for (const element of view.elements) {
        if (view.verdict && VERDICT_CLASS[view.verdict]) element.classList.remove(VERDICT_CLASS[view.verdict]);
        if (VERDICT_CLASS[verdict]) element.classList.add(VERDICT_CLASS[verdict]);
        if (revealed) element.classList.add(REVEALED_CLASS);
        else if (view.revealed) element.classList.remove(REVEALED_CLASS);
      }
      view.verdict = verdict;
      view.revealed = revealed;
    }

    /** Mark every card of the record that is on the page (adding its bar the first time). */
    function render(record) {
      const current = look();
      for (const view of record.views) {
        if (!view.element.isConnected) continue;
        if (!view.bar) view.bar = createBar(record);
        if (view.bar.parentNode !== view.element) view.element.prepend(view.bar);
        const verdict = decide.verdictFor(record.entry, current.meta, current.display);
        updateBar(view.bar, record.entry, verdict, current);
        applyVerdict(view, verdict, current.revealHidden);
      }
    }

    /** aria-busy on the record's bars while its rating is on its way and the page is rescored. */
    function setBusy(record, busy) {
      for (const view of record.views) {
        if (!view.bar) continue;
        if (busy) view.bar.setAttribute("aria-busy", "true");
        else view.bar.removeAttribute("aria-busy");
      }
    }

    /** Take the record's bars and marks off the page. */
    function unmark(record) {
      for (const view of record.views) {
        if (view.bar) view.bar.remove();
        for (const element of view.elements) element.classList.remove(...Object.values(VERDICT_CLASS), REVEALED_CLASS);
      }
    }

    return { render, setBusy, unmark };
  };
})();
