// Hugging Face papers digests: /papers, /papers/date/YYYY-MM-DD, /papers/week/YYYY-Www,
// /papers/month/YYYY-MM, /papers/trending.
//
// Cards are `article` elements holding `h3 > a[href^="/papers/<id>"]`; the abstract is not in the
// card but in the page's hydration JSON (`[data-target="DailyPapers"][data-props]`,
// `dailyPapers[].paper.{id, title, summary}`), joined on the id. The period tabs swap the cards
// client-side without refreshing that JSON, so a card whose id is not in it gets abstract "".
// Authors come from the same JSON (`paper.authors[].name`), else from the card's author avatars
// (`li[title]`, one per author, inside the card's author link).
//
// Card shape: {id, title, abstract, authors, url, element, elements}: `element` is the `article`
// (decorate it and hide it); `elements` is [article]. Text inside `[data-papersieve]` nodes (the
// extension's own badges) is ignored when reading titles. Reorder: cardNodes(article) = [article],
// sectionOf(article) = the grid holding it (cards are sorted within their container).
(() => {
  const PAGE_URL =
    /^https:\/\/huggingface\.co\/papers(?:\/(?:date\/\d{4}-\d{2}-\d{2}|week\/\d{4}-W\d{1,2}|month\/\d{4}-\d{2}|trending))?\/?(?:[?#].*)?$/;
  const PAPER_HREF = /^\/papers\/([^/?#]+)/;
  const ARXIV_VERSION = /^(\d{4}\.\d{4,5})v\d+$/;

  const normalizeText = (text) => (text || "").replace(/\s+/g, " ").trim();

  // Path segments under /papers/ that name digest pages, not papers.
  const DIGEST_SEGMENTS = new Set(["date", "week", "month", "trending"]);

  const paperIdFromHref = (href) => {
    let id;
    try {
      const url = new URL(href || "", "https://huggingface.co");
      const match = url.hostname === "huggingface.co" ? PAPER_HREF.exec(url.pathname) : null;
      id = match ? decodeURIComponent(match[1]) : "";
    } catch {
      return "";
    }
    if (DIGEST_SEGMENTS.has(id)) return "";
    const versioned = ARXIV_VERSION.exec(id);
    return versioned ? versioned[1] : id;
  };

  const visibleText = (node) => {
    const clone = node.cloneNode(true);
    clone.querySelectorAll("[data-papersieve], script, style, template").forEach((n) => n.remove());
    return normalizeText(clone.textContent);
  };

  /** The names of a hydrated paper's `authors` ([{name}]), normalised, empty ones dropped. */
  const hydratedAuthors = (authors) =>
    (Array.isArray(authors) ? authors : [])
      .map((author) => normalizeText(author && typeof author.name === "string" ? author.name : ""))
      .filter((name) => name !== "");

  /** The names on the card's author avatars (`li[title]` inside a link to the paper). */
  const cardAuthors = (article) =>
    Array.from(article.querySelectorAll('a[href*="/papers/"] li[title]'), (li) =>
      normalizeText(li.getAttribute("title")),
    ).filter((name) => name !== "");

  // The last parsed hydration blob, so that repeated extract() calls on DOM mutations do not
  // re-parse an unchanged attribute.
  let cachedProps = null;
  let cachedPapers = new Map();

  const hydratedPapers = (document) => {
    const holders = document.querySelectorAll('[data-target="DailyPapers"][data-props]');
    const props = Array.from(holders, (holder) => holder.getAttribute("data-props")).join("\u0000");
    if (props === cachedProps) return cachedPapers;
    const papers = new Map();
    for (const holder of holders) {
      let data;
      try {
        data = JSON.parse(holder.getAttribute("data-props"));
      } catch {
        continue;
      }
      const entries = data && Array.isArray(data.dailyPapers) ? data.dailyPapers : [];
      for (const entry of entries) {
        const paper = entry && entry.paper;
        if (!paper || typeof paper.id !== "string") continue;
        papers.set(paperIdFromHref(`/papers/${encodeURIComponent(paper.id)}`), {
          title: normalizeText(typeof paper.title === "string" ? paper.title : ""),
          summary: normalizeText(typeof paper.summary === "string" ? paper.summary : ""),
          authors: hydratedAuthors(paper.authors),
        });
      }
    }
    cachedProps = props;
    cachedPapers = papers;
    return papers;
  };

  const adapter = {
    name: "huggingface-papers",
    cardNodes: (article) => [article],
    sectionOf: (article) => article.parentNode,
    matches(url) {
      return PAGE_URL.test(String(url));
    },
    extract(document) {
      const hydrated = hydratedPapers(document);
      const cards = [];
      const seen = new Set();
      for (const link of document.querySelectorAll('article h3 a[href*="/papers/"]')) {
        const id = paperIdFromHref(link.getAttribute("href"));
        const element = link.closest("article");
        if (!id || !element || seen.has(element)) continue;
        seen.add(element);
        const known = hydrated.get(id);
        cards.push({
          id,
          title: visibleText(link) || (known ? known.title : ""),
          abstract: known ? known.summary : "",
          authors: known && known.authors.length > 0 ? [...known.authors] : cardAuthors(element),
          url: `https://huggingface.co/papers/${encodeURIComponent(id)}`,
          element,
          elements: [element],
        });
      }
      return cards;
    },
  };
  (globalThis.papersieveAdapters ||= []).push(adapter);
})();
