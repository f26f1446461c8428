"""Digest-page snapshots of the supported sites, from real papers (markup: tests/sites/README.md)."""

from training.harness.sites.arxiv import (
    arxiv_list_month_page,
    arxiv_list_new_page,
    arxiv_list_recent_page,
    arxiv_search_page,
)
from training.harness.sites.huggingface import (
    LateCards,
    PeriodSwap,
    hf_card_html,
    hf_hydration_props,
    huggingface_daily_page,
    huggingface_month_page,
    huggingface_papers_page,
    huggingface_trending_page,
    huggingface_week_page,
)
from training.harness.sites.papers import (
    SnapshotPaper,
    expertise_papers,
    fake_authors,
    hf_trending_papers,
    hostile_papers,
    with_tex_titles,
)
from training.harness.sites.routes import (
    ARXIV_ORIGIN,
    HF_ORIGIN,
    default_site_pages,
    fulfill_with,
    install_routes,
)

__all__ = [
    "ARXIV_ORIGIN",
    "HF_ORIGIN",
    "LateCards",
    "PeriodSwap",
    "SnapshotPaper",
    "arxiv_list_month_page",
    "arxiv_list_new_page",
    "arxiv_list_recent_page",
    "arxiv_search_page",
    "default_site_pages",
    "expertise_papers",
    "fake_authors",
    "fulfill_with",
    "hf_card_html",
    "hf_hydration_props",
    "hf_trending_papers",
    "hostile_papers",
    "huggingface_daily_page",
    "huggingface_month_page",
    "huggingface_papers_page",
    "huggingface_trending_page",
    "huggingface_week_page",
    "install_routes",
    "with_tex_titles",
]
