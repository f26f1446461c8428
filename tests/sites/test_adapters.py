"""The site adapters read every card of real-structured page snapshots, in a real Chromium."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from tests.support import missing_tool
from training.harness import sites as s
from training.harness.browser import CHROMIUM, CHROMIUM_ARGS

REPO_ROOT = Path(__file__).resolve().parents[2]
ADAPTER_FILES = [
    REPO_ROOT / "extension/src/adapters/huggingface.js",
    REPO_ROOT / "extension/src/adapters/arxiv.js",
]

# Runs in the page: the named adapter's cards, with elements described by tag names.
EXTRACT_JS = """(name) => {
  const adapter = globalThis.papersieveAdapters.find((a) => a.name === name);
  return adapter.extract(document).map((card) => ({
    id: card.id, title: card.title, abstract: card.abstract, authors: card.authors, url: card.url,
    element: card.element.tagName, elements: card.elements.map((e) => e.tagName),
    decoratedIsListed: card.elements.includes(card.element),
  }));
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        missing_tool(f"browser tests need Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser) -> Iterator[Callable]:
    """open_page(url, html): a fresh page showing `html` at the real `url`, adapters loaded."""
    contexts = []

    def open_(url: str, html: str):
        context = browser.new_context()
        contexts.append(context)
        s.install_routes(context, {url: html})
        page = context.new_page()
        page.goto(url)
        for path in ADAPTER_FILES:
            page.add_script_tag(path=str(path))
        return page

    yield open_
    for context in contexts:
        context.close()


def extract(page, adapter: str) -> list[dict]:
    return page.evaluate(EXTRACT_JS, adapter)


def assert_cards_show(
    cards: list[dict], papers: Sequence[s.SnapshotPaper], *, abstracts: bool, authors: bool = True
) -> None:
    assert [c["id"] for c in cards] == [p.id for p in papers]
    assert [c["title"] for c in cards] == [p.title for p in papers]
    assert [c["abstract"] for c in cards] == [p.abstract if abstracts else "" for p in papers]
    # The snapshots name their papers' (fake) authors, in order, on the card or in the page's JSON;
    # `authors=False`: cards a script added with only a title, so no author names to read.
    names = [[" ".join(n.split()) for n in p.authors] if authors else [] for p in papers]
    assert [c["authors"] for c in cards] == names


HF = list(s.hf_trending_papers())
ARXIV = s.with_tex_titles(s.expertise_papers(40))


# --- Hugging Face --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "build", "papers"),
    [
        ("https://huggingface.co/papers", s.huggingface_daily_page, HF[:20]),
        ("https://huggingface.co/papers/date/2025-01-15", s.huggingface_daily_page, HF[20:45]),
        ("https://huggingface.co/papers/week/2025-W03", s.huggingface_week_page, HF[:50]),
        ("https://huggingface.co/papers/month/2025-01", s.huggingface_month_page, HF[50:]),
        ("https://huggingface.co/papers/trending", s.huggingface_trending_page, HF),
    ],
)
def test_huggingface_cards_join_abstracts_from_hydration_json(open_page, url, build, papers):
    cards = extract(open_page(url, build(papers)), "huggingface-papers")
    assert_cards_show(cards, papers, abstracts=True)
    assert {c["element"] for c in cards} == {"ARTICLE"}
    assert all(c["decoratedIsListed"] for c in cards)
    assert cards[0]["url"] == f"https://huggingface.co/papers/{papers[0].id}"


@pytest.mark.parametrize("breakage", ["missing", "malformed"])
def test_huggingface_without_usable_hydration_json_still_lists_cards(open_page, breakage):
    page = open_page(
        "https://huggingface.co/papers", s.huggingface_daily_page(HF[:8], hydration=breakage == "malformed")
    )
    if breakage == "malformed":
        page.evaluate("""() => document.querySelector('[data-target="DailyPapers"]')
                             .setAttribute('data-props', '{"dailyPapers": [{"paper": ')""")
    assert_cards_show(extract(page, "huggingface-papers"), HF[:8], abstracts=False)


def test_huggingface_absolute_card_links_are_read(open_page):
    page = open_page("https://huggingface.co/papers", s.huggingface_daily_page(HF[:4]))
    page.evaluate("""() => document.querySelectorAll('article h3 a').forEach(
                       (a) => a.setAttribute('href', 'https://huggingface.co' + a.getAttribute('href')))""")
    assert_cards_show(extract(page, "huggingface-papers"), HF[:4], abstracts=True)


def test_huggingface_cards_arriving_late_are_found(open_page):
    late = s.LateCards(HF[10:22], mode="timer", delay_ms=50, batch=4)
    page = open_page("https://huggingface.co/papers", s.huggingface_daily_page(HF[:10], late=late))
    page.wait_for_selector("body[data-late-remaining='0']")
    assert_cards_show(extract(page, "huggingface-papers"), HF[:22], abstracts=True)


def test_huggingface_load_more_click_appends_cards(open_page):
    late = s.LateCards(HF[5:9], mode="click", batch=4, in_hydration=False)
    page = open_page("https://huggingface.co/papers/trending", s.huggingface_trending_page(HF[:5], late=late))
    assert len(extract(page, "huggingface-papers")) == 5
    page.click("#load-more")
    cards = extract(page, "huggingface-papers")
    assert_cards_show(cards[:5], HF[:5], abstracts=True)
    assert_cards_show(cards[5:], HF[5:9], abstracts=False, authors=False)


@pytest.mark.parametrize("update_hydration", [False, True])
def test_huggingface_client_side_period_swap(open_page, update_hydration):
    swap = s.PeriodSwap(HF[30:36], update_hydration=update_hydration)
    page = open_page(
        "https://huggingface.co/papers/date/2025-01-15", s.huggingface_daily_page(HF[:6], swap=swap)
    )
    assert_cards_show(extract(page, "huggingface-papers"), HF[:6], abstracts=True)
    page.click("#tab-swap")
    assert page.url == "https://huggingface.co/papers/week/2025-W03"
    assert page.evaluate(
        "(url) => papersieveAdapters.find((a) => a.name === 'huggingface-papers').matches(url)", page.url
    )
    assert_cards_show(
        extract(page, "huggingface-papers"),
        HF[30:36],
        abstracts=update_hydration,
        authors=update_hydration,
    )


# --- arXiv ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mathjax", ["raw", "typeset"])
def test_arxiv_new_reads_every_section_with_abstracts(open_page, mathjax):
    page = open_page("https://arxiv.org/list/cs.LG/new", s.arxiv_list_new_page(ARXIV, mathjax=mathjax))
    if mathjax == "typeset":
        assert page.locator(".list-title script[type='math/tex']").count() > 0
        assert page.locator("dd p.mathjax script[type='math/tex']").count() > 0
    cards = extract(page, "arxiv-list")
    assert_cards_show(cards, ARXIV, abstracts=True)
    assert page.locator("dl#articles").count() == 3
    assert {c["element"] for c in cards} == {"DD"}
    assert all(c["elements"] == ["DT", "DD"] and c["decoratedIsListed"] for c in cards)
    assert cards[0]["url"] == f"https://arxiv.org/abs/{ARXIV[0].id}"


@pytest.mark.parametrize(
    ("url", "build"),
    [
        ("https://arxiv.org/list/cs.LG/recent", s.arxiv_list_recent_page),
        ("https://arxiv.org/list/cs.LG/pastweek?show=100", s.arxiv_list_recent_page),
        ("https://arxiv.org/list/cs.LG/2501", s.arxiv_list_month_page),
        ("https://arxiv.org/list/math.PR/2025-01", s.arxiv_list_month_page),
    ],
)
def test_arxiv_listings_without_abstracts(open_page, url, build):
    cards = extract(open_page(url, build(ARXIV[:15])), "arxiv-list")
    assert_cards_show(cards, ARXIV[:15], abstracts=False)


@pytest.mark.parametrize("mathjax", ["raw", "typeset"])
def test_arxiv_search_reads_full_abstract_without_toggle(open_page, mathjax):
    page = open_page(
        "https://arxiv.org/search/?query=learning&searchtype=all",
        s.arxiv_search_page(ARXIV[:20], mathjax=mathjax),
    )
    cards = extract(page, "arxiv-search")
    assert_cards_show(cards, ARXIV[:20], abstracts=True)
    assert {c["element"] for c in cards} == {"LI"}


def test_mathjax3_output_keeps_its_assistive_text(open_page):
    page = open_page("https://arxiv.org/list/cs.LG/new", s.arxiv_list_new_page(ARXIV[:2]))
    page.evaluate("""() => {
      const title = document.querySelector('.list-title');
      title.append(' of ');
      const container = document.createElement('mjx-container');
      container.className = 'MathJax';
      const math = document.createElement('mjx-math');
      math.textContent = 'GLYPHS';
      const assistive = document.createElement('mjx-assistive-mml');
      assistive.textContent = 'x2';
      container.append(math, assistive);
      title.append(container);
    }""")
    assert extract(page, "arxiv-list")[0]["title"] == ARXIV[0].title + " of x2"


# --- URL matching --------------------------------------------------------------------------------

MATCHES = {
    "huggingface-papers": (
        [
            "https://huggingface.co/papers",
            "https://huggingface.co/papers/",
            "https://huggingface.co/papers?date=2025-01-15",
            "https://huggingface.co/papers/date/2025-01-15",
            "https://huggingface.co/papers/week/2025-W03",
            "https://huggingface.co/papers/month/2025-01",
            "https://huggingface.co/papers/trending",
            "https://huggingface.co/papers/trending#top",
        ],
        [
            "https://huggingface.co/papers/2501.01017",
            "https://huggingface.co/models",
            "https://huggingface.co/papers/date/2025-01-15/extra",
            "https://example.com/papers",
            "https://huggingface.co.evil.test/papers",
            "http://127.0.0.1:8417/papers",
        ],
    ),
    "arxiv-list": (
        [
            "https://arxiv.org/list/cs.LG/new",
            "https://arxiv.org/list/cs.LG/recent",
            "https://arxiv.org/list/hep-th/pastweek?skip=0&show=25",
            "https://arxiv.org/list/cs.CL/new#item3",
            "https://www.arxiv.org/list/cs.LG/new",
            "https://arxiv.org/list/cs.LG/2501",
            "https://arxiv.org/list/math.PR/2025-01",
        ],
        [
            "https://arxiv.org/abs/2501.01017",
            "https://arxiv.org/abs/2501.01017v2",
            "https://arxiv.org/pdf/2501.01017",
            "https://arxiv.org/search/?query=x",
            "https://arxiv.org/list/cs.LG",
            "https://arxiv.org/",
            "https://export.arxiv.org.evil.test/list/cs.LG/new",
        ],
    ),
    "arxiv-search": (
        [
            "https://arxiv.org/search/?query=diffusion&searchtype=all",
            "https://arxiv.org/search/advanced?advanced=1&terms-0-term=x",
            "https://arxiv.org/search?query=x",
        ],
        [
            "https://arxiv.org/abs/2501.01017",
            "https://arxiv.org/list/cs.LG/new",
            "https://huggingface.co/papers",
            "https://arxiv.org/searching",
        ],
    ),
}


@pytest.mark.parametrize("adapter", sorted(MATCHES))
def test_url_matching(open_page, adapter):
    page = open_page("https://example.com/blank", "<!doctype html><title>blank</title>")
    positive, negative = MATCHES[adapter]
    verdicts = page.evaluate(
        "([name, urls]) => urls.map((u) => papersieveAdapters.find((a) => a.name === name).matches(u))",
        [adapter, positive + negative],
    )
    assert dict(zip(positive + negative, verdicts, strict=True)) == {
        **dict.fromkeys(positive, True),
        **dict.fromkeys(negative, False),
    }
    owners = page.evaluate(
        "(urls) => urls.map((u) => papersieveAdapters.filter((a) => a.matches(u)).length)", positive
    )
    assert owners == [1] * len(positive)


# --- hostile pages and purity ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "adapter", "build", "abstracts"),
    [
        ("https://huggingface.co/papers", "huggingface-papers", s.huggingface_daily_page, True),
        ("https://arxiv.org/list/cs.LG/new", "arxiv-list", s.arxiv_list_new_page, True),
        ("https://arxiv.org/list/cs.LG/recent", "arxiv-list", s.arxiv_list_recent_page, False),
        ("https://arxiv.org/search/?query=sinks", "arxiv-search", s.arxiv_search_page, True),
    ],
)
def test_hostile_text_stays_inert_text(open_page, url, adapter, build, abstracts):
    papers = s.hostile_papers()
    page = open_page(url, build(papers))
    cards = extract(page, adapter)
    assert_cards_show(cards, papers, abstracts=abstracts)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0


@pytest.mark.parametrize(
    ("url", "adapter", "html"),
    [
        ("https://huggingface.co/papers", "huggingface-papers", s.huggingface_daily_page(HF[:10])),
        (
            "https://arxiv.org/list/cs.LG/new",
            "arxiv-list",
            s.arxiv_list_new_page(ARXIV[:10], mathjax="typeset"),
        ),
        ("https://arxiv.org/search/?query=learning", "arxiv-search", s.arxiv_search_page(ARXIV[:10])),
    ],
)
def test_extract_leaves_the_page_untouched_and_is_repeatable(open_page, url, adapter, html):
    page = open_page(url, html)
    before = page.evaluate("() => document.documentElement.outerHTML")
    first = extract(page, adapter)
    assert page.evaluate("() => document.documentElement.outerHTML") == before
    assert extract(page, adapter) == first


def test_own_badges_do_not_leak_into_titles(open_page):
    page = open_page("https://huggingface.co/papers", s.huggingface_daily_page(HF[:3]))
    page.evaluate("""() => {
      const badge = document.createElement('span');
      badge.dataset.papersieve = 'badge';
      badge.textContent = '87%';
      document.querySelector('article h3 a').append(badge);
    }""")
    assert extract(page, "huggingface-papers")[0]["title"] == HF[0].title


def test_arxiv_search_falls_back_to_the_short_abstract(open_page):
    page = open_page("https://arxiv.org/search/?query=learning", s.arxiv_search_page(ARXIV[:3]))
    page.evaluate("() => document.querySelectorAll('span.abstract-full').forEach((n) => n.remove())")
    abstracts = [c["abstract"] for c in extract(page, "arxiv-search")]
    for abstract, paper in zip(abstracts, ARXIV[:3], strict=True):
        assert abstract and paper.abstract.startswith(abstract)
        assert "▽" not in abstract and not abstract.endswith("…")
