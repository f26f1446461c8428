// The one per-page summary box: "papersieve", a status line (how many cards got which mark, or
// what still blocks ranking), a show/hide toggle for hidden cards, and a notice line for problems.
// It owns two bits of page state: whether hidden cards are revealed, and the current notice.
(() => {
  "use strict";
  const ns = (globalThis.papersieve ||= {});

  /**
   * `meta()` gives the latest score reply's {ready, labels, needed} (null before one), `counts()`
   * the card counts (papersieve.createCards); `onToggle()` re-marks the page after the toggle;
   * `controls` are more parts of the box ({node, render()}, e.g. papersieve.createReorder's).
   */
  ns.createSummary = function createSummary({ meta, counts, onToggle, controls = [] }) {
    const { OURS, make, setText } = ns.dom;
    const { text } = ns;
    let box = null;
    let notice = "";
    let revealHidden = false;

    function build() {
      const summary = make("div", "papersieve-summary");
      summary.setAttribute(OURS, "summary");
      summary.setAttribute("role", "region");
      summary.setAttribute("aria-label", "papersieve");
      const name = make("span", "papersieve-summary-name", "papersieve");
      const line = make("span", "papersieve-summary-text");
      line.setAttribute("role", "status");
      line.setAttribute("aria-live", "polite");
      const toggle = make("button", "papersieve-summary-toggle", "show");
      toggle.type = "button";
      toggle.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        revealHidden = !revealHidden;
        onToggle();
      });
      const noticeLine = make("span", "papersieve-summary-notice");
      summary.append(name, line, toggle, ...controls.map((control) => control.node), noticeLine);
      return summary;
    }

    /** Show the summary for the latest reply (nothing before the first one). */
    function render() {
      const current = meta();
      if (!current) return;
      if (!box) box = build();
      if (!box.isConnected) document.body.append(box);
      const [, line, toggle] = box.children;
      const noticeLine = box.lastElementChild;
      const cardCounts = counts();
      setText(line, text.summaryText(cardCounts, current));
      toggle.hidden = cardCounts.hidden === 0;
      const toggleWords = text.toggleText(revealHidden);
      toggle.textContent = toggleWords.text;
      toggle.setAttribute("aria-label", toggleWords.label);
      for (const control of controls) control.render();
      setText(noticeLine, notice);
      noticeLine.hidden = !notice;
    }

    /** A notice line ("" clears it); shown at once when the summary is on the page. */
    function setNotice(message) {
      notice = message;
      if (box) render();
    }

    /** Drop a problem notice (scores arrived) without re-rendering; the next render shows it. */
    function clearProblem() {
      if (text.isProblemNotice(notice)) notice = "";
    }

    /** Put the summary back when the page's own scripts removed it. */
    function reattach() {
      if (box && !box.isConnected) document.body.append(box);
    }

    /** `forget`: also drop the box (the page stopped); else only take it off the page. */
    function remove(forget = false) {
      if (box) box.remove();
      if (forget) box = null;
    }

    return {
      render,
      setNotice,
      clearProblem,
      reattach,
      remove,
      get shown() {
        return box !== null;
      },
      get revealHidden() {
        return revealHidden;
      },
    };
  };
})();
