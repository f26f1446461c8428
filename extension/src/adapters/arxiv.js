// arXiv digests: two adapters sharing the text helpers below.
//
// "arxiv-list": /list/<cat>/new, /recent, /pastweek and month/year listings (/list/<cat>/2401,
// /list/<cat>/2024-01, /list/<cat>/24). Each paper is a <dt> and its sibling <dd> inside a
// `dl#articles` (several per page: new / cross-lists / replacements, or one per day). The id comes
// from `dt a[title="Abstract"]` only (Comments may hold other /abs/ links); the title is
// `dd .list-title` minus its "Title:" descriptor; the abstract is `dd p.mathjax` (on /new only,
// else ""); the authors are the names of `dd .list-authors a`.
//   Card: element = the <dd> (decorate it: put badge/buttons as its first child);
//         elements = [dt, dd] (hide or dim both).
//   Reorder: cardNodes(dd) = [dt, dd] (they move together); sectionOf(dd) = its `dl` (one per
//   section: new submissions / cross-lists / replacements), so cards stay in their section.
//
// "arxiv-search": /search/?query=… and /search/advanced?…. Each paper is an `li.arxiv-result`;
// id = first `p.list-title > a`; title = `p.title`; abstract = `span.abstract-full` minus its
// "△ Less" toggle; authors = the names of `p.authors a`. Card: element = the <li>;
// elements = [li]. Reorder: cardNodes(li) = [li], sectionOf(li) = its list.
//
// Titles keep raw TeX: when MathJax has already typeset them, the TeX is read back from its
// `script[type^="math/tex"]` (MathJax 2) and the rendered copies are dropped; MathJax 3 output
// keeps only its assistive MathML text. Text inside `[data-papersieve]` nodes (the extension's own
// badges) is ignored.
(() => {
  const ARXIV_ID = /(\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Za-z-]+)?\/\d{7})(?:v\d+)?/;
  const LIST_URL =
    /^https?:\/\/(?:www\.)?arxiv\.org\/list\/[^/?#]+\/(?:new|recent|pastweek|\d{2}|\d{4}|\d{4}-\d{2})\/?(?:[?#].*)?$/;
  const SEARCH_URL = /^https?:\/\/(?:www\.)?arxiv\.org\/search(?:\/advanced)?\/?(?:[?#].*)?$/;
  const MATHJAX_OUTPUT = [
    ".MathJax_Preview",
    ".MathJax",
    ".MathJax_Display",
    ".MathJax_SVG",
    ".MathJax_SVG_Display",
    ".MathJax_CHTML",
    ".MJX_Assistive_MathML",
    "mjx-container",
  ].join(", ");

  const normalizeText = (text) => (text || "").replace(/\s+/g, " ").trim();

  const arxivIdFrom = (text) => {
    const match = ARXIV_ID.exec(text || "");
    return match ? match[1] : "";
  };

  // The text a reader would read, with TeX restored from MathJax and line breaks kept as spaces.
  const rawText = (node, dropSelector) => {
    const clone = node.cloneNode(true);
    clone.querySelectorAll("[data-papersieve], style, template").forEach((n) => n.remove());
    if (dropSelector) clone.querySelectorAll(dropSelector).forEach((n) => n.remove());
    const doc = clone.ownerDocument;
    for (const script of clone.querySelectorAll('script[type^="math/tex"]')) {
      const display = /mode\s*=\s*display/.test(script.getAttribute("type"));
      const delimiter = display ? "$$" : "$";
      script.replaceWith(doc.createTextNode(`${delimiter}${script.textContent}${delimiter}`));
    }
    for (const container of clone.querySelectorAll("mjx-container")) {
      const assistive = container.querySelector("mjx-assistive-mml");
      container.replaceWith(doc.createTextNode(assistive ? assistive.textContent : ""));
    }
    clone.querySelectorAll(MATHJAX_OUTPUT).forEach((n) => n.remove());
    clone.querySelectorAll("script").forEach((n) => n.remove());
    clone.querySelectorAll("br").forEach((n) => n.replaceWith(doc.createTextNode(" ")));
    return normalizeText(clone.textContent);
  };

  /** The author names of the links under `node` (each normalised; empty ones dropped). */
  const authorNames = (node, selector) =>
    Array.from(node.querySelectorAll(selector), (link) => rawText(link)).filter((name) => name !== "");

  const nextDd = (dt) => {
    let node = dt.nextElementSibling;
    while (node && node.tagName !== "DD" && node.tagName !== "DT") node = node.nextElementSibling;
    return node && node.tagName === "DD" ? node : null;
  };

  const previousDt = (dd) => {
    let node = dd.previousElementSibling;
    while (node && node.tagName !== "DT" && node.tagName !== "DD") node = node.previousElementSibling;
    return node && node.tagName === "DT" ? node : null;
  };

  const listAdapter = {
    name: "arxiv-list",
    /** The nodes that form the card whose element is `dd`, in page order (they move together). */
    cardNodes(dd) {
      const dt = previousDt(dd);
      return dt ? [dt, dd] : [dd];
    },
    /** The section the card belongs to (its dl): cards are sorted only within their section. */
    sectionOf(dd) {
      return dd.parentNode;
    },
    matches(url) {
      return LIST_URL.test(String(url));
    },
    extract(document) {
      let lists = document.querySelectorAll("dl#articles");
      if (lists.length === 0) lists = document.querySelectorAll("#dlpage dl");
      const cards = [];
      for (const list of lists) {
        for (const dt of list.querySelectorAll(":scope > dt")) {
          const dd = nextDd(dt);
          const abstractLink = dt.querySelector('a[title="Abstract"]');
          if (!dd || !abstractLink) continue;
          const id =
            arxivIdFrom(abstractLink.getAttribute("href")) ||
            arxivIdFrom(abstractLink.getAttribute("id")) ||
            arxivIdFrom(abstractLink.textContent);
          if (!id) continue;
          const titleNode = dd.querySelector(".list-title");
          const abstractNode = dd.querySelector("p.mathjax");
          cards.push({
            id,
            title: titleNode ? rawText(titleNode, ".descriptor") : "",
            abstract: abstractNode ? rawText(abstractNode) : "",
            authors: authorNames(dd, ".list-authors a"),
            url: `https://arxiv.org/abs/${id}`,
            element: dd,
            elements: [dt, dd],
          });
        }
      }
      return cards;
    },
  };

  const searchAbstract = (result) => {
    const full = result.querySelector("span.abstract-full");
    if (full) return rawText(full, "a.is-size-7");
    const short = result.querySelector("span.abstract-short");
    return short ? rawText(short, "a.is-size-7").replace(/\s*…$/, "") : "";
  };

  const searchAdapter = {
    name: "arxiv-search",
    cardNodes: (li) => [li],
    sectionOf: (li) => li.parentNode,
    matches(url) {
      return SEARCH_URL.test(String(url));
    },
    extract(document) {
      const cards = [];
      for (const result of document.querySelectorAll("li.arxiv-result")) {
        const link = result.querySelector("p.list-title > a");
        const id = link ? arxivIdFrom(link.textContent) || arxivIdFrom(link.getAttribute("href")) : "";
        if (!id) continue;
        const titleNode = result.querySelector("p.title");
        cards.push({
          id,
          title: titleNode ? rawText(titleNode) : "",
          abstract: searchAbstract(result),
          authors: authorNames(result, "p.authors a"),
          url: `https://arxiv.org/abs/${id}`,
          element: result,
          elements: [result],
        });
      }
      return cards;
    },
  };

  (globalThis.papersieveAdapters ||= []).push(listAdapter, searchAdapter);
})();
