"""Per-model memo of each paper's score and reasons, so that a page scored again under the same
model (a reload, the extension's re-poll of a provisional page) costs look-ups, not the model.

A paper's score and reasons depend only on the model and on the paper itself (title, abstract,
sentence vector): `score_and_explain` works row by row, so a cached row equals the row the whole
page would have given. Each fitted model has its own cache (a refit starts an empty one)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
import pandas as pd

from server.store import Paper
from server.task_queue import yield_to_light

MAX_PAPERS = 5_000  # ~2 KB each: a few pages of 500 papers
CHUNK = 125  # papers scored at once: a 104-paper page is one chunk, a 500-paper page four

Key = tuple[str, str, bytes | None, int]


class ScoreCache:
    """What `classifier.score_and_explain` said about each paper, least recently used dropped first."""

    def __init__(self, max_papers: int = MAX_PAPERS) -> None:
        self.max_papers = max_papers
        self._rows: OrderedDict[Key, tuple[float, dict]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows)

    def score_and_explain(
        self, classifier: Any, papers: list[Paper], vectors: dict[str, np.ndarray], top_k: int
    ) -> tuple[np.ndarray, list[dict]]:
        """P(👍) per paper and its reasons, as `classifier.score_and_explain` of the papers' frame
        (title, abstract, stored vector or None) gives them; only papers not seen yet are scored."""
        keys = [_key(paper, vectors.get(paper.id), top_k) for paper in papers]
        found: list[tuple[float, dict] | None] = [None] * len(keys)
        with self._lock:
            for index, key in enumerate(keys):
                row = self._rows.get(key)
                if row is not None:
                    self._rows.move_to_end(key)
                    found[index] = row
        missing = [index for index, row in enumerate(found) if row is None]
        for start in range(0, len(missing), CHUNK):  # a large page steps aside for small ones between chunks
            if start:
                yield_to_light()
            chunk = missing[start : start + CHUNK]
            frame = pd.DataFrame(
                {
                    "title": [papers[i].title for i in chunk],
                    "abstract": [papers[i].abstract for i in chunk],
                    "embedding": pd.Series([vectors.get(papers[i].id) for i in chunk], dtype="object"),
                }
            )
            probabilities, reasons = classifier.score_and_explain(frame, top_k=top_k)
            with self._lock:
                for position, index in enumerate(chunk):
                    row = (float(probabilities[position]), reasons[position])
                    found[index] = self._rows[keys[index]] = row
                while len(self._rows) > self.max_papers:
                    self._rows.popitem(last=False)
        rows = [row for row in found if row is not None]  # every row is found or scored by now
        return np.array([row[0] for row in rows]), [row[1] for row in rows]


def _key(paper: Paper, vector: np.ndarray | None, top_k: int) -> Key:
    return (paper.title, paper.abstract, None if vector is None else vector.tobytes(), top_k)
