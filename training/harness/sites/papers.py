"""The real papers a snapshot shows: the shared trending page, expertise-dev, fake authors, hostile text."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from training.datasets.shared_data import arxiv_style_id, shared_data_dir
from training.datasets.shared_data import hf_trending_papers as shared_hf_papers

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
