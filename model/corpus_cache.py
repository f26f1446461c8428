"""Memoised `prepare_corpus`: evaluation scripts build hundreds of classifiers on one corpus."""

from __future__ import annotations

import threading
from collections import OrderedDict

import pandas as pd

from model.features import PreparedCorpus, prepare_corpus
from model.text import fingerprint

_CACHE_SIZE = 4
_cache: OrderedDict[str, PreparedCorpus] = OrderedDict()
_lock = threading.Lock()


def prepared_for(corpus: pd.DataFrame) -> PreparedCorpus:
    """prepare_corpus(corpus), reusing the result for a frame with the same content."""
    key = fingerprint(corpus)
    with _lock:
        prepared = _cache.get(key)
        if prepared is not None:
            _cache.move_to_end(key)
            return prepared
    prepared = prepare_corpus(corpus)
    with _lock:
        _cache[key] = prepared
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return prepared


def resolve_corpus(corpus: PreparedCorpus | pd.DataFrame | None, papers: pd.DataFrame) -> PreparedCorpus:
    """The feature space for a fit: the prepared corpus, or one fitted on the training papers."""
    if isinstance(corpus, PreparedCorpus):
        return corpus
    if isinstance(corpus, pd.DataFrame):
        return prepared_for(corpus)
    if corpus is None:
        return prepare_corpus(papers)
    raise TypeError(f"corpus must be a DataFrame, a prepared corpus or None, not {type(corpus).__name__}")
