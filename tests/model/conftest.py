"""Real papers for the model tests (read from the shared data folder at run time)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model import make_classifier, prepare_corpus
from training.datasets.shared_data import hf_trending_papers


@pytest.fixture(scope="session")
def hf_papers() -> pd.DataFrame:
    """The 104 papers of a saved Hugging Face trending page (title + abstract)."""
    papers = hf_trending_papers()
    return pd.DataFrame({"title": [p.title for p in papers], "abstract": [p.abstract for p in papers]})


@pytest.fixture(scope="session")
def prepared(hf_papers):
    return prepare_corpus(hf_papers)


@pytest.fixture(scope="session")
def labelled(hf_papers):
    """Twelve rated papers: 👍 on the first six, 👎 on the next six."""
    return hf_papers.iloc[:12].reset_index(drop=True), [1] * 6 + [0] * 6


@pytest.fixture(scope="session")
def fitted(prepared, labelled):
    papers, labels = labelled
    return make_classifier(corpus=prepared).fit(papers, labels)


@pytest.fixture(scope="session")
def hf_embeddings(hf_papers) -> np.ndarray:
    """The real sentence embeddings of the 104 papers (the shipped encoder, computed once)."""
    from model.embedding import shared_encoder

    return shared_encoder(2).encode(hf_papers["title"].tolist(), hf_papers["abstract"].tolist())


@pytest.fixture(scope="session")
def hf_embedded(hf_papers, hf_embeddings) -> pd.DataFrame:
    """The 104 papers with their `embedding` column, as the server hands them to the model."""
    return hf_papers.assign(embedding=list(hf_embeddings))
