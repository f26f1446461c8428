import pytest

from server.label_formats import export_ratings, import_ratings, read_import
from server.store import Paper, RatedPaper
from server.validation import InvalidInput


@pytest.fixture
def rated(hf_papers):
    return [
        RatedPaper(
            Paper(p["id"], p["title"], p["abstract"], p["url"]),
            1 if i % 3 else -1,
            f"2026-11-{10 + i:02d}T08:00:00.000001+00:00",
        )
        for i, p in enumerate(hf_papers[:12])
    ] + [
        RatedPaper(
            Paper("2401.99999", 'Quotes " commas, and\nnewlines; ünïcödé $\\alpha$', "", ""),
            1,
            "2026-11-30T08:00:00+00:00",
        )
    ]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip_loses_nothing(rated, fmt):
    text = export_ratings("default", rated, fmt)
    back = import_ratings(text, fmt)
    # whitespace inside titles is normalised on the way in, as for every paper the server stores
    expected = [
        RatedPaper(
            Paper(r.paper.id, " ".join(r.paper.title.split()), r.paper.abstract, r.paper.url),
            r.rating,
            r.rated_at,
        )
        for r in rated
    ]
    assert back == expected


def test_bibtex_entries_are_thumbs_up_with_arxiv_ids_when_known():
    bib = r"""
@article{vaswani2017, title={{Attention} Is All You Need}, eprint={1706.03762v5}, archivePrefix={arXiv},
  abstract={The dominant sequence transduction models}}
@inproceedings{doi-only, title={Deep Residual Learning}, doi={10.1109/CVPR.2016.90}}
@misc{plain, title={A note}, url={https://arxiv.org/abs/2401.12345}}
@book{nothing, title={A Book}}
"""
    rated = import_ratings(bib, "bibtex")
    assert [(r.paper.id, r.rating) for r in rated] == [
        ("1706.03762", 1),
        ("doi:10.1109/CVPR.2016.90", 1),
        ("2401.12345", 1),
        ("bibtex:nothing", 1),
    ]
    assert rated[0].paper.title == "Attention Is All You Need"
    assert rated[0].paper.abstract == "The dominant sequence transduction models"


def test_a_line_of_an_id_list_that_is_no_id_is_skipped_with_its_number():
    result = read_import("2401.00001\nnot an id\n", "arxiv-ids")
    assert [r.paper.id for r in result.rated] == ["2401.00001"]
    assert [(s.line, s.reason) for s in result.skipped] == [(2, "is not an arXiv id or arXiv link")]


def test_arxiv_id_lists_accept_ids_links_and_comments():
    text = "# my reading list\n2401.12345v2\narXiv:2312.00001\nhttps://arxiv.org/pdf/2310.11111v1.pdf\n\nhep-th/9901001\n"
    assert [r.paper.id for r in import_ratings(text, "arxiv-ids")] == [
        "2401.12345",
        "2312.00001",
        "2310.11111",
        "hep-th/9901001",
    ]


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("{not json", "json", "not valid JSON"),
        ('{"ratings": 3}', "json", "expected a JSON list"),
        ('[{"id": "2401.00001", "rating": 2}]', "json", "rating 1: 'rating' must be 1"),
        ('[{"id": "2401.00001", "rating": 1, "rated_at": "yesterday"}]', "json", "ISO 8601"),
        ('[{"id": "has space", "rating": 1}]', "json", "invalid paper id"),
        ("title,rating\nx,1\n", "csv", "'id' column"),
        ("not an id\n", "arxiv-ids", "line 1"),
        ("@article{x, title={unclosed", "bibtex", "could not be parsed"),
        ("", "arxiv-ids", "no arXiv ids"),
        ("[]", "yaml", "unknown import format"),
    ],
)
def test_malformed_files_are_refused_with_a_clear_message(text, fmt, message):
    with pytest.raises(InvalidInput, match=message):
        import_ratings(text, fmt)
