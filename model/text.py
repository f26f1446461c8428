"""Paper text: the title and abstract columns, cleaning, stop-words and tokens, and a frame's
content hash."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from model.embedding_space import embedding_rows

TEXT_COLUMNS = ("title", "abstract")

# Words that say nothing about a paper's topic in an abstract; dropped like stop-words.
ACADEMIC_STOP_WORDS = frozenset(
    [
        "abstract",
        "paper",
        "papers",
        "propose",
        "proposed",
        "proposes",
        "present",
        "presents",
        "presented",
        "introduce",
        "introduces",
        "introduced",
        "show",
        "shows",
        "shown",
        "demonstrate",
        "demonstrates",
        "demonstrated",
        "study",
        "studies",
        "studied",
        "approach",
        "approaches",
        "method",
        "methods",
        "result",
        "results",
        "use",
        "uses",
        "used",
        "using",
        "based",
        "new",
        "novel",
        "work",
        "works",
        "existing",
        "significant",
        "significantly",
        "achieve",
        "achieves",
        "achieved",
        "furthermore",
        "moreover",
        "additionally",
        "finally",
        "respectively",
        "various",
        "different",
        "important",
        "including",
        "include",
        "includes",
        "provide",
        "provides",
        "provided",
        "et",
        "al",
        "e.g",
        "i.e",
        "via",
        "thus",
        "hence",
        "therefore",
        "also",
        "however",
        "although",
        "whereas",
        "while",
        "way",
        "ways",
        "make",
        "makes",
        "making",
        "made",
        "effective",
        "effectively",
        "recent",
        "recently",
        "allow",
        "allows",
        "enable",
        "enables",
        "extensive",
        "experiment",
        "experiments",
        "experimental",
        "outperform",
        "outperforms",
        "state",
        "art",
        "code",
        "available",
        "github",
        "com",
        "https",
        "http",
        "www",
    ]
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | ACADEMIC_STOP_WORDS

# A token starts with a letter and has at least two more word characters: no numbers, no fragments.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w\-]*[^\W_]\b"
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?")
_LATEX_SYMBOLS = re.compile(r"[$^_{}\\~]")
_URL = re.compile(r"https?://\S+|www\.\S+")


def clean_text(text: str) -> str:
    """Lower-case text with URLs, LaTeX commands and math punctuation removed."""
    text = _URL.sub(" ", text)
    text = _LATEX_COMMAND.sub(" ", text)
    text = _LATEX_SYMBOLS.sub(" ", text)
    return text.lower()


def paper_texts(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The title and abstract columns as lists of str (missing values become "")."""
    missing = [column for column in TEXT_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"papers need the columns {TEXT_COLUMNS}; missing {missing}")
    titles = frame["title"].fillna("").astype(str).tolist()
    abstracts = frame["abstract"].fillna("").astype(str).tolist()
    return titles, abstracts


def fingerprint(frame: pd.DataFrame, vectors: tuple[np.ndarray, np.ndarray] | None = None) -> str:
    """A content hash of a papers frame (titles, abstracts and any vectors, in order); `vectors` is
    the frame's embedding_rows when the caller has them already."""
    titles, abstracts = paper_texts(frame)
    texts = pd.DataFrame({"title": titles, "abstract": abstracts})
    hashes = pd.util.hash_pandas_object(texts, index=False).to_numpy()
    digest = hashlib.blake2b(hashes.tobytes(), digest_size=16)
    digest.update(str(len(titles)).encode())
    matrix, present = vectors if vectors is not None else embedding_rows(frame)
    if present.any():  # the same texts with (more) vectors are another corpus
        digest.update(np.packbits(present).tobytes())
        digest.update(matrix.sum(axis=0).tobytes())
    return digest.hexdigest()


def document(title: str, abstract: str) -> str:
    return f"{title}\n{abstract}"


def is_readable(term: str) -> bool:
    """A term a reader understands as a reason: words of 3+ characters, no stop-words."""
    return all(len(word) >= 3 and word not in STOP_WORDS for word in term.split())
