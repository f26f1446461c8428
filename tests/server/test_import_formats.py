"""Seeding a profile from a reader's library: real-world-shaped exports (Zotero, JabRef, Mendeley
BibTeX; Zotero CSL-JSON and RIS; a pasted list of links) read by the library, through the CLI and
the API: damaged entries skipped by line, LaTeX decoded, arXiv ids found, duplicates merged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.app import create_app, shutdown_app
from server.cli import main
from server.label_formats import read_import
from server.store import Store
from server.validation import InvalidInput
from tests.server.conftest import TOKEN

LIBRARY = Path(__file__).resolve().parents[1] / "fixtures" / "library"


@pytest.fixture
def app(tmp_path):
    """The app without its embedding worker: importing never waits for the sentence encoder."""
    app = create_app({"DATA_DIR": tmp_path / "data", "TOKEN": TOKEN, "TESTING": True, "EMBEDDINGS": False})
    yield app
    shutdown_app(app)


def read(name: str, fmt: str | None = None):
    return read_import((LIBRARY / name).read_text(encoding="utf-8"), fmt)


def ids(result) -> list[str]:
    return [item.paper.id for item in result.rated]


def by_id(result) -> dict:
    return {item.paper.id: item.paper for item in result.rated}


def test_a_zotero_bibtex_export_with_a_broken_entry_in_the_middle():
    result = read("zotero.bib")
    assert result.format == "bibtex"
    assert ids(result) == [
        "2501.10000",
        "2501.10001",
        "1509.05363",
        "2501.10003",
        "doi:10.1007/BF01700692",
        "hep-th/9711200",
        "2501.10005",
    ]
    assert all(item.rating == 1 for item in result.rated)
    # the damaged entry is reported by the line it starts on, the entries after it still count
    assert [(s.line, s.entry) for s in result.skipped] == [
        (37, "@misc{park_ddmi_2025,"),
        (79, "entry 'no_title_2025'"),
    ]
    assert "could not be parsed" in result.skipped[0].reason
    assert result.skipped[1].reason == "has no title and no arXiv id"
    assert result.merged == 1  # the second BlockFusion entry (same arXiv DOI) is the first one
    papers = by_id(result)
    assert papers["1509.05363"].title == "The Erdős discrepancy problem"
    assert papers["doi:10.1007/BF01700692"].title == (
        "Über formal unentscheidbare Sätze der Principia Mathematica und verwandter Systeme I"
    )
    assert papers["2501.10000"].title == (
        "BlockFusion: Expandable 3D Scene Generation using Latent Tri-plane Extrapolation"
    )
    assert papers["2501.10001"].abstract.endswith("rely on annotated audio data – it is 50% cheaper."), (
        "-- is an en dash and \\% a percent sign"
    )
    assert "“voice”" in papers["2501.10001"].abstract
    assert papers["2501.10005"].url == "https://arxiv.org/abs/2501.10005"  # a pdf link, version dropped
    assert papers["doi:10.1007/BF01700692"].url == "https://doi.org/10.1007/BF01700692"
    assert result.without_abstract == 4


def test_jabref_biblatex_eprints_and_a_non_arxiv_eprint():
    result = read("jabref.bib")
    assert ids(result) == ["2501.10006", "doi:10.5555/3666122.3668333", "2501.10008"]
    assert not result.skipped
    papers = by_id(result)
    # eprinttype = PubMed: its eprint is not an arXiv id even though it looks like one
    assert papers["doi:10.5555/3666122.3668333"].title.startswith("Predict, Refine, Synthesize")
    assert "guidance — creating" in papers["2501.10008"].abstract  # --- is an em dash


def test_mendeley_arxivid_and_google_scholar_style_journal_fields():
    result = read("mendeley.bib")
    assert ids(result) == ["2501.10009", "2501.10010", "bibtex:Cui2025"]
    papers = by_id(result)
    assert papers["2501.10009"].title == (
        "Orthus: Autoregressive Interleaved Image-Text Generation with Modality-Specific Heads"
    )
    assert papers["bibtex:Cui2025"].abstract == ""  # stored by title; a page brings its abstract


def test_zotero_csl_json_with_a_damaged_item():
    result = read("zotero-csl.json")
    assert result.format == "csl-json"
    assert ids(result) == ["2501.10012", "doi:10.1007/BF01700692", "2501.10014"]
    assert [(s.line, s.entry, s.reason) for s in result.skipped] == [
        (18, "item 2", "its 'abstract' is not text"),
        (44, "item 5 (8DPK2V3N)", "has no title and no arXiv id"),
    ]
    assert result.merged == 1  # the same Dichotomy of Control, title in other case and punctuation
    # the merged paper keeps the longer abstract of the two
    assert by_id(result)["2501.10012"].abstract.endswith("limited in stochastic environments.")


def test_zotero_ris_with_a_record_missing_its_end():
    result = read("zotero.ris")
    assert result.format == "ris"
    assert ids(result) == ["2501.10015", "2501.10016", "2501.10018", "doi:10.1007/BF01700692"]
    assert [(s.line, s.reason) for s in result.skipped] == [(27, "no 'ER  -' line ends it before line 34")]
    papers = by_id(result)
    assert papers["2501.10016"].title == (
        "Visual Search Asymmetry: Deep Nets and Humans Share Similar Inherent Biases"
    )
    assert papers["2501.10018"].abstract.startswith("Large pretrained models")  # N2 is an abstract too


def test_a_pasted_list_of_ids_and_links():
    result = read("reading-list.txt")
    assert result.format == "arxiv-ids"
    assert ids(result) == [
        "2501.10019",
        "2501.10020",
        "2501.10021",
        "2501.10022",
        "2501.10023",
        "hep-th/9711200",
    ]
    assert [(s.line, s.entry) for s in result.skipped] == [(8, "see the talk on Friday")]
    assert result.merged == 1  # the arXiv DOI link of 2501.10019


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("@article{k, title={A}, eprint={2401.00001}}", "bibtex"),
        ('[{"id": "x", "type": "article", "title": "A"}]', "csl-json"),
        ('{"papersieve": 1, "ratings": []}', "json"),
        ('[{"id": "2401.00001", "rating": -1}]', "json"),
        ("TY  - JOUR\nTI  - A\nER  - \n", "ris"),
        ("id,title,rating\n2401.00001,A,1\n", "csv"),
        ("https://arxiv.org/abs/2401.00001\n", "arxiv-ids"),
    ],
)
def test_the_format_is_told_from_the_content(text, fmt):
    assert read_import(text).format == fmt
    assert read_import(text, "auto").format == fmt


def test_format_json_reads_either_json_and_an_override_wins():
    assert read("zotero-csl.json", "json").format == "csl-json"
    with pytest.raises(
        InvalidInput,
        match=r"no RIS records could be read: line 2: @misc\{wu_blockfusion_2025,: 14 lines of text",
    ):
        read("zotero.bib", "ris")


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("@article{x, title={unclosed", None, "no BibTeX entries could be read: line 1"),
        ("[1, 2]", "csl-json", "no CSL-JSON items could be read: line 1: item 1: it is not an object"),
        ('[{"title": "A"', "csl-json", "not valid JSON"),
        ('{"items": 3}', "csl-json", "a JSON array of items"),
        ("TY  - JOUR\nTI  - A\n", "ris", "the file ends before its 'ER  -' line"),
        ("just some words\n", None, "cannot tell the format"),
    ],
)
def test_a_file_with_nothing_readable_is_refused_with_the_reason(text, fmt, message):
    with pytest.raises(InvalidInput, match=message):
        read_import(text, fmt)


def test_cli_import_reports_skipped_lines_and_imports_the_rest(tmp_path, capsys):
    data = ["--data-dir", str(tmp_path / "d")]
    assert main(["import", str(LIBRARY / "zotero.bib"), *data]) == 0
    out, err = capsys.readouterr()
    assert "read 7 papers from" in out and "as BibTeX (2 skipped, 1 duplicate merged" in out
    assert "imported 7 ratings into 'default' (now 👍 7, 👎 0)" in out
    assert "4 papers without an abstract" in out
    assert "papersieve import: skipped line 37: @misc{park_ddmi_2025,: could not be parsed" in err
    # the same library again, then another export of some of the same papers: nothing twice
    assert main(["import", str(LIBRARY / "zotero.bib"), *data]) == 0
    assert main(["import", str(LIBRARY / "zotero.ris"), *data]) == 0
    capsys.readouterr()
    with Store.open(tmp_path / "d") as store:
        assert store.label_counts("default").up == 7 + 3  # Gödel's paper is in both, by its DOI


def test_cli_dry_run_shows_the_first_entries_and_writes_nothing(tmp_path, capsys):
    data = ["--data-dir", str(tmp_path / "d")]
    assert main(["import", str(LIBRARY / "reading-list.txt"), "--dry-run", *data]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0].startswith("read 6 papers from")
    assert "  👍 2501.10019  (its title comes with the first page that shows it)" in out
    assert "dry run: nothing written to profile 'default'" in out
    assert "skipped line 8: see the talk on Friday" in err
    assert not (tmp_path / "d").exists()


def test_cli_format_override_and_errors(tmp_path, capsys):
    data = ["--data-dir", str(tmp_path / "d")]
    assert main(["import", str(LIBRARY / "zotero.bib"), "--format", "ris", *data]) == 2
    assert "no RIS records could be read" in capsys.readouterr().err
    # forced to read a BibTeX file as an id list, only its lines with an arXiv id count
    assert main(["import", str(LIBRARY / "zotero.bib"), "--format", "arxiv-ids", "--dry-run", *data]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("read 7 papers") and "70 skipped, 3 duplicates merged" in out
    assert "… and 50 more skipped" in err
    assert main(["import", str(LIBRARY / "zotero.bib"), "--profile", "ghost", *data]) == 1
    assert "no profile named 'ghost'" in capsys.readouterr().err


def test_api_import_reads_every_format_and_dry_runs(api):
    bib = (LIBRARY / "zotero.bib").read_bytes()
    preview = api.post("/profiles/default/import?dry_run=true", data=bib, content_type="application/x-bibtex")
    assert preview.status_code == 200, preview.json
    assert preview.json["dry_run"] is True and preview.json["imported"] == 0
    assert preview.json["found"] == 7 and preview.json["format"] == "bibtex"
    assert preview.json["skipped"][0]["line"] == 37 and preview.json["skipped_count"] == 2
    assert preview.json["first"][2]["paper"]["title"] == "The Erdős discrepancy problem"
    assert preview.json["labels"] == {"up": 0, "down": 0}
    done = api.post("/profiles/default/import", data=bib, content_type="application/x-bibtex")
    assert done.json["imported"] == 7 and done.json["labels"] == {"up": 7, "down": 0}
    # what a browser sends for a file it has no type for (no Content-Type), and text/plain: detected
    csl = (LIBRARY / "zotero-csl.json").read_bytes()
    reply = api.post("/profiles/default/import", data=csl, headers={"Content-Type": ""})
    assert reply.status_code == 200 and reply.json["format"] == "csl-json", reply.json
    ris = (LIBRARY / "zotero.ris").read_bytes()
    reply = api.post("/profiles/default/import", data=ris, content_type="text/plain")
    assert reply.json["format"] == "ris" and reply.json["skipped"][0]["line"] == 27
    assert (
        api.post("/profiles/nobody/import?dry_run=1", data=ris, content_type="text/plain").status_code == 404
    )
    bad = api.post("/profiles/default/import?dry_run=maybe", data=ris, content_type="text/plain")
    assert bad.status_code == 400


def test_papers_imported_without_an_abstract_gain_it_from_a_page(api):
    api.post(
        "/profiles/default/import",
        data=(LIBRARY / "mendeley.bib").read_bytes(),
        content_type="application/x-bibtex",
    )
    page = [{"id": "bibtex:Cui2025", "title": "Hallo3", "abstract": "Existing methodologies for animating."}]
    assert api.post("/score", json={"papers": page}).status_code == 200
    stored = api.get("/profiles/default/ratings").json["ratings"]
    hallo = next(r["paper"] for r in stored if r["paper"]["id"] == "bibtex:Cui2025")
    assert hallo["abstract"] == "Existing methodologies for animating."
    # a later page that shows only titles keeps it
    api.post("/score", json={"papers": [{"id": "bibtex:Cui2025", "title": "Hallo3", "abstract": ""}]})
    stored = api.get("/profiles/default/ratings").json["ratings"]
    hallo = next(r["paper"] for r in stored if r["paper"]["id"] == "bibtex:Cui2025")
    assert hallo["abstract"] == "Existing methodologies for animating."
    assert json.dumps(hallo, ensure_ascii=False)
