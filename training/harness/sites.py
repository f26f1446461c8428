"""Page snapshots of the digest sites papersieve decorates, built at test time from real papers.

Each builder returns a full HTML page that reproduces the structure of the real site (see
tests/sites/README.md for the markup each one follows and where it was checked), filled with real
titles and abstracts read from ../shared/data (training/datasets/shared_data.py; same ids). Nothing
here copies the data into the repository.
`install_routes` serves such pages for the sites' real URLs in a Playwright browser context.
"""

# The page templates keep the sites' markup on one line per element, as the real pages have it.
# ruff: noqa: E501

from __future__ import annotations

import html
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from urllib.parse import urlsplit

from training.datasets.shared_data import arxiv_style_id, shared_data_dir
from training.datasets.shared_data import hf_trending_papers as shared_hf_papers

HF_ORIGIN = "https://huggingface.co"
ARXIV_ORIGIN = "https://arxiv.org"

GIVEN_NAMES = (
    "Wei",
    "Anna",
    "Rahul",
    "Sofia",
    "Kenji",
    "Maria",
    "Lukas",
    "Aisha",
    "Diego",
    "Yuna",
    "Omar",
    "Elena",
    "Tomasz",
    "Priya",
    "Jonas",
    "Mei",
)
FAMILY_NAMES = (
    "Zhang",
    "Müller",
    "Sharma",
    "Rossi",
    "Tanaka",
    "García",
    "Novak",
    "Okafor",
    "Kim",
    "Ivanova",
    "Dubois",
    "Chen",
    "Silva",
    "Kowalski",
    "Haddad",
    "Larsen",
)
TEX_SUFFIXES = (
    r" with $\mathcal{O}(n \log n)$ Updates",
    r" at $10^{6}$ Tokens",
    r": the $\ell_1$-Regularised Case",
    r" for $k$-NN Retrieval",
)


@dataclass(frozen=True)
class SnapshotPaper:
    """One paper as a snapshot shows it: `title` and `abstract` are what an adapter must read."""

    id: str
    title: str
    abstract: str
    authors: tuple[str, ...] = field(default=())


def fake_authors(index: int) -> tuple[str, ...]:
    """Two to five deterministic author names (the data sets carry no authors)."""
    count = 2 + index % 4
    return tuple(
        f"{GIVEN_NAMES[(index * 7 + k * 3) % len(GIVEN_NAMES)]} "
        f"{FAMILY_NAMES[(index * 5 + k * 11) % len(FAMILY_NAMES)]}"
        for k in range(count)
    )


def _as_papers(records: Iterable[Mapping[str, str]], yymm: str) -> list[SnapshotPaper]:
    return [
        SnapshotPaper(
            id=arxiv_style_id(i, yymm),
            title=" ".join(str(r["title"]).split()),
            abstract=" ".join(str(r.get("abstract") or "").split()),
            authors=fake_authors(i),
        )
        for i, r in enumerate(records)
    ]


@cache
def hf_trending_papers() -> tuple[SnapshotPaper, ...]:
    """The 104 real papers of the saved Hugging Face trending page as a page shows them (text on one
    line, made-up authors), with the shared reader's ids (2501.01017, 2501.01148, …)."""
    records = [{"title": p.title, "abstract": p.abstract} for p in shared_hf_papers()]
    papers = _as_papers(records, "2501")
    assert [p.id for p in papers] == [p.id for p in shared_hf_papers()]
    return tuple(papers)


@cache
def expertise_papers(limit: int = 120) -> tuple[SnapshotPaper, ...]:
    """Real papers from expertise-dev (varied fields, some TeX in abstracts), ids 2412.0NNNN."""
    records = []
    with (shared_data_dir() / "expertise-dev" / "papers.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("title") and record.get("abstract"):
                records.append(record)
            if len(records) == limit:
                break
    return tuple(_as_papers(records, "2412"))


def with_tex_titles(papers: Sequence[SnapshotPaper], every: int = 4) -> list[SnapshotPaper]:
    """Every `every`-th real title gets a raw-TeX suffix, as arXiv titles often carry `$…$`."""
    return [
        replace(p, title=p.title + TEX_SUFFIXES[(i // every) % len(TEX_SUFFIXES)]) if i % every == 0 else p
        for i, p in enumerate(papers)
    ]


def hostile_papers() -> list[SnapshotPaper]:
    """Papers whose text is markup, entities and very long strings: they must show as plain text."""
    long_abstract = " ".join(["Scaling laws for very long abstracts keep going and going."] * 400)
    return [
        SnapshotPaper(
            arxiv_style_id(0, "2502"),
            "<script>window.__pwned = 'title'</script> Attention Sinks",
            "We study <img src=x onerror=\"window.__pwned='abstract'\"> sinks & sources.",
            ("Eve <b>Mallory</b>",),
        ),
        SnapshotPaper(
            arxiv_style_id(1, "2502"),
            "Tom &amp; Jerry: &lt;b&gt;not bold&lt;/b&gt; \"quoted\" 'single'",
            "Entities stay literal: &quot; &#x3C;script&#x3E; &nbsp; </p></dd></dl> still text.",
            ('O\'Brien "Quote"',),
        ),
        SnapshotPaper(arxiv_style_id(2, "2502"), "A" * 3000, long_abstract, ("Long Author",)),
        SnapshotPaper(
            arxiv_style_id(3, "2502"),
            '</h3></article><article><h3><a href="/papers/6666.66666">Fake</a>',
            '--> <!-- ]]> \\u003c/script> {"dailyPapers": []}',
            ("Injector",),
        ),
    ]


# ---------------------------------------------------------------------------------------------
# Hugging Face papers
# ---------------------------------------------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _wrapped(text: str, width: int = 78) -> str:
    """Hard line breaks like arXiv metadata, which HF copies into `paper.title`/`paper.summary`."""
    return textwrap.fill(text, width=width, break_long_words=False, break_on_hyphens=False)


def _inline_json(value: object) -> str:
    """JSON for a <script type="application/json"> body: `<` escaped so no text can close it."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace("\u2028", "\\u2028")


def _hf_entry(paper: SnapshotPaper, rank: int, date: str) -> dict:
    first_sentence = paper.abstract.split(". ")[0]
    authors = [
        {"_id": f"6{rank:03d}{k:02d}", "name": name, "hidden": False} for k, name in enumerate(paper.authors)
    ]
    return {
        "paper": {
            "id": paper.id,
            "authors": authors,
            "publishedAt": f"{date}T17:59:{rank % 60:02d}.000Z",
            "submittedOnDailyAt": f"{date}T05:12:{rank % 60:02d}.000Z",
            "title": _wrapped(paper.title, 70),
            "summary": _wrapped(paper.abstract),
            "upvotes": 120 - rank,
            "discussionId": f"67{rank:04d}ab",
            "ai_summary": f"AI-generated summary: {first_sentence}.",
            "ai_keywords": ["diffusion", "benchmark"],
        },
        "publishedAt": f"{date}T17:59:{rank % 60:02d}.000Z",
        "title": _wrapped(paper.title, 70),
        "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{paper.id}.png",
        "numComments": rank % 5,
        "submittedBy": {
            "_id": "60f1abe7",
            "avatarUrl": "/avatars/submitter.svg",
            "fullname": "AK",
            "name": "akhaliq",
            "type": "user",
        },
        "isAuthorParticipating": rank % 3 == 0,
    }


def hf_hydration_props(
    papers: Sequence[SnapshotPaper], period: str = "day", date: str = "2025-01-15"
) -> dict:
    """The `data-props` object of `[data-target="DailyPapers"]` for these papers."""
    return {
        "dailyPapers": [_hf_entry(p, i, date) for i, p in enumerate(papers)],
        "date": date,
        "prevDate": "2025-01-14",
        "nextDate": "2025-01-16",
        "periodType": period,
        "dateString": date,
        "lastUpdated": f"{date}T12:00:00.000Z",
    }


def hf_card_html(paper: SnapshotPaper, rank: int) -> str:
    """One paper card as the daily papers grid renders it (`article` with `h3 > a`)."""
    pid = _e(paper.id)
    avatars = "".join(
        f'<li title="{_e(name)}" class="-mr-2 h-4 w-4 overflow-hidden rounded-full">'
        f'<img class="h-full w-full" alt="" src="/avatars/{k}.svg"></li>'
        for k, name in enumerate(paper.authors)
    )
    title_lines = "\n\t\t\t\t".join(_e(line) for line in _wrapped(paper.title, 70).splitlines())
    return f"""
<article class="relative flex flex-col overflow-hidden rounded-xl border">
  <a href="/papers/{pid}" class="shadow-alternate-sm peer relative block h-56 w-full overflow-hidden">
    <img src="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{pid}.png" loading="lazy"
      decoding="async" alt="" class="h-full w-full object-cover">
  </a>
  <div class="from-gray-50-to-white -mt-2 flex bg-gradient-to-b px-6 pb-6 pt-8">
    <div class="flex flex-col items-center">
      <div class="shadow-alternate flex h-14 w-12 gap-1 rounded-xl flex-none cursor-pointer select-none">
        <label class="flex flex-col items-center justify-center">
          <input type="checkbox" class="peer hidden">
          <svg class="text-sm" width="1em" height="1em" viewBox="0 0 12 12"><path d="M5.19 2.67a.94.94 0 0 1 1.62 0l3.31 5.72a.94.94 0 0 1-.82 1.4H2.7a.94.94 0 0 1-.82-1.4l3.31-5.7v-.02Z"></path></svg>
          <div class="leading-none">{120 - rank}</div>
        </label>
      </div>
    </div>
    <div class="w-full">
      <h3 class="mb-1 text-lg/6 font-semibold hover:underline peer-hover:underline md:text-2xl/7">
        <a href="/papers/{pid}" class="line-clamp-3 cursor-pointer text-balance">
\t\t\t\t{title_lines}
\t\t\t</a>
      </h3>
      <div class="flex items-center justify-between">
        <a href="/papers/{pid}" class="flex">
          <ul class="flex items-center flex-row-reverse text-sm">{avatars}</ul>
          <div class="whitespace-nowrap text-sm text-gray-500">· {len(paper.authors)} authors</div>
        </a>
        <a href="/papers/{pid}#community" class="flex items-center rounded-md border px-1.5 text-sm">
          <svg width="1em" height="1em" viewBox="0 0 32 32"><path d="M17.74 30 16 29l4-7h6a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h9v2H6a4 4 0 0 1-4-4V8a4 4 0 0 1 4-4h20a4 4 0 0 1 4 4v12a4 4 0 0 1-4 4h-4.84Z"></path></svg>
          {rank % 5}
        </a>
      </div>
      <div class="text-xs text-gray-500">Submitted by <img alt="" class="inline h-3 w-3 rounded-full" src="/avatars/submitter.svg"> AK</div>
    </div>
  </div>
</article>"""


# Appends cards built with createElement/textContent from an inline JSON list (never innerHTML),
# after a delay or on a "Load more" click: cards that arrive after the first extract().
HF_LATE_CARDS_SCRIPT = """
(() => {
  const late = JSON.parse(document.getElementById("late-papers").textContent);
  const config = JSON.parse(document.getElementById("late-config").textContent);
  const grid = document.querySelector("[data-grid]");
  const card = (paper) => {
    const article = document.createElement("article");
    article.className = "relative flex flex-col overflow-hidden rounded-xl border";
    const h3 = document.createElement("h3");
    h3.className = "mb-1 text-lg/6 font-semibold";
    const link = document.createElement("a");
    link.href = "/papers/" + paper.id;
    link.className = "line-clamp-3 cursor-pointer text-balance";
    link.textContent = paper.title;
    h3.append(link);
    const votes = document.createElement("div");
    votes.className = "leading-none";
    votes.textContent = "7";
    article.append(votes, h3);
    return article;
  };
  const append = () => {
    for (const paper of late.splice(0, config.batch)) grid.append(card(paper));
    document.body.dataset.lateRemaining = String(late.length);
  };
  document.body.dataset.lateRemaining = String(late.length);
  if (config.mode === "timer") {
    const tick = () => { append(); if (late.length) setTimeout(tick, config.delayMs); };
    setTimeout(tick, config.delayMs);
  } else {
    document.getElementById("load-more").addEventListener("click", append);
  }
})();
"""

# Swaps the period client-side, like the real tabs: new cards, history.pushState, and (by default)
# the hydration JSON left stale, as a client-side navigation leaves it.
HF_PERIOD_SWAP_SCRIPT = """
(() => {
  const swap = JSON.parse(document.getElementById("swap-data").textContent);
  document.getElementById("tab-swap").addEventListener("click", () => {
    const grid = document.querySelector("[data-grid]");
    for (const old of grid.querySelectorAll("article")) old.remove();
    for (const paper of swap.papers) {
      const article = document.createElement("article");
      article.className = "relative flex flex-col overflow-hidden rounded-xl border";
      const h3 = document.createElement("h3");
      const link = document.createElement("a");
      link.href = "/papers/" + paper.id;
      link.className = "line-clamp-3 cursor-pointer text-balance";
      link.textContent = paper.title;
      h3.append(link);
      article.append(h3);
      grid.append(article);
    }
    if (swap.props !== null) {
      document.querySelector('[data-target="DailyPapers"]').setAttribute("data-props", JSON.stringify(swap.props));
    }
    history.pushState({}, "", swap.path);
  });
})();
"""


@dataclass(frozen=True)
class LateCards:
    """Cards that arrive after load: by timer (`delay_ms` per batch) or per "Load more" click."""

    papers: Sequence[SnapshotPaper]
    mode: str = "timer"
    delay_ms: int = 300
    batch: int = 5
    in_hydration: bool = True


@dataclass(frozen=True)
class PeriodSwap:
    """A period tab (button#tab-swap) that replaces the cards client-side and pushState()s `path`."""

    papers: Sequence[SnapshotPaper]
    path: str = "/papers/week/2025-W03"
    update_hydration: bool = False


def huggingface_papers_page(
    papers: Sequence[SnapshotPaper],
    *,
    period: str = "day",
    date: str = "2025-01-15",
    hydration: bool = True,
    late: LateCards | None = None,
    swap: PeriodSwap | None = None,
) -> str:
    """A Hugging Face papers digest page (daily, weekly, monthly or trending grid)."""
    hydrated = list(papers) + (list(late.papers) if late and late.in_hydration else [])
    props = _e(json.dumps(hf_hydration_props(hydrated, period, date), ensure_ascii=False))
    heading = {
        "day": "Daily Papers",
        "week": "Weekly Papers",
        "month": "Monthly Papers",
        "trending": "Trending Papers",
    }[period]
    cards = "".join(hf_card_html(p, i) for i, p in enumerate(papers))
    scripts = ""
    if late:
        config = {"mode": late.mode, "delayMs": late.delay_ms, "batch": late.batch}
        late_list = [{"id": p.id, "title": p.title} for p in late.papers]
        scripts += (
            f'<script type="application/json" id="late-papers">{_inline_json(late_list)}</script>'
            f'<script type="application/json" id="late-config">{_inline_json(config)}</script>'
            f"<script>{HF_LATE_CARDS_SCRIPT}</script>"
        )
    if swap:
        swap_props = hf_hydration_props(swap.papers, "week", date) if swap.update_hydration else None
        swap_data = {
            "path": swap.path,
            "props": swap_props,
            "papers": [{"id": p.id, "title": p.title} for p in swap.papers],
        }
        scripts += (
            f'<script type="application/json" id="swap-data">{_inline_json(swap_data)}</script>'
            f"<script>{HF_PERIOD_SWAP_SCRIPT}</script>"
        )
    hydrater = (
        f'<div class="SVELTE_HYDRATER contents" data-target="DailyPapers" data-props="{props}">'
        if hydration
        else '<div class="contents">'
    )
    return f"""<!doctype html>
<html class="">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1.0, user-scalable=no">
  <meta property="og:title" content="{heading} - Hugging Face">
  <title>{heading} - Hugging Face</title>
</head>
<body class="flex flex-col min-h-dvh bg-white dark:bg-gray-950 text-black PapersPage">
<div class="flex min-h-dvh flex-col">
  <header class="border-b border-gray-100">
    <div class="w-full px-4 container flex h-16 items-center">
      <a class="mr-5 flex flex-none items-center lg:mr-6" href="/"><img alt="Hugging Face's logo" class="w-7" src="/front/assets/huggingface_logo-noborder.svg"><span class="hidden whitespace-nowrap text-lg font-bold md:block">Hugging Face</span></a>
      <div class="relative flex-1 lg:max-w-sm mr-2"><input autocomplete="off" class="w-full dark:bg-gray-950 form-input-alt h-9 pl-8 pr-3" name="" placeholder="Search models, datasets, users..." spellcheck="false" type="text" value=""></div>
      <nav aria-label="Main" class="ml-auto hidden lg:block"><ul class="flex items-center space-x-1.5">
        <li><a class="group flex items-center px-2 py-0.5" href="/models">Models</a></li>
        <li><a class="group flex items-center px-2 py-0.5" href="/datasets">Datasets</a></li>
        <li><a class="group flex items-center px-2 py-0.5" href="/spaces">Spaces</a></li>
        <li><a class="group flex items-center px-2 py-0.5" href="/papers">Papers</a></li>
        <li><a class="group flex items-center px-2 py-0.5" href="/docs">Docs</a></li>
        <li><a href="/login">Log In</a></li><li><a class="btn" href="/join">Sign Up</a></li>
      </ul></nav>
    </div>
  </header>
  <main class="flex flex-1 flex-col">
    {hydrater}
    <section class="container relative mb-20 mt-8 md:mt-14">
      <div class="mb-12 flex flex-wrap items-center gap-4">
        <h1 class="text-3xl font-bold md:text-4xl"><a href="/papers">{heading}</a></h1>
        <div class="text-gray-500">by <a href="/akhaliq" class="underline">AK</a> and the research community</div>
        <div class="flex gap-1 rounded-lg bg-gray-100 p-1" role="tablist">
          <a href="/papers/date/{date}" class="rounded-md px-2 py-1" role="tab">Daily</a>
          <a href="/papers/week/2025-W03" class="rounded-md px-2 py-1" role="tab">Weekly</a>
          <a href="/papers/month/2025-01" class="rounded-md px-2 py-1" role="tab">Monthly</a>
          <button id="tab-swap" type="button" class="rounded-md px-2 py-1">Switch period</button>
        </div>
        <div class="flex items-center gap-2">
          <a href="/papers/date/2025-01-14" class="btn">Previous</a>
          <a href="/papers/date/2025-01-16" class="btn">Next</a>
          <a href="/papers/2501.00000" class="text-sm underline">Paper of the day</a>
        </div>
      </div>
      <div class="relative grid grid-cols-1 gap-14 lg:grid-cols-2" data-grid>{cards}
      </div>
      <div class="mt-8 flex justify-center"><button id="load-more" type="button" class="btn">Load more</button></div>
    </section>
    </div>
  </main>
  <footer class="b-12 mb-2 flex border-t border-gray-100 md:h-14"><nav class="container flex">
    <a href="/terms-of-service">TOS</a> <a href="/privacy">Privacy</a> <a href="/huggingface">About</a>
  </nav></footer>
</div>
{scripts}
</body>
</html>"""


def huggingface_daily_page(papers: Sequence[SnapshotPaper], **options) -> str:
    """/papers and /papers/date/YYYY-MM-DD."""
    return huggingface_papers_page(papers, period="day", **options)


def huggingface_week_page(papers: Sequence[SnapshotPaper], **options) -> str:
    """/papers/week/YYYY-Www."""
    return huggingface_papers_page(papers, period="week", **options)


def huggingface_month_page(papers: Sequence[SnapshotPaper], **options) -> str:
    """/papers/month/YYYY-MM."""
    return huggingface_papers_page(papers, period="month", **options)


def huggingface_trending_page(papers: Sequence[SnapshotPaper], **options) -> str:
    """/papers/trending."""
    return huggingface_papers_page(papers, period="trending", **options)


# ---------------------------------------------------------------------------------------------
# arXiv listings and search
# ---------------------------------------------------------------------------------------------

MATHJAX_CONFIG = """<script type="text/x-mathjax-config">
  MathJax.Hub.Config({tex2jax: {inlineMath: [["$","$"], ["\\\\(","\\\\)"]], processEscapes: true},
                      messageStyle: "none"});
</script>"""

# MathJax 2 typesetting of `$…$`, as arXiv's pages show after load: a preview span, the rendered
# span (visible glyphs), and the TeX kept in a script[type="math/tex"]. Run by the snapshot when
# `mathjax="typeset"`, so adapters are tested against a page MathJax has already rewritten.
MATHJAX2_SIMULATION = """
(() => {
  let n = 0;
  for (const host of document.querySelectorAll(".mathjax")) {
    const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const text of texts) {
      const parts = text.data.split(/\\$([^$]+)\\$/);
      if (parts.length === 1) continue;
      const frag = document.createDocumentFragment();
      parts.forEach((part, i) => {
        if (i % 2 === 0) { frag.append(part); return; }
        n += 1;
        const preview = document.createElement("span");
        preview.className = "MathJax_Preview";
        const rendered = document.createElement("span");
        rendered.className = "MathJax";
        rendered.id = "MathJax-Element-" + n + "-Frame";
        rendered.setAttribute("role", "presentation");
        const glyphs = document.createElement("span");
        glyphs.className = "math";
        glyphs.textContent = part.replace(/\\\\[a-zA-Z]+|[{}^_]/g, "");
        rendered.append(glyphs);
        const script = document.createElement("script");
        script.type = "math/tex";
        script.id = "MathJax-Element-" + n;
        script.textContent = part;
        frag.append(preview, rendered, script);
      });
      text.replaceWith(frag);
    }
  }
  document.documentElement.dataset.mathjax = "typeset";
})();
"""


def _arxiv_head(title: str, mathjax: str) -> str:
    typeset = (
        (
            '<script>document.addEventListener("DOMContentLoaded", () => {'
            + MATHJAX2_SIMULATION
            + "});</script>"
        )
        if mathjax == "typeset"
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <title>{_e(title)}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" type="text/css" media="screen" href="/static/browse/0.3.4/css/arXiv.css">
  {MATHJAX_CONFIG}
  {typeset}
</head>
<body class="with-cu-identity">
  <div class="flex-wrap-footer">
  <header>
    <a href="#content" class="is-sr-only">Skip to main content</a>
    <div id="cu-identity"><div id="cu-logo"><a href="https://www.cornell.edu/"><img src="/static/browse/0.3.4/images/icons/cu/cornell-reduced-white-SMALL.svg" alt="Cornell University" width="200"></a></div>
      <div id="support-ack"><a href="https://info.arxiv.org/about/ourmembers.html">We gratefully acknowledge support from the Simons Foundation, member institutions, and all contributors.</a>
      <a href="https://info.arxiv.org/about/donate.html" class="btn-header-donate">Donate</a></div></div>
    <div id="header" class="is-hidden-mobile">
      <a aria-hidden="true" tabindex="-1" href="/IgnoreMe"></a>
      <div class="header-breadcrumbs"><a href="/"><img src="/static/browse/0.3.4/images/arxiv-logo-one-color-white.svg" alt="arxiv logo" style="height:40px;"></a></div>
      <div class="search-block level-right">
        <form class="level-item mini-search" method="GET" action="https://arxiv.org/search">
          <input class="input is-small" type="text" name="query" placeholder="Search..." aria-label="Search term or terms">
          <select class="is-small" id="searchtype" name="searchtype"><option value="all" selected="selected">All fields</option><option value="title">Title</option><option value="author">Author</option><option value="abstract">Abstract</option></select>
          <button class="button is-small is-cul-darker">Search</button>
        </form>
      </div>
    </div>
  </header>
  <main>"""


ARXIV_FOOT = """
  </main>
  <footer style="clear: both;"><div class="columns is-desktop" role="navigation" aria-label="Secondary">
    <ul class="nav-spaced"><li><a href="https://info.arxiv.org/about">About</a></li><li><a href="https://info.arxiv.org/help">Help</a></li>
    <li><a href="https://info.arxiv.org/help/contact.html">Contact</a></li><li><a href="https://info.arxiv.org/help/license/index.html">Copyright</a></li>
    <li><a href="https://info.arxiv.org/help/policies/privacy_policy.html">Privacy Policy</a></li></ul></div></footer>
  </div>
</body>
</html>"""


@dataclass(frozen=True)
class ListingEntry:
    """One <dt>/<dd> of a listing: its kind sets the dt's "(cross-list from …)" / "(replaced)"."""

    paper: SnapshotPaper
    kind: str = "new"  # "new", "cross" or "rep"


def _comments_html(paper: SnapshotPaper, index: int) -> str:
    if index % 3 == 0:
        other = arxiv_style_id(index + 400, "2311")
        return (
            f'Extended version of <a href="https://arxiv.org/abs/{other}">arXiv:{other}</a>; '
            f"{12 + index % 9} pages, {3 + index % 5} figures"
        )
    if index % 3 == 1:
        return (
            f'{8 + index % 7} pages. Code: <a href="https://github.com/example/p{index}">this https URL</a>'
        )
    return ""


def _listing_item_html(entry: ListingEntry, number: int, with_abstract: bool) -> str:
    paper, pid = entry.paper, _e(entry.paper.id)
    kind = {"new": "", "cross": "(cross-list from cs.AI)", "rep": "(replaced)"}[entry.kind]
    authors = ", ".join(
        f'<a href="https://arxiv.org/a/{_e(name.split()[-1].lower())}_1" rel="nofollow">{_e(name)}</a>'
        for name in paper.authors
    )
    comments = _comments_html(paper, number)
    comments_html = (
        (
            f"<div class='list-comments mathjax'><span class='descriptor'>Comments:</span>\n"
            f"          {comments}\n        </div>\n"
        )
        if comments
        else ""
    )
    abstract = ""
    if with_abstract:
        lines = "\n".join(_e(line) for line in _wrapped(paper.abstract, 80).splitlines())
        abstract = f"\n        <p class='mathjax'>\n          {lines}\n        </p>"
    return f"""
    <dt>
      <a name='item{number}'>[{number}]</a>
      <a href ="/abs/{pid}" title="Abstract" id="{pid}">
        arXiv:{pid}
      </a>
      {kind}
      [<a href="/pdf/{pid}" title="Download PDF" id="pdf-{pid}" aria-labelledby="pdf-{pid}">pdf</a>, <a href="https://arxiv.org/html/{pid}v1" title="View HTML" id="html-{pid}" aria-labelledby="html-{pid}" rel="noopener noreferrer" target="_blank">html</a>, <a href="/format/{pid}" title="Other formats" id="oth-{pid}" aria-labelledby="oth-{pid}">other</a>]
    </dt>
    <dd>
      <div class='meta'>
        <div class='list-title mathjax'><span class='descriptor'>Title:</span>
          {_e(paper.title)}
        </div>
        <div class='list-authors'>{authors}</div>
        {comments_html}<div class='list-subjects'><span class='descriptor'>Subjects:</span>
          <span class="primary-subject">Machine Learning (cs.LG)</span>; Artificial Intelligence (cs.AI)
        </div>{abstract}
      </div>
    </dd>"""


def _listing_section(
    entries: Sequence[ListingEntry], heading: str, first_number: int, with_abstract: bool
) -> str:
    items = "".join(_listing_item_html(e, first_number + i, with_abstract) for i, e in enumerate(entries))
    return f"\n<dl id='articles'>\n    <h3>{_e(heading)}</h3>\n{items}\n</dl>"


def _listing_page(
    category: str,
    sections: Sequence[tuple[str, Sequence[ListingEntry]]],
    index_html: str,
    with_abstract: bool,
    mathjax: str,
) -> str:
    total = sum(len(entries) for _, entries in sections)
    body, number = [], 1
    for heading, entries in sections:
        body.append(_listing_section(entries, heading, number, with_abstract))
        number += len(entries)
    paging = (
        f"<div class='paging'>Total of {total} entries </div>\n"
        "<div class='morefewer'>Showing up to 2000 entries per page: "
        '<a href=/list/{0}/new?skip=0&amp;show=1000 rel="nofollow">fewer</a> | '
        '<span style="color: #454545">more</span> | <span style="color: #454545">all</span></div>'
    ).replace("{0}", _e(category))
    return (
        _arxiv_head(f"{category} new submissions", mathjax)
        + f"\n<div id='content-inner'>\n<div id='dlpage'>\n  <h1>Machine Learning</h1>\n{index_html}\n"
        + paging
        + "".join(body)
        + "\n"
        + paging
        + "\n</div>\n</div>"
        + ARXIV_FOOT
    )


def arxiv_list_new_page(
    papers: Sequence[SnapshotPaper], *, category: str = "cs.LG", mathjax: str = "raw"
) -> str:
    """/list/<cat>/new: sections for new submissions, cross-lists and replacements, with abstracts.

    The papers are split in thirds-ish: first half new, next quarter cross-lists, rest replaced.
    `mathjax="typeset"` makes the page rewrite `$…$` like MathJax 2 does after load.
    """
    n = len(papers)
    new, cross, rep = papers[: n // 2], papers[n // 2 : (3 * n) // 4], papers[(3 * n) // 4 :]
    sections = [
        (f"New submissions (showing {len(new)} of {len(new)} entries)", [ListingEntry(p) for p in new]),
        (
            f"Cross submissions (showing {len(cross)} of {len(cross)} entries)",
            [ListingEntry(p, "cross") for p in cross],
        ),
        (
            f"Replacement submissions (showing {len(rep)} of {len(rep)} entries)",
            [ListingEntry(p, "rep") for p in rep],
        ),
    ]
    index_html = f"""  <ul>
    <li><a href="/list/{category}/new?skip=0&amp;show=2000#item1" rel="nofollow">New submissions</a></li>
    <li><a href="/list/{category}/new?skip=0&amp;show=2000#item{len(new) + 1}" rel="nofollow">Cross-lists</a></li>
    <li><a href="/list/{category}/new?skip=0&amp;show=2000#item{len(new) + len(cross) + 1}" rel="nofollow">Replacements</a></li>
  </ul>
  <p>See <a id="recent-{category}" aria-labelledby="recent-{category}" href="/list/{category}/recent">recent</a> articles</p>
  <h3>Showing new listings for Wednesday, 15 January 2025</h3>"""
    return _listing_page(category, sections, index_html, True, mathjax)


def arxiv_list_recent_page(
    papers: Sequence[SnapshotPaper], *, category: str = "cs.LG", days: int = 3, mathjax: str = "raw"
) -> str:
    """/list/<cat>/recent (and /pastweek, which arXiv now serves the same way): one `dl#articles`
    per announcement day, titles and authors only (no abstracts)."""
    size = max(1, -(-len(papers) // days))
    chunks = [papers[i : i + size] for i in range(0, len(papers), size)]
    day_names = (
        "Wed, 15 Jan 2025",
        "Tue, 14 Jan 2025",
        "Mon, 13 Jan 2025",
        "Fri, 10 Jan 2025",
        "Thu, 9 Jan 2025",
    )
    sections = [
        (
            f"{day_names[i % len(day_names)]} (showing {len(c)} of {len(c)} entries )",
            [ListingEntry(p, "cross" if j % 4 == 3 else "new") for j, p in enumerate(c)],
        )
        for i, c in enumerate(chunks)
    ]
    links = "".join(
        f'<li><a href="/list/{category}/recent?skip={i * size}&amp;show={size}" rel="nofollow">'
        f"{day_names[i % len(day_names)]}</a></li>"
        for i in range(len(chunks))
    )
    index_html = (
        f"  <h2>Authors and titles for recent submissions</h2>\n  <ul>{links}</ul>\n"
        f'  <p>See today\'s <a id="new-{category}" href="/list/{category}/new">new</a> changes</p>'
    )
    return _listing_page(category, sections, index_html, False, mathjax)


def arxiv_list_month_page(
    papers: Sequence[SnapshotPaper], *, category: str = "cs.LG", mathjax: str = "raw"
) -> str:
    """/list/<cat>/YYMM or /list/<cat>/YYYY-MM: one `dl#articles`, no abstracts."""
    sections = [("", [ListingEntry(p) for p in papers])]
    return _listing_page(category, sections, "  <h2>Authors and titles for January 2025</h2>", False, mathjax)


def _search_result_html(paper: SnapshotPaper, index: int, query_word: str) -> str:
    shown_id = f"{paper.id}v2" if index % 5 == 4 else paper.id
    pid = _e(shown_id)

    def highlight(text: str) -> str:
        escaped = _e(text)
        if not query_word:
            return escaped
        return re.sub(
            rf"\b({re.escape(_e(query_word))})\b",
            r'<span class="search-hit mathjax">\1</span>',
            escaped,
            flags=re.IGNORECASE,
        )

    words = paper.abstract.split()
    preview = " ".join(words[:40])
    truncated = len(words) > 40
    more = (
        (
            '<a class="is-size-7" style="white-space: nowrap;" onclick="document.getElementById('
            f"'{pid}-abstract-full').style.display = 'inline'; document.getElementById('{pid}-abstract-short')"
            ".style.display = 'none';\">&#9661; More</a>"
        )
        if truncated
        else ""
    )
    authors = ", ".join(
        f'<a href="/search/?searchtype=author&amp;query={_e(name.split()[-1])}">{_e(name)}</a>'
        for name in paper.authors
    )
    return f"""
  <li class="arxiv-result">
    <div class="is-marginless">
      <p class="list-title is-inline-block"><a href="https://arxiv.org/abs/{pid}">arXiv:{pid}</a>
        <span>&nbsp;[<a href="https://arxiv.org/pdf/{pid}">pdf</a>, <a href="https://arxiv.org/format/{pid}">other</a>]&nbsp;</span>
      </p>
      <div class="tags is-inline-block">
        <span class="tag is-small is-link tooltip is-tooltip-top" data-tooltip="Machine Learning">cs.LG</span>
        <span class="tag is-small is-grey tooltip is-tooltip-top" data-tooltip="Artificial Intelligence">cs.AI</span>
      </div>
    </div>
    <p class="title is-5 mathjax">
        {highlight(paper.title)}
    </p>
    <p class="authors">
      <span class="has-text-black-bis has-text-weight-semibold">Authors:</span>
      {authors}
    </p>
    <p class="abstract mathjax">
      <span class="has-text-black-bis has-text-weight-semibold">Abstract</span>:
      <span class="abstract-short has-text-grey-dark mathjax" id="{pid}-abstract-short" style="display: inline;">
        {highlight(preview)}{"&hellip;" if truncated else ""}
        {more}
      </span>
      <span class="abstract-full has-text-grey-dark mathjax" id="{pid}-abstract-full" style="display: none;">
        {highlight(paper.abstract)}
        <a class="is-size-7" style="white-space: nowrap;" onclick="document.getElementById('{pid}-abstract-full').style.display = 'none'; document.getElementById('{pid}-abstract-short').style.display = 'inline';">&#9651; Less</a>
      </span>
    </p>
    <p class="is-size-7"><span class="has-text-black-bis has-text-weight-semibold">Submitted</span> 14 January, 2025;
      <span class="has-text-black-bis has-text-weight-semibold">originally announced</span> January 2025.</p>
    <p class="comments is-size-7"><span class="has-text-black-bis has-text-weight-semibold">Comments:</span>
      <span class="has-text-grey-dark mathjax">See also <a href="https://arxiv.org/abs/2311.00042">arXiv:2311.00042</a></span></p>
  </li>"""


def arxiv_search_page(
    papers: Sequence[SnapshotPaper], *, query: str = "learning", mathjax: str = "raw"
) -> str:
    """/search/?query=…&searchtype=all: `li.arxiv-result` items with search-hit highlights and the
    short/full abstract pair (the full one hidden, ending in its "△ Less" toggle)."""
    results = "".join(_search_result_html(p, i, query) for i, p in enumerate(papers))
    return (
        _arxiv_head("Search | arXiv e-print repository", mathjax)
        + f"""
<div class="content">
  <div class="level is-marginless"><div class="level-left">
    <h1 class="title is-clearfix">Showing 1&ndash;{len(papers)} of {len(papers)} results for all: <span class="mathjax">{_e(query)}</span></h1>
  </div></div>
  <div class="content">
    <form method="GET" action="/search/" aria-role="search">
      <input class="input is-medium" id="query" name="query" placeholder="Search term..." type="text" value="{_e(query)}">
      <button class="button is-link is-medium">Search</button>
    </form>
  </div>
  <nav class="pagination is-small is-centered breathe-horizontal" role="navigation" aria-label="pagination">
    <a href="" class="pagination-previous is-invisible">Previous</a><a href="" class="pagination-next is-invisible">Next</a>
    <ul class="pagination-list"><li><a href="/search/?query={_e(query)}&amp;start=0" class="pagination-link is-current" aria-label="Goto page 1">1</a></li></ul>
  </nav>
  <ol class="breathe-horizontal" start="1">{results}
  </ol>
</div>"""
        + ARXIV_FOOT
    )


# ---------------------------------------------------------------------------------------------
# Serving snapshots for the real URLs
# ---------------------------------------------------------------------------------------------


def _is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in {"127.0.0.1", "localhost", "::1"}


def install_routes(context, pages: Mapping[str, str], *, block_others: bool = True) -> None:
    """Serve `pages` ({url glob: html}) for those URLs in a Playwright BrowserContext (or Page).

    With `block_others`, every other non-loopback request (thumbnails, avatars, CSS, MathJax) is
    aborted at once, so nothing waits on the closed network; loopback requests (the papersieve
    server) pass untouched. Later `install_routes` calls take precedence over earlier ones.
    """
    if block_others:
        context.route(lambda url: not _is_loopback(url), lambda route: route.abort())
    for pattern, body in pages.items():
        context.route(pattern, fulfill_with(body))


def fulfill_with(body: str) -> Callable:
    """A Playwright route handler answering with `body` as an HTML page."""

    def fulfill(route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)

    return fulfill


def default_site_pages() -> dict[str, str]:
    """One page per supported URL shape, filled with real papers: {url glob: html}."""
    hf = list(hf_trending_papers())
    arxiv = with_tex_titles(expertise_papers(60))
    return {
        f"{HF_ORIGIN}/papers": huggingface_daily_page(hf[:20]),
        f"{HF_ORIGIN}/papers/date/*": huggingface_daily_page(hf[:20]),
        f"{HF_ORIGIN}/papers/week/*": huggingface_week_page(hf[20:50]),
        f"{HF_ORIGIN}/papers/month/*": huggingface_month_page(hf[:60]),
        f"{HF_ORIGIN}/papers/trending": huggingface_trending_page(hf),
        f"{ARXIV_ORIGIN}/list/*/new*": arxiv_list_new_page(arxiv[:40]),
        f"{ARXIV_ORIGIN}/list/*/recent*": arxiv_list_recent_page(arxiv[40:60]),
        f"{ARXIV_ORIGIN}/list/*/pastweek*": arxiv_list_recent_page(arxiv[40:60]),
        f"{ARXIV_ORIGIN}/search/**": arxiv_search_page(arxiv[:25]),
    }
