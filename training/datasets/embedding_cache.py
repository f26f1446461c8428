"""Sentence embeddings of the evaluation datasets, computed once and kept in a cache folder.

Embedding the 26,000 citeulike-t and 17,000 citeulike-a papers takes minutes on this machine's CPU,
so each dataset's vectors are stored as one float16 .npy file keyed by the encoder's name and
version and by a hash of the texts (`PAPERSIEVE_CACHE_DIR` overrides the platform's user cache
folder). A changed text or encoder never reads stale vectors.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from platformdirs import user_cache_dir

from model.embedding import ENCODER_NAME, ENCODER_VERSION, embedding_text, shared_encoder

CHUNK = 512


def cache_dir() -> Path:
    override = os.environ.get("PAPERSIEVE_CACHE_DIR")
    return Path(override) if override else Path(user_cache_dir("papersieve")) / "embeddings"


def texts_hash(texts: list[str]) -> str:
    digest = hashlib.blake2b(digest_size=12)
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def dataset_embeddings(name: str, frame: pd.DataFrame, threads: int = 2, quiet: bool = False) -> np.ndarray:
    """float32 (len(frame), 384) vectors of the frame's title + abstract, from the cache or computed."""
    texts = [
        embedding_text(t, a)
        for t, a in zip(frame["title"].astype(str), frame["abstract"].astype(str), strict=True)
    ]
    path = cache_dir() / f"{name}-{ENCODER_NAME}-{ENCODER_VERSION}-{texts_hash(texts)}.npy"
    if path.exists():
        return np.load(path).astype(np.float32)
    encoder = shared_encoder(threads)
    vectors = np.zeros((len(texts), 384), dtype=np.float32)
    start = time.perf_counter()
    for first in range(0, len(texts), CHUNK):
        vectors[first : first + CHUNK] = encoder.encode_texts(texts[first : first + CHUNK])
        if not quiet:
            done = min(first + CHUNK, len(texts))
            print(
                f"  embedding {name}: {done:,}/{len(texts):,} ({time.perf_counter() - start:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npy")
    np.save(partial, vectors.astype(np.float16))
    partial.replace(path)
    return vectors
