"""arXiv listings (/new, /recent, /pastweek, month) and search results, with raw or typeset TeX."""

# The page templates keep the sites' markup on one line per element, as the real pages have it.
# ruff: noqa: E501

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from training.datasets.shared_data import arxiv_style_id
from training.harness.sites.arxiv_frame import ARXIV_FOOT, arxiv_head
from training.harness.sites.markup import escape, wrapped
from training.harness.sites.papers import SnapshotPaper


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
    paper, pid = entry.paper, escape(entry.paper.id)
    kind = {"new": "", "cross": "(cross-list from cs.AI)", "rep": "(replaced)"}[entry.kind]
    authors = ", ".join(
        f'<a href="https://arxiv.org/a/{escape(name.split()[-1].lower())}_1" rel="nofollow">{escape(name)}</a>'
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
        lines = "\n".join(escape(line) for line in wrapped(paper.abstract, 80).splitlines())
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
          {escape(paper.title)}
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
    return f"\n<dl id='articles'>\n    <h3>{escape(heading)}</h3>\n{items}\n</dl>"


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
    ).replace("{0}", escape(category))
    return (
        arxiv_head(f"{category} new submissions", mathjax)
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
    pid = escape(shown_id)

    def highlight(text: str) -> str:
        escaped = escape(text)
        if not query_word:
            return escaped
        return re.sub(
            rf"\b({re.escape(escape(query_word))})\b",
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
        f'<a href="/search/?searchtype=author&amp;query={escape(name.split()[-1])}">{escape(name)}</a>'
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
        arxiv_head("Search | arXiv e-print repository", mathjax)
        + f"""
<div class="content">
  <div class="level is-marginless"><div class="level-left">
    <h1 class="title is-clearfix">Showing 1&ndash;{len(papers)} of {len(papers)} results for all: <span class="mathjax">{escape(query)}</span></h1>
  </div></div>
  <div class="content">
    <form method="GET" action="/search/" aria-role="search">
      <input class="input is-medium" id="query" name="query" placeholder="Search term..." type="text" value="{escape(query)}">
      <button class="button is-link is-medium">Search</button>
    </form>
  </div>
  <nav class="pagination is-small is-centered breathe-horizontal" role="navigation" aria-label="pagination">
    <a href="" class="pagination-previous is-invisible">Previous</a><a href="" class="pagination-next is-invisible">Next</a>
    <ul class="pagination-list"><li><a href="/search/?query={escape(query)}&amp;start=0" class="pagination-link is-current" aria-label="Goto page 1">1</a></li></ul>
  </nav>
  <ol class="breathe-horizontal" start="1">{results}
  </ol>
</div>"""
        + ARXIV_FOOT
    )
