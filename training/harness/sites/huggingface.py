"""Hugging Face papers pages (daily, week, month, trending): hydration JSON, cards, late cards, period swaps."""

# The page templates keep the sites' markup on one line per element, as the real pages have it.
# ruff: noqa: E501

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from training.harness.sites.huggingface_scripts import HF_LATE_CARDS_SCRIPT, HF_PERIOD_SWAP_SCRIPT
from training.harness.sites.markup import escape, inline_json, wrapped
from training.harness.sites.papers import SnapshotPaper


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
            "title": wrapped(paper.title, 70),
            "summary": wrapped(paper.abstract),
            "upvotes": 120 - rank,
            "discussionId": f"67{rank:04d}ab",
            "ai_summary": f"AI-generated summary: {first_sentence}.",
            "ai_keywords": ["diffusion", "benchmark"],
        },
        "publishedAt": f"{date}T17:59:{rank % 60:02d}.000Z",
        "title": wrapped(paper.title, 70),
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
    pid = escape(paper.id)
    avatars = "".join(
        f'<li title="{escape(name)}" class="-mr-2 h-4 w-4 overflow-hidden rounded-full">'
        f'<img class="h-full w-full" alt="" src="/avatars/{k}.svg"></li>'
        for k, name in enumerate(paper.authors)
    )
    title_lines = "\n\t\t\t\t".join(escape(line) for line in wrapped(paper.title, 70).splitlines())
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
    props = escape(json.dumps(hf_hydration_props(hydrated, period, date), ensure_ascii=False))
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
            f'<script type="application/json" id="late-papers">{inline_json(late_list)}</script>'
            f'<script type="application/json" id="late-config">{inline_json(config)}</script>'
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
            f'<script type="application/json" id="swap-data">{inline_json(swap_data)}</script>'
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
