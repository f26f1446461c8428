// Sorting a page's cards by score (highest first), per site (settings.sortedSites) or when the
// reader asks in the page summary, and putting the page's own order back exactly.
//
// Sections stay apart: the adapter's sectionOf(element) names a card's section (arXiv /new: its
// dl, so new submissions, cross-lists and replacements keep their cards; Hugging Face: the grid)
// and cardNodes(element) the nodes that move together (arXiv: the dt and its dd). The first sort
// puts an empty comment node (a "slot") before every card; sorting fills a section's slots with
// its cards in score order, and the original order puts each card back after its own slot and
// removes the slots, so the page's DOM is exactly as it was. Never innerHTML: nodes only move.
//
// When it sorts (a calm rule, so cards do not jump under the reader): automatically once per
// page, as soon as every card has its final score (or the refining round gave up on the
// provisional ones), never while a vote is on its way; the scroll position is kept. After that the
// order changes only when the reader asks: when scores changed (a vote, late cards), the summary
// offers "sort again" instead of moving cards by itself.
(() => {
  "use strict";
  const ns = (globalThis.papersieve ||= {});

  /**
   * The sorted order of cards given in page order as {section, score}: returns `order` with
   * order[i] = the index of the card that goes in card i's place. Each section's places get that
   * section's cards, highest score first; cards without a numeric score go last; ties keep their
   * page order. Pure (node tests it).
   */
  function sortedOrder(items) {
    const bySection = new Map();
    items.forEach((item, index) => {
      if (!bySection.has(item.section)) bySection.set(item.section, []);
      bySection.get(item.section).push(index);
    });
    const rank = (index) => (Number.isFinite(items[index].score) ? items[index].score : -Infinity);
    const order = new Array(items.length);
    for (const places of bySection.values()) {
      const sorted = [...places].sort((a, b) => rank(b) - rank(a) || a - b);
      places.forEach((place, k) => (order[place] = sorted[k]));
    }
    return order;
  }

  /** A sort comparator: node a before node b in the page. */
  const pageOrder = (a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);

  /** Whether the cards (page order) are already in sortedOrder. */
  const isSorted = (items) => sortedOrder(items).every((index, place) => index === place);

  /**
   * `adapter()`, `meta()`, `gaveUp()` read the scoring state; `timed` pauses the page watch for
   * our moves; `onChange()` re-renders the summary (its control shows the order).
   */
  ns.createReorder = function createReorder({ cards, adapter, meta, gaveUp, timed, onChange }) {
    const { make } = ns.dom;
    const { decide } = ns;
    let wanted = false; // the site's setting
    let choice = null; // the reader's click on this page: "sorted" | "original" | null
    let autoDone = false; // the one automatic sort happened
    let sorted = false;
    let groups = []; // cards placed by the current sort: {element, nodes, slot}
    let stale = false;

    const canSort = () => {
      const current = adapter();
      return Boolean(current && typeof current.cardNodes === "function" && typeof current.sectionOf === "function");
    };

    /** The page's cards with a view on it, in page order: {element, nodes, section, score}. */
    function pageCards() {
      const current = adapter();
      const result = [];
      for (const record of cards.all()) {
        const score = decide.isScored(record.entry, meta()) ? record.entry.score : null;
        for (const view of record.views) {
          if (!view.element.isConnected) continue;
          const first = current.cardNodes(view.element);
          const parent = first[0].parentNode;
          if (!parent || first.some((node) => node.parentNode !== parent)) continue;
          const nodes = [];
          for (let node = first[0]; node; node = node.nextSibling) {
            nodes.push(node);
            if (node === first[first.length - 1]) break;
          }
          result.push({ element: view.element, nodes, section: current.sectionOf(view.element), score });
        }
      }
      return result.sort((a, b) => pageOrder(a.nodes[0], b.nodes[0]));
    }

    /** Keep the page where the reader had it while cards move. */
    function keepScroll(work) {
      const { scrollX, scrollY } = window;
      work();
      if (window.scrollX !== scrollX || window.scrollY !== scrollY) window.scrollTo(scrollX, scrollY);
    }

    /** Give every card on the page a slot (the first time) and fill each section's slots by score. */
    function placeBySlots() {
      const found = pageCards();
      const known = new Map(groups.map((group) => [group.element, group]));
      const placed = found.map((card) => {
        const group = known.get(card.element) || { element: card.element, slot: null };
        group.nodes = card.nodes;
        if (!group.slot) {
          group.slot = document.createComment("papersieve: a card's place");
          card.nodes[0].before(group.slot);
        }
        return group;
      });
      const kept = new Set(placed);
      for (const group of groups) if (!kept.has(group)) group.slot.remove(); // its card left the page
      // The places, in page order, are the slots in page order (a card sorted before sits elsewhere).
      const bySlot = placed
        .map((group, index) => ({ group, card: found[index] }))
        .sort((a, b) => pageOrder(a.group.slot, b.group.slot));
      const order = sortedOrder(bySlot.map(({ card }) => card));
      order.forEach((index, place) => bySlot[place].group.slot.after(...bySlot[index].group.nodes));
      groups = placed;
    }

    function sortNow() {
      timed("reorder", () => keepScroll(placeBySlots));
      sorted = true;
      stale = false;
    }

    function restoreNow() {
      timed("reorder", () =>
        keepScroll(() => {
          for (const group of groups) {
            // A card the page itself removed meanwhile stays removed.
            if (group.slot.parentNode) group.slot.after(...group.nodes.filter((node) => node.isConnected));
            group.slot.remove();
          }
        }),
      );
      groups = [];
      sorted = false;
      stale = false;
    }

    /** Every card on the page has a score that will not change by itself. */
    function settled() {
      const current = meta();
      if (!current || !current.ready) return false;
      let any = false;
      for (const record of cards.all()) {
        if (!record.views.some((view) => view.element.isConnected)) continue;
        any = true;
        if (!decide.isScored(record.entry, current)) return false;
        if (decide.isProvisional(record.entry, current) && !gaveUp()) return false;
      }
      return any;
    }

    /** After scores arrived (and no vote is on its way): the one automatic sort, or mark stale. */
    function afterScores() {
      if (!canSort()) return;
      if (sorted) {
        const onPage = pageCards();
        const nowStale = onPage.length !== groups.length || !isSorted(onPage);
        if (nowStale !== stale) {
          stale = nowStale;
          onChange();
        }
        return;
      }
      if (wanted && choice === null && !autoDone && settled()) {
        autoDone = true;
        sortNow();
        onChange();
      }
    }

    /** The site's setting (on page load and when it changes): a change applies to this page at once. */
    function setWanted(on) {
      if (on === wanted) return;
      wanted = on;
      choice = null;
      autoDone = false;
      if (!on && sorted) {
        restoreNow();
        onChange();
      } else if (on) afterScores();
    }

    /** Put the page's own order back and forget the slots (the site was paused). */
    function reset() {
      if (sorted) restoreNow();
      choice = null;
      autoDone = false;
    }

    // The summary's control: "sorted by score · original order [· sort again]" or "sort by score".
    const node = make("span", "papersieve-summary-sort");
    const label = make("span", "papersieve-summary-sort-label", "sorted by score ·");
    const original = make("button", "papersieve-summary-action", "original order");
    const again = make("button", "papersieve-summary-action", "sort again");
    const sortButton = make("button", "papersieve-summary-action", "sort by score");
    original.setAttribute("aria-label", "Put the papers back in the page's own order");
    again.setAttribute("aria-label", "Sort the papers by their new scores");
    sortButton.setAttribute("aria-label", "Sort the papers by score, highest first");
    for (const button of [original, again, sortButton]) button.type = "button";
    node.append(label, original, again, sortButton);
    const click = (button, action) =>
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        action();
        onChange();
      });
    click(original, () => {
      choice = "original";
      if (sorted) restoreNow();
    });
    click(again, () => {
      choice = "sorted";
      sortNow();
    });
    click(sortButton, () => {
      choice = "sorted";
      sortNow();
    });

    function renderControl() {
      const current = meta();
      node.hidden = !canSort() || !current || !current.ready;
      label.hidden = !sorted;
      original.hidden = !sorted;
      again.hidden = !sorted || !stale;
      sortButton.hidden = sorted;
    }

    return {
      afterScores,
      setWanted,
      reset,
      control: { node, render: renderControl },
      get sorted() {
        return sorted;
      },
    };
  };

  ns.reorder = Object.freeze({ sortedOrder, isSorted });
})();
