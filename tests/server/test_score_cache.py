"""Per-model memo of scores and reasons: the same numbers as scoring the whole page at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model import make_classifier
from server.score_cache import ScoreCache
from server.store import Paper
from training.datasets.shared_data import hf_trending_papers


@pytest.fixture(scope="module")
def page() -> list[Paper]:
    return [Paper(p.id, p.title, p.abstract) for p in hf_trending_papers()]


@pytest.fixture(scope="module")
def classifier(page):
    frame = pd.DataFrame({"title": [p.title for p in page], "abstract": [p.abstract for p in page]})
    return make_classifier(corpus=frame).fit(frame.iloc[:12], [1] * 6 + [0] * 6)


class Counting:
    """The real classifier, counting the papers it is asked to score."""

    def __init__(self, classifier) -> None:
        self.classifier = classifier
        self.scored = 0

    def score_and_explain(self, frame, top_k):
        self.scored += len(frame)
        return self.classifier.score_and_explain(frame, top_k=top_k)


def test_cached_rows_equal_the_whole_page_scored_at_once(page, classifier) -> None:
    vectors = {page[3].id: np.full(384, 0.05, dtype=np.float32)}
    frame = pd.DataFrame(
        {
            "title": [p.title for p in page],
            "abstract": [p.abstract for p in page],
            "embedding": pd.Series([vectors.get(p.id) for p in page], dtype="object"),
        }
    )
    expected, expected_reasons = classifier.score_and_explain(frame, top_k=4)
    cache, counting = ScoreCache(), Counting(classifier)
    cache.score_and_explain(counting, page[20:50], vectors, 4)  # part of the page first
    probabilities, reasons = cache.score_and_explain(counting, page, vectors, 4)
    np.testing.assert_array_equal(probabilities, expected)
    assert reasons == expected_reasons
    assert counting.scored == len(page)  # the 30 papers seen first were not scored again
    cache.score_and_explain(counting, page, vectors, 4)
    assert counting.scored == len(page)


def test_a_new_vector_or_text_is_a_new_row_and_the_cache_is_bounded(page, classifier) -> None:
    cache, counting = ScoreCache(max_papers=50), Counting(classifier)
    cache.score_and_explain(counting, page[:10], {}, 4)
    cache.score_and_explain(counting, page[:10], {page[0].id: np.ones(384, dtype=np.float32) / 20}, 4)
    assert counting.scored == 11
    edited = [Paper(page[1].id, page[1].title + " revisited", page[1].abstract)]
    cache.score_and_explain(counting, edited, {}, 4)
    assert counting.scored == 12
    cache.score_and_explain(counting, page, {}, 4)
    assert len(cache) == 50
