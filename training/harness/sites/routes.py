"""Serving snapshots at the sites' real URLs in a Playwright browser context."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from training.harness.sites.arxiv import arxiv_list_new_page, arxiv_list_recent_page, arxiv_search_page
from training.harness.sites.huggingface import (
    huggingface_daily_page,
    huggingface_month_page,
    huggingface_trending_page,
    huggingface_week_page,
)
from training.harness.sites.papers import expertise_papers, hf_trending_papers, with_tex_titles

HF_ORIGIN = "https://huggingface.co"
ARXIV_ORIGIN = "https://arxiv.org"


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
