// The page's papers: one record per paper id ({paper, entry, asked, voting, views}), each with
// one view per card element showing it ({element, elements, bar, verdict, revealed}). Finds new
// cards with the site's adapter and answers which records are in view, provisional, or counted.
(() => {
  "use strict";
  const ns = (globalThis.papersieve ||= {});

  ns.createCards = function createCards() {
    const records = new Map(); // paper id → record
    let seen = new WeakSet(); // card elements already given a view

    /**
     * Cards the adapter finds that were not seen before become views. Returns the records that
     * need scores (`unscored`) and the new views' records that already have one (`known`).
     */
    function discover(adapter) {
      const extractStart = performance.now();
      let found;
      try {
        found = adapter.extract(document) || [];
      } catch {
        found = [];
      }
      performance.measure("papersieve:extract", { start: extractStart, end: performance.now() });
      const unscored = new Set();
      const known = [];
      for (const card of found) {
        if (!card || !card.element || seen.has(card.element)) continue;
        if (typeof card.id !== "string" || card.id === "") continue;
        seen.add(card.element);
        const elements = Array.isArray(card.elements) && card.elements.length > 0 ? card.elements : [card.element];
        let record = records.get(card.id);
        if (!record) {
          const paper = { id: card.id, title: card.title || "", abstract: card.abstract || "", url: card.url || "" };
          if (Array.isArray(card.authors) && card.authors.length > 0) paper.authors = card.authors;
          record = { paper, entry: null, asked: false, voting: false, views: [] };
          records.set(card.id, record);
        }
        record.views.push({ element: card.element, elements, bar: null, verdict: null, revealed: false });
        if (record.entry) known.push(record);
        else if (!record.asked) unscored.add(record);
      }
      for (const record of records.values()) {
        if (!record.entry && !record.asked) unscored.add(record);
        for (const view of record.views) {
          if (view.bar && !view.bar.isConnected && view.element.isConnected) view.element.prepend(view.bar);
        }
      }
      return { unscored: [...unscored], known };
    }

    const onPage = (record) => record.views.some((view) => view.element.isConnected);

    /** Records with a card on the page: those in the viewport, and the rest. */
    function byVisibility() {
      const visible = [];
      const rest = [];
      const height = window.innerHeight;
      for (const record of records.values()) {
        const views = record.views.filter((view) => view.element.isConnected);
        if (views.length === 0) continue;
        const inView = views.some((view) => {
          const rect = view.element.getBoundingClientRect();
          return rect.height > 0 && rect.bottom > 0 && rect.top < height;
        });
        (inView ? visible : rest).push(record);
      }
      return { visible, rest };
    }

    /** Records on the page whose score is provisional. */
    function provisional(meta) {
      return [...records.values()].filter((record) => ns.decide.isProvisional(record.entry, meta) && onPage(record));
    }

    /** How many cards on the page are there, scored, highlighted, dimmed, hidden. */
    function counts() {
      const result = { cards: 0, scored: 0, highlighted: 0, dimmed: 0, hidden: 0 };
      for (const record of records.values()) {
        for (const view of record.views) {
          if (!view.element.isConnected) continue;
          result.cards += 1;
          if (!view.bar) continue;
          if (view.verdict !== null && record.entry && typeof record.entry.score === "number") result.scored += 1;
          if (view.verdict === "high") result.highlighted += 1;
          if (view.verdict === "dim") result.dimmed += 1;
          if (view.verdict === "hide") result.hidden += 1;
        }
      }
      return result;
    }

    /** Forget every record (after `each(record)` for each); cards are discovered afresh. */
    function clear(each) {
      for (const record of records.values()) each(record);
      records.clear();
      seen = new WeakSet();
    }

    const all = () => records.values();

    return { discover, byVisibility, provisional, counts, clear, all };
  };
})();
