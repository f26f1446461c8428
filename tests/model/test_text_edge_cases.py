"""Awkward real-world text: empty fields, other languages, LaTeX, very long abstracts, 1 + 1 labels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import make_classifier
from model.text import STOP_WORDS


def _frame(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["title", "abstract"])


def _scores_are_probabilities(clf, papers: pd.DataFrame) -> None:
    proba = clf.predict_proba(papers)
    assert proba.shape == (len(papers), 2)
    assert np.all(np.isfinite(proba)) and np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_a_single_up_and_a_single_down_are_enough(hf_papers, prepared):
    clf = make_classifier(corpus=prepared).fit(hf_papers.iloc[[0, 1]], [1, 0])
    _scores_are_probabilities(clf, hf_papers)
    proba = clf.predict_proba(hf_papers.iloc[[0, 1]])[:, 1]
    assert proba[0] > 0.05 > proba[1]  # above / below the page base rate
    assert proba[0] < 0.95  # two labels do not justify certainty


def test_empty_abstract_and_empty_title(hf_papers, prepared):
    train = hf_papers.iloc[:4].copy()
    train.loc[0, "abstract"] = ""
    train.loc[1, "title"] = ""
    clf = make_classifier(corpus=prepared).fit(train, [1, 1, 0, 0])
    page = _frame([("", ""), (hf_papers.title[5], ""), ("", hf_papers.abstract[6])])
    _scores_are_probabilities(clf, page)
    assert clf.explain(page)[0] == {"up": [], "down": [], "words_share": 1.0}  # no words, no vector


def test_a_corpus_of_empty_papers_still_fits(hf_papers):
    empty = _frame([("", ""), ("", "")])
    clf = make_classifier(corpus=empty).fit(empty, [1, 0])
    _scores_are_probabilities(clf, hf_papers.iloc[:3])


def test_non_english_text(hf_papers):
    page = _frame(
        [
            ("Réseaux de neurones pour la traduction automatique", "Nous étudions la traduction neuronale."),
            ("大规模语言模型的推理能力", "我们研究大规模语言模型的数学推理能力。"),
            ("Нейронные сети для распознавания речи", "Мы изучаем распознавание речи нейронными сетями."),
            (hf_papers.title[0], hf_papers.abstract[0]),
        ]
    )
    clf = make_classifier(corpus=pd.concat([hf_papers, page], ignore_index=True)).fit(page, [1, 1, 0, 0])
    _scores_are_probabilities(clf, page)
    reasons = clf.explain(page.iloc[[2]])[0]
    assert "распознавания" in reasons["down"] or "речи" in reasons["down"]


def test_latex_is_not_a_source_of_terms(hf_papers, prepared):
    latex = _frame(
        [
            (
                "Sorting in $\\mathcal{O}(n^2)$ time",
                "We bound the cost by $\\mathcal{O}(n^2)$ and "
                "$\\sum_{i=1}^{n} \\alpha_i \\leq \\frac{1}{2}$ for transformers.",
            ),
            (hf_papers.title[1], hf_papers.abstract[1]),
        ]
    )
    clf = make_classifier(corpus=pd.concat([hf_papers, latex], ignore_index=True)).fit(latex, [1, 0])
    _scores_are_probabilities(clf, latex)
    reasons = clf.explain(latex.iloc[[0]], top_k=20)[0]["up"]
    assert reasons
    words = {word for term in reasons for word in term.split()}
    assert not words & {"mathcal", "frac", "sum", "leq", "alpha"}
    assert not [word for word in words if "\\" in word or "$" in word]


def test_a_20_kb_abstract(hf_papers, prepared):
    long_abstract = " ".join(hf_papers.abstract.tolist())[:20_000]
    papers = _frame([(hf_papers.title[0], long_abstract), (hf_papers.title[1], hf_papers.abstract[1])])
    clf = make_classifier(corpus=prepared).fit(papers, [1, 0])
    _scores_are_probabilities(clf, papers)
    assert len(clf.explain(papers)[0]["up"]) == 5


def test_reasons_are_never_stop_words_or_fragments(fitted, hf_papers):
    for reasons in fitted.explain(hf_papers, top_k=10):
        for term in reasons["up"] + reasons["down"]:
            for word in term.split():
                assert word not in STOP_WORDS
                assert len(word) >= 3
                assert not word.isdigit()
