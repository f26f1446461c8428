// papersieve's content script: finds paper cards with the site's adapter, asks the background
// worker for their scores (it never talks to the server itself), and marks them: a badge with the
// score (reasons on hover or focus), 👍/👎 buttons, highlight / dim / hide by the reader's
// settings, and one small per-page summary. Page text and server replies are only ever put into
// the page with textContent. Loaded after the adapter files (globalThis.papersieveAdapters).
(() => {
  "use strict";

  const ext = globalThis.browser ?? globalThis.chrome;
  const OURS = "data-papersieve";
  const VERDICT_CLASS = { high: "papersieve-high", dim: "papersieve-dim", hide: "papersieve-hide" };
  const REVEALED_CLASS = "papersieve-revealed";
  const PASS_DELAY_MS = 40;
  // One back-off for asking the worker again, whatever the reason: a failed ask (server slow or
  // away; retried for as long as it takes) or scores still provisional (the server is computing
  // those papers' sentence embeddings; asked again for REFINE_FOR_MS at most, then left as they are).
  const AGAIN_DELAYS_MS = [1000, 2000, 4000, 8000, 15000];
  const REFINE_FOR_MS = 120000;

  const page = {
    adapter: null,
    active: false,
    display: null, // {highlightAbove, dimBelow, mode}
    version: -1,
    meta: null, // {ready, labels, needed} from the latest score reply
    records: new Map(), // paper id → {paper, entry, asked, voting, views: [{element, elements, bar, verdict}]}
    seen: new WeakSet(),
    recordByBar: new WeakMap(),
    revealHidden: false,
    notice: "",
    summary: null,
    barTemplate: null,
    observer: null,
    passTimer: null,
    retryTimer: null, // the one "ask again" timer (see AGAIN_DELAYS_MS)
    retryCount: 0,
    refineSince: null, // when the current round of asking again for provisional scores began
    refineGaveUp: false, // that round ran out: provisional scores stay as they are until new ones come
    rescoreTimer: null,
    rescoreWanted: false, // a rescore failed (server slow or away): retry it with the next pass
    voting: 0,
    nextId: 0,
  };

  // ---- timing: every synchronous chunk of work is one "papersieve:main" measure -------------
  // Our own DOM changes are made with the MutationObserver disconnected, so they cost no
  // observer callbacks; pending records from the page are kept and handled.
  const timed = (label, work) => {
    const start = performance.now();
    const observer = page.observer;
    if (observer) {
      if (observer.takeRecords().some(isForeignMutation)) schedulePass();
      observer.disconnect();
    }
    try {
      return work();
    } finally {
      if (observer && page.observer === observer && page.active) observeDocument(observer);
      performance.measure("papersieve:main", { start, end: performance.now(), detail: label });
    }
  };

  const observeDocument = (observer) =>
    observer.observe(document.documentElement, { childList: true, subtree: true });

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const extensionAlive = () => Boolean(ext && ext.runtime && ext.runtime.id);

  /** One named intent to the worker; retried briefly, since a stopped worker drops the first call. */
  async function askWorker(message, attempts = 3) {
    let lastError = "no reply";
    for (let attempt = 0; attempt < attempts && extensionAlive(); attempt += 1) {
      try {
        const sendStart = performance.now(); // sendMessage serializes the papers synchronously
        const pending = ext.runtime.sendMessage(message);
        performance.measure("papersieve:main", { start: sendStart, end: performance.now(), detail: "send" });
        const reply = await pending;
        if (reply) return reply;
      } catch (error) {
        lastError = error && error.message ? error.message : String(error);
      }
      await sleep(150 * (attempt + 1));
    }
    return { ok: false, error: { kind: "no_reply", message: `The papersieve worker did not answer (${lastError}).` } };
  }

  // ---- small DOM helpers (createElement + textContent only) ---------------------------------
  const make = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const isOurs = (node) => {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return Boolean(element && element.closest(`[${OURS}]`));
  };

  // ---- verdicts ---------------------------------------------------------------------------
  function verdictFor(entry) {
    if (!page.meta || !page.meta.ready || !entry || typeof entry.score !== "number") return "plain";
    const { highlightAbove, dimBelow, mode } = page.display;
    if (entry.score >= highlightAbove) return "high";
    if (entry.score < dimBelow && mode !== "highlight") return mode;
    return "plain";
  }

  const isScored = (entry) => Boolean(page.meta && page.meta.ready && entry && typeof entry.score === "number");

  /** A term-only estimate: the server has not computed this paper's sentence embedding yet. */
  const isProvisional = (entry) => isScored(entry) && entry.provisional === true;

  const provisionalNote = () =>
    page.refineGaveUp ? "provisional: estimated from its words only" : "provisional: refining…";

  function applyVerdict(view, verdict) {
    const revealed = verdict === "hide" && page.revealHidden;
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

  // ---- the per-card bar: badge + reasons + 👍/👎 ---------------------------------------------
  // Material Icons "thumb_up" (Apache-2.0); 👎 is the same shape turned upside down. SVG, not
  // emoji, so the buttons look the same whatever fonts the reader's system has.
  const THUMB_PATH =
    "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 " +
    "7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z";
  const SVG_NS = "http://www.w3.org/2000/svg";

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
    const label = rating === 1 ? "👍 More like this" : "👎 Less like this";
    button.setAttribute("aria-label", label);
    button.title = `${label} (click again to undo)`;
    return button;
  }

  /** One bar built by hand; every card gets a deep clone of it (much cheaper than rebuilding). */
  function barTemplate() {
    if (!page.barTemplate) {
      const bar = make("span", "papersieve-bar");
      bar.setAttribute(OURS, "bar");
      const badge = make("span", "papersieve-badge", "–");
      badge.tabIndex = 0;
      const reasons = make("span", "papersieve-reasons");
      reasons.setAttribute("role", "tooltip");
      bar.append(badge, reasons, voteButton(1), voteButton(-1));
      page.barTemplate = bar;
    }
    return page.barTemplate;
  }

  function createBar(record) {
    const bar = barTemplate().cloneNode(true);
    bar.dataset.paperId = record.paper.id;
    page.nextId += 1;
    const [badge, reasons] = bar.children;
    reasons.id = `papersieve-why-${page.nextId}`;
    badge.setAttribute("aria-describedby", reasons.id);
    bar.addEventListener("click", onBarClick);
    page.recordByBar.set(bar, record);
    return bar;
  }

  const setAttribute = (node, name, value) => {
    if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  };

  const setText = (node, text) => {
    if (node.textContent !== text) node.textContent = text;
  };

  /** The tooltip's lines (one text node; CSS keeps the line breaks). */
  function reasonsText(entry, scored) {
    if (!scored) {
      const needed = page.meta && page.meta.needed > 0 ? page.meta.needed : 0;
      return needed > 0
        ? `Not ranked yet: rate ${needed} more paper${needed === 1 ? "" : "s"} with the thumbs.`
        : "Not ranked yet: rate some papers up and some down.";
    }
    const note = isProvisional(entry) ? ` (${provisionalNote()})` : "";
    const lines = [`Score ${formatScore(entry.score)} / 100${note}`];
    if (entry.reasons.length > 0) lines.push(`↑ ${entry.reasons.join(", ")}`);
    if (entry.reasonsAgainst.length > 0) lines.push(`↓ ${entry.reasonsAgainst.join(", ")}`);
    if (typeof entry.wordsShare === "number" && entry.wordsShare < 0.995) {
      lines.push(`Words carry ${Math.round(entry.wordsShare * 100)}% of this score; the rest is the paper's overall meaning.`);
    }
    return lines.join("\n");
  }

  /** A score (0..1) as a percentage: one decimal below 10, where most papers of a page are. */
  function formatScore(score) {
    const percent = score * 100;
    return percent < 9.95 ? percent.toFixed(1) : String(Math.round(percent));
  }

  function updateBar(bar, record, verdict) {
    const [badge, reasons, up, down] = bar.children;
    const entry = record.entry;
    const scored = isScored(entry);
    const provisional = isProvisional(entry);
    const text = scored ? formatScore(entry.score) : "–";
    // Only text, attributes and classes change here, never the badge's size (CSS gives it one
    // width whatever it shows): re-marking a card moves nothing on the page.
    setText(badge, text);
    setAttribute(badge, "data-score", scored ? String(entry.score) : "");
    const label = `papersieve score ${text} of 100${provisional ? `, ${provisionalNote()}` : ""}`;
    setAttribute(badge, "aria-label", scored ? label : "papersieve: not ranked yet");
    const look = provisional ? " papersieve-badge-provisional" : "";
    setAttribute(badge, "class", `papersieve-badge papersieve-badge-${verdict}${look}`);
    setText(reasons, reasonsText(entry, scored));
    const rating = entry ? entry.rating : null;
    setAttribute(up, "aria-pressed", String(rating === 1));
    setAttribute(down, "aria-pressed", String(rating === -1));
  }

  function renderRecord(record) {
    for (const view of record.views) {
      if (!view.element.isConnected) continue;
      if (!view.bar) view.bar = createBar(record);
      if (view.bar.parentNode !== view.element) view.element.prepend(view.bar);
      const verdict = verdictFor(record.entry);
      updateBar(view.bar, record, verdict);
      applyVerdict(view, verdict);
    }
  }

  // ---- the per-page summary ----------------------------------------------------------------
  function countViews() {
    const counts = { cards: 0, scored: 0, highlighted: 0, dimmed: 0, hidden: 0 };
    for (const record of page.records.values()) {
      for (const view of record.views) {
        if (!view.element.isConnected) continue;
        counts.cards += 1;
        if (!view.bar) continue;
        if (view.verdict !== null && record.entry && typeof record.entry.score === "number") counts.scored += 1;
        if (view.verdict === "high") counts.highlighted += 1;
        if (view.verdict === "dim") counts.dimmed += 1;
        if (view.verdict === "hide") counts.hidden += 1;
      }
    }
    return counts;
  }

  function createSummary() {
    const summary = make("div", "papersieve-summary");
    summary.setAttribute(OURS, "summary");
    summary.setAttribute("role", "region");
    summary.setAttribute("aria-label", "papersieve");
    const name = make("span", "papersieve-summary-name", "papersieve");
    const text = make("span", "papersieve-summary-text");
    text.setAttribute("role", "status");
    text.setAttribute("aria-live", "polite");
    const toggle = make("button", "papersieve-summary-toggle", "show");
    toggle.type = "button";
    toggle.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      page.revealHidden = !page.revealHidden;
      timed("reveal", () => {
        for (const record of page.records.values()) renderRecord(record);
        renderSummary();
      });
    });
    const notice = make("span", "papersieve-summary-notice");
    summary.append(name, text, toggle, notice);
    return summary;
  }

  function summaryText(counts) {
    const meta = page.meta;
    if (!meta.ready) {
      const ratings = `${meta.labels.up} up, ${meta.labels.down} down so far`;
      if (meta.needed > 0) {
        return `rate ${meta.needed} more paper${meta.needed === 1 ? "" : "s"} to start ranking (${ratings})`;
      }
      return `rate some papers up and some down to start ranking (${ratings})`;
    }
    const parts = [`${counts.scored} scored`, `${counts.highlighted} highlighted`];
    if (counts.dimmed > 0) parts.push(`${counts.dimmed} dimmed`);
    if (counts.hidden > 0) parts.push(`${counts.hidden} hidden`);
    return parts.join(" · ");
  }

  function renderSummary() {
    if (!page.meta) return;
    if (!page.summary) page.summary = createSummary();
    if (!page.summary.isConnected) document.body.append(page.summary);
    const [, text, toggle, notice] = page.summary.children;
    const counts = countViews();
    const line = summaryText(counts);
    if (text.textContent !== line) text.textContent = line;
    toggle.hidden = counts.hidden === 0;
    toggle.textContent = page.revealHidden ? "hide again" : "show";
    toggle.setAttribute("aria-label", page.revealHidden ? "Hide the hidden papers again" : "Show the hidden papers");
    if (notice.textContent !== page.notice) notice.textContent = page.notice;
    notice.hidden = !page.notice;
  }

  function setNotice(message) {
    page.notice = message;
    if (page.summary) renderSummary();
  }

  // ---- scoring -----------------------------------------------------------------------------
  function scheduleRetry() {
    if (page.retryTimer !== null || !page.active) return;
    const delay = AGAIN_DELAYS_MS[Math.min(page.retryCount, AGAIN_DELAYS_MS.length - 1)];
    page.retryCount += 1;
    page.retryTimer = setTimeout(() => {
      page.retryTimer = null;
      runPass(true);
    }, delay);
  }

  /** Records on the page whose score is provisional. */
  function provisionalRecords() {
    const found = [];
    for (const record of page.records.values()) {
      if (isProvisional(record.entry) && record.views.some((view) => view.element.isConnected)) found.push(record);
    }
    return found;
  }

  /**
   * After a successful reply: while some card's score is provisional, ask again later (the same
   * back-off as for failures); a round ends when none is left or after REFINE_FOR_MS. New
   * provisional cards start a new round from the shortest delay.
   */
  function refineLater(fresh) {
    const waiting = provisionalRecords();
    if (waiting.length === 0) {
      page.refineSince = null;
      page.refineGaveUp = false;
      page.retryCount = 0;
      return;
    }
    const now = performance.now();
    if (fresh || page.refineSince === null) {
      page.refineSince = now;
      page.retryCount = 0;
      clearTimeout(page.retryTimer);
      page.retryTimer = null;
      if (page.refineGaveUp) {
        page.refineGaveUp = false;
        timed("refine", () => waiting.forEach(renderRecord));
      }
    }
    if (now - page.refineSince < REFINE_FOR_MS) {
      scheduleRetry();
    } else if (!page.refineGaveUp) {
      page.refineGaveUp = true; // their tooltips now say the score stays an estimate
      timed("refine", () => waiting.forEach(renderRecord));
    }
  }

  /** A short line for the page; the popup has the full explanation. */
  function problemNotice(error) {
    const kind = error ? error.kind : "";
    if (kind === "no_token" || kind === "unauthorized") {
      return "not connected: paste the token from `papersieve token` in papersieve's options";
    }
    return "server unreachable: see the papersieve button in the toolbar";
  }

  /** Ask for these records' scores and mark them; false when the worker/server could not answer. */
  async function requestScores(records, urgent = false) {
    if (records.length === 0) return true;
    for (const record of records) record.asked = true;
    const reply = await askWorker({ intent: "scorePapers", papers: records.map((r) => r.paper), urgent });
    if (!page.active) return false;
    if (!reply.ok) {
      for (const record of records) {
        if (!record.entry) record.asked = false;
        else page.rescoreWanted = true; // keep its old marks, rescore when the worker answers again
      }
      if (page.summary) setNotice(problemNotice(reply.error));
      scheduleRetry();
      return false;
    }
    if (reply.version < page.version) {
      // Scores from before a newer rating: drop them; cards still without a score ask again.
      for (const record of records) if (!record.entry) record.asked = false;
      schedulePass();
      return true;
    }
    page.version = reply.version;
    if (page.notice === problemNotice(null) || page.notice === problemNotice({ kind: "no_token" })) {
      page.notice = "";
    }
    page.meta = { ready: reply.ready, labels: reply.labels, needed: reply.needed };
    const byId = new Map(reply.scores.map((entry) => [entry.id, entry]));
    let fresh = false; // a card that was not provisional before is now
    timed("render", () => {
      for (const record of records) {
        const entry = byId.get(record.paper.id);
        if (entry) {
          if (isProvisional(entry) && !isProvisional(record.entry)) fresh = true;
          record.entry = entry;
        }
        if (record.entry) renderRecord(record);
      }
      renderSummary();
    });
    refineLater(fresh);
    return true;
  }

  /** Find cards not seen before; returns the records that still need scores. */
  function discoverCards() {
    const adapter = page.adapter;
    const extractStart = performance.now();
    let cards;
    try {
      cards = adapter.extract(document) || [];
    } catch {
      cards = [];
    }
    performance.measure("papersieve:extract", { start: extractStart, end: performance.now() });
    const unscored = new Set();
    const known = [];
    for (const card of cards) {
      if (!card || !card.element || page.seen.has(card.element)) continue;
      if (typeof card.id !== "string" || card.id === "") continue;
      page.seen.add(card.element);
      const elements = Array.isArray(card.elements) && card.elements.length > 0 ? card.elements : [card.element];
      let record = page.records.get(card.id);
      if (!record) {
        const paper = { id: card.id, title: card.title || "", abstract: card.abstract || "", url: card.url || "" };
        record = { paper, entry: null, asked: false, voting: false, views: [] };
        page.records.set(card.id, record);
      }
      record.views.push({ element: card.element, elements, bar: null, verdict: null, revealed: false });
      if (record.entry) known.push(record);
      else if (!record.asked) unscored.add(record);
    }
    for (const record of page.records.values()) {
      if (!record.entry && !record.asked) unscored.add(record);
      for (const view of record.views) {
        if (view.bar && !view.bar.isConnected && view.element.isConnected) view.element.prepend(view.bar);
      }
    }
    for (const record of known) renderRecord(record);
    if (page.summary && !page.summary.isConnected) document.body.append(page.summary);
    return [...unscored];
  }

  /** Find and score new cards; `again` (the retry timer): also ask again for provisional scores. */
  function runPass(again = false) {
    page.passTimer = null;
    if (!page.active) return;
    const adapter = pickAdapter();
    if (adapter !== page.adapter) {
      page.adapter = adapter;
      if (!adapter) {
        if (page.summary) page.summary.remove();
        return;
      }
    }
    if (!page.adapter) return;
    const unscored = timed("discover", discoverCards);
    if (unscored.length > 0) requestScores(unscored);
    if (page.rescoreWanted && page.voting === 0) {
      page.rescoreWanted = false;
      rescorePage(); // provisional scores included
    } else if (again && !page.refineGaveUp) {
      const provisional = provisionalRecords();
      if (provisional.length > 0) requestScores(provisional);
    }
  }

  function schedulePass() {
    if (page.passTimer === null && page.active) page.passTimer = setTimeout(runPass, PASS_DELAY_MS);
  }

  function visibleRecords() {
    const visible = [];
    const rest = [];
    const height = window.innerHeight;
    for (const record of page.records.values()) {
      const onPage = record.views.filter((view) => view.element.isConnected);
      if (onPage.length === 0) continue;
      const inView = onPage.some((view) => {
        const rect = view.element.getBoundingClientRect();
        return rect.height > 0 && rect.bottom > 0 && rect.top < height;
      });
      (inView ? visible : rest).push(record);
    }
    return { visible, rest };
  }

  /** Score every card on the page again, the ones in view first (then `onVisible()`). */
  async function rescorePage(onVisible = () => {}) {
    const { visible, rest } = timed("rescore", visibleRecords);
    const ok = await requestScores(visible, true);
    onVisible();
    if (ok) await requestScores(rest);
  }

  function scheduleRescore() {
    clearTimeout(page.rescoreTimer);
    page.rescoreTimer = setTimeout(() => {
      page.rescoreTimer = null;
      if (page.active && page.voting === 0) rescorePage();
    }, 60);
  }

  // ---- 👍 / 👎 -------------------------------------------------------------------------------
  async function vote(record, rating) {
    if (record.voting) return;
    const start = performance.now();
    const previous = record.entry ? record.entry.rating : null;
    const next = previous === rating ? null : rating;
    record.voting = true;
    page.voting += 1;
    setBusy(record, true);
    const base = record.entry || { id: record.paper.id, score: null, reasons: [], reasonsAgainst: [] };
    record.entry = { ...base, rating: next };
    timed("vote", () => renderRecord(record));
    const reply = await askWorker(
      next === null
        ? { intent: "undoFeedback", paper: record.paper }
        : { intent: "sendFeedback", paper: record.paper, rating: next },
    );
    try {
      if (!page.active) return;
      if (reply.ok) {
        setNotice("");
        await rescorePage(() => performance.measure("papersieve:vote-to-remark", { start, end: performance.now() }));
        performance.measure("papersieve:vote-to-remark-all", { start, end: performance.now() });
      } else if (reply.queued) {
        setNotice("rating kept here; it will reach the server when it is back");
      } else {
        record.entry = { ...record.entry, rating: previous };
        timed("vote", () => renderRecord(record));
        setNotice(`rating not saved: ${reply.error.message}`);
      }
    } finally {
      record.voting = false;
      page.voting -= 1;
      setBusy(record, false);
    }
  }

  /** aria-busy on the card's bar while its rating is on its way and the page is being rescored. */
  function setBusy(record, busy) {
    for (const view of record.views) {
      if (!view.bar) continue;
      if (busy) view.bar.setAttribute("aria-busy", "true");
      else view.bar.removeAttribute("aria-busy");
    }
  }

  function onBarClick(event) {
    const button = event.target.closest("button.papersieve-vote");
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    const record = page.recordByBar.get(event.currentTarget);
    if (record) vote(record, Number(button.dataset.rating));
  }

  // ---- start, stop, settings -------------------------------------------------------------
  const pickAdapter = () => {
    const adapters = Array.isArray(globalThis.papersieveAdapters) ? globalThis.papersieveAdapters : [];
    return (
      adapters.find((adapter) => {
        try {
          return adapter.matches(location.href);
        } catch {
          return false;
        }
      }) || null
    );
  };

  function isForeignMutation(mutation) {
    if (isOurs(mutation.target)) return false;
    for (const node of mutation.addedNodes) if (!isOurs(node)) return true;
    for (const node of mutation.removedNodes) if (!isOurs(node)) return true;
    return false;
  }

  function start() {
    if (page.active) return;
    page.active = true;
    page.observer = new MutationObserver((mutations) => {
      const start = performance.now();
      if (mutations.some(isForeignMutation)) schedulePass();
      performance.measure("papersieve:main", { start, end: performance.now(), detail: "observe" });
    });
    observeDocument(page.observer);
    runPass();
  }

  function stop() {
    page.active = false;
    if (page.observer) page.observer.disconnect();
    for (const timer of [page.passTimer, page.retryTimer, page.rescoreTimer]) clearTimeout(timer);
    page.passTimer = page.retryTimer = page.rescoreTimer = null;
    page.retryCount = 0;
    page.refineSince = null;
    page.refineGaveUp = false;
    for (const record of page.records.values()) {
      for (const view of record.views) {
        if (view.bar) view.bar.remove();
        for (const element of view.elements) {
          element.classList.remove(...Object.values(VERDICT_CLASS), REVEALED_CLASS);
        }
      }
    }
    if (page.summary) page.summary.remove();
    page.records.clear();
    page.seen = new WeakSet();
    page.summary = null;
    page.meta = null;
  }

  async function loadDisplay() {
    const reply = await askWorker({ intent: "getPageSettings", host: location.hostname });
    if (!reply.ok) {
      scheduleDisplayRetry();
      return;
    }
    const previous = page.display;
    page.display = { highlightAbove: reply.highlightAbove, dimBelow: reply.dimBelow, mode: reply.mode };
    if (reply.paused) {
      stop();
      return;
    }
    if (!page.active) {
      start();
      return;
    }
    if (previous && JSON.stringify(previous) !== JSON.stringify(page.display)) {
      timed("settings", () => {
        for (const record of page.records.values()) renderRecord(record);
        renderSummary();
      });
    }
    if (reply.version !== page.version && page.voting === 0) scheduleRescore();
  }

  function scheduleDisplayRetry() {
    setTimeout(() => {
      if (extensionAlive()) loadDisplay();
    }, 2000);
  }

  ext.storage.onChanged.addListener((changes, area) => {
    if (area !== "local") return;
    if (changes.settings) loadDisplay();
    else if (changes.ratingsVersion && page.active && page.voting === 0) {
      if (changes.ratingsVersion.newValue !== page.version) scheduleRescore();
    }
  });

  ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== ext.runtime.id || !message || message.intent !== "getPageCounts") return false;
    const counts = countViews();
    sendResponse({
      ok: true,
      site: page.adapter ? page.adapter.name : null,
      host: location.hostname,
      active: page.active,
      ready: page.meta ? page.meta.ready : null,
      needed: page.meta ? page.meta.needed : null,
      ...counts,
    });
    return false;
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && page.retryTimer !== null) {
      clearTimeout(page.retryTimer);
      page.retryTimer = null;
      runPass(true);
    }
  });

  loadDisplay();
})();
