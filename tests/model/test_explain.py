"""Reasons come from the paper's own text and follow what the model learned."""

from __future__ import annotations

import numpy as np

from model import make_classifier


def _own_words(paper) -> str:
    return f"{paper.title} {paper.abstract}".lower()


def test_reasons_are_terms_of_the_paper_itself(fitted, hf_papers):
    page = hf_papers.iloc[20:40].reset_index(drop=True)
    for paper, reasons in zip(page.itertuples(), fitted.explain(page), strict=True):
        text = _own_words(paper)
        for term in reasons["up"] + reasons["down"]:
            assert all(word in text for word in term.split()), (term, paper.title)


def test_reasons_move_with_the_model(prepared, labelled):
    papers, labels = labelled
    liked = make_classifier(corpus=prepared).fit(papers, labels)
    disliked = make_classifier(corpus=prepared).fit(papers, [1 - label for label in labels])
    first = papers.iloc[[0]]
    up_when_liked = liked.explain(first)[0]["up"]
    assert up_when_liked
    assert disliked.explain(first)[0]["up"] != up_when_liked
    assert set(up_when_liked) & set(disliked.explain(first, top_k=20)[0]["down"])
    assert liked.decision_function(first)[0] > 0 > disliked.decision_function(first)[0]


def test_top_terms_for_and_against(fitted, labelled):
    papers, _ = labelled
    terms = fitted.top_terms(k=10)
    assert 0 < len(terms["for"]) <= 10 and 0 < len(terms["against"]) <= 10
    assert not set(terms["for"]) & set(terms["against"])
    liked_text = " ".join(_own_words(p) for p in papers.iloc[:6].itertuples())
    assert all(word in liked_text for term in terms["for"] for word in term.split())


def test_term_contributions_add_up_to_the_decision_value(fitted, hf_papers):
    page = hf_papers.iloc[30:40].reset_index(drop=True)
    encoded = fitted.features_.encode(page)
    shares = fitted._contributions(encoded)
    per_paper = np.add.reduceat(shares, encoded.terms.indptr[:-1])
    np.testing.assert_allclose(per_paper + fitted.intercept_, fitted.decision_function(page), atol=1e-9)
