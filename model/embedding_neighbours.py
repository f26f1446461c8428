"""Document expansion in the sentence-embedding space, as model/neighbours.py does in the term space.

A paper's sentence vector, centred on the corpus mean, says what its title (and abstract, when it
has one) is about; a title of eight words says it with much noise. Each centred vector e gets
NEIGHBOUR_WEIGHT times the similarity-weighted mean of the directions of its NEIGHBOURS most similar
papers in a fixed sample of the corpus (cosine of centred vectors; copies of the paper itself,
cosine >= TWIN_COSINE, skipped), and keeps its own length: e' = |e| unit(unit(e) + w unit(m)). A
paper then also counts for the topic of its neighbourhood (the cluster hypothesis; Tao, Wang, Mei,
Zhai, HLT-NAACL 2006), with the same 10 neighbours and weight 0.5 as the term space's expansion.

Only from MIN_SAMPLE embedded corpus papers: in a corpus of one 104-paper page, a paper's 10 nearest
are a tenth of it, its field rather than its neighbourhood, and blending them in blurs every paper
toward every other (from one 👍 and one 👎 the 👎 paper then ranked 22nd and 83rd of 104 in two of
tests/model/test_first_page.py's six pairs). The sample is SAMPLE_SIZE corpus papers: a search
costs one product with it, and a paper's expanded vector is kept (by a hash of the vector's bytes,
least recently used dropped first) so that refits and rescoring of the same papers do not search again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from model.neighbours import NEIGHBOUR_WEIGHT, NEIGHBOURS, TWIN_COSINE

SAMPLE_SIZE = 5_000
MIN_SAMPLE = 100 * NEIGHBOURS  # 10 neighbours are 1% of the corpus: below that they are its field
CACHE_SIZE = 5_000  # expanded vectors kept (float32: 7.5 MB), as server/score_cache.py's papers
_CHUNK_ROWS = 128  # similarity rows held at once (128 x 5,000 float32: 2.5 MB)


def unit_rows(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (all-zero rows stay zero)."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)


class EmbeddingNeighbours:
    """A fixed sample of the corpus's centred sentence vectors (as unit directions, float16) and the
    expansion of any centred vector with its nearest sample papers."""

    def __init__(
        self, centred_sample: np.ndarray, neighbours: int = NEIGHBOURS, weight: float = NEIGHBOUR_WEIGHT
    ) -> None:
        if len(centred_sample) < 2:
            raise ValueError("an embedding neighbourhood needs at least two corpus papers")
        directions = unit_rows(np.asarray(centred_sample, dtype=np.float64)).astype(np.float16)
        self.neighbours = min(neighbours, len(centred_sample) - 1)
        self.weight = weight
        self._init(directions)

    def _init(self, directions: np.ndarray) -> None:
        self.directions = directions  # float16, widened to float32 for each search (4 MB, not 8)
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {"directions": self.directions, "neighbours": self.neighbours, "weight": self.weight}

    def __setstate__(self, state: dict) -> None:
        self.neighbours, self.weight = state["neighbours"], state["weight"]
        self._init(state["directions"])

    def expand(self, centred: np.ndarray, remember: bool = True) -> np.ndarray:
        """The expanded rows (float64) of centred vectors; all-zero rows (no vector) stay zero.
        remember=False: computed, not kept (a one-off batch that would push the pages out)."""
        centred = np.asarray(centred, dtype=np.float64)
        if not remember:
            out = np.zeros_like(centred)
            present = np.abs(centred).sum(axis=1) > 0
            out[present] = self._search(centred[present])
            return out
        out = np.zeros_like(centred)
        # Python's 64-bit hash of the bytes (blake2b cost a tenth of a warm refit): among the
        # CACHE_SIZE vectors kept, the odds of two sharing a key are ~1e-12.
        keys = [hash(row.tobytes()) for row in centred]
        present = np.abs(centred).sum(axis=1) > 0
        missing: list[int] = []
        with self._lock:
            for i in np.flatnonzero(present):
                cached = self._cache.get(keys[i])
                if cached is None:
                    missing.append(int(i))
                else:
                    self._cache.move_to_end(keys[i])
                    out[i] = cached
        if missing:
            fresh = self._search(centred[missing])
            out[missing] = fresh
            with self._lock:
                for row, position in zip(fresh.astype(np.float32), missing, strict=True):
                    self._cache[keys[position]] = row
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return out

    def _search(self, centred: np.ndarray) -> np.ndarray:
        directions = unit_rows(centred)
        expanded = np.empty_like(centred)
        k = self.neighbours
        base = self.directions.astype(np.float32)
        for start in range(0, len(centred), _CHUNK_ROWS):
            stop = min(start + _CHUNK_ROWS, len(centred))
            similarity = directions[start:stop].astype(np.float32) @ base.T
            similarity[similarity >= TWIN_COSINE] = 0.0
            chosen = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
            weights = np.take_along_axis(similarity, chosen, axis=1).clip(min=0.0).astype(np.float64)
            totals = weights.sum(axis=1, keepdims=True)
            weights = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
            context = np.einsum("nk,nkd->nd", weights, base[chosen].astype(np.float64))
            blended = unit_rows(directions[start:stop] + self.weight * unit_rows(context))
            expanded[start:stop] = np.linalg.norm(centred[start:stop], axis=1, keepdims=True) * blended
        return expanded


def fit_embedding_neighbours(
    vectors: np.ndarray, rows: np.ndarray, mean: np.ndarray, rng: np.random.Generator
) -> EmbeddingNeighbours | None:
    """Neighbours over a SAMPLE_SIZE sample of the corpus's vectors `vectors[rows]` (all of them in a
    smaller corpus), centred on the corpus mean, or None for a corpus too small to have a
    neighbourhood. Only the sample is copied."""
    if len(rows) < MIN_SAMPLE:
        return None
    picked = np.sort(rng.permutation(len(rows))[:SAMPLE_SIZE])
    return EmbeddingNeighbours(vectors[rows[picked]] - mean)
