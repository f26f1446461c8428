"""The latent space: a truncated SVD of the corpus's term rows (its TERM_LIMIT most frequent terms),
L2-normalised, so that two papers sharing a topic but no word look alike."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD

LATENT_DIMENSIONS = 128
LATENT_MIN_DOCUMENTS = 20
TERM_LIMIT = 10_000
EXACT_SVD_MAX_DOCUMENTS = 1_500
SEED = 0


@dataclass(frozen=True)
class LatentSpace:
    """Projection of term rows (restricted to `columns`) onto the corpus's top singular directions."""

    columns: np.ndarray  # term columns the SVD was fitted on
    components: np.ndarray  # (k, len(columns)), orthonormal rows; float32 holding float16 values

    def __getstate__(self) -> dict:
        # The components are rounded to float16 when fitted, so storing them as float16 is lossless
        # and halves the size of saved models.
        return {"columns": self.columns, "components": self.components.astype(np.float16)}

    def __setstate__(self, state: dict) -> None:
        object.__setattr__(self, "columns", state["columns"])
        object.__setattr__(self, "components", state["components"].astype(np.float32))

    @property
    def dimensions(self) -> int:
        return self.components.shape[0]

    def project(self, rows: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """L2-normalised latent vectors (zero for papers with none of the columns) and their norms
        before normalisation."""
        raw = np.asarray(rows[:, self.columns] @ self.components.T, dtype=np.float64)
        norms = np.linalg.norm(raw, axis=1)
        inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        return raw * inverse[:, None], norms


def fit_latent_space(matrix: sp.csr_matrix, dimensions: int = LATENT_DIMENSIONS) -> LatentSpace | None:
    n_documents, n_terms = matrix.shape
    if n_documents < LATENT_MIN_DOCUMENTS or n_terms < 3:
        return None
    document_frequency = np.bincount(matrix.indices, minlength=n_terms)
    columns = np.sort(np.argsort(-document_frequency, kind="stable")[:TERM_LIMIT])
    dimensions = min(dimensions, n_documents - 1, len(columns) - 1)
    if n_documents <= EXACT_SVD_MAX_DOCUMENTS:
        components = _exact_right_singular_vectors(matrix[:, columns], dimensions)
    else:
        svd = TruncatedSVD(dimensions, algorithm="randomized", n_iter=4, random_state=SEED)
        components = svd.fit(matrix[:, columns]).components_
    return LatentSpace(columns=columns, components=components.astype(np.float16).astype(np.float32))


def _exact_right_singular_vectors(matrix: sp.csr_matrix, dimensions: int) -> np.ndarray:
    """The top right singular vectors of a matrix with few rows, through its small Gram matrix.

    For a few hundred papers this is exact and far faster than the randomized SVD, whose QR
    steps work on a (terms x dimensions) block."""
    gram = (matrix @ matrix.T).toarray()
    eigenvalues, eigenvectors = np.linalg.eigh(gram)
    top = np.argsort(-eigenvalues, kind="stable")[:dimensions]
    singular = np.sqrt(np.clip(eigenvalues[top], 0.0, None))
    keep = singular > 1e-10 * max(singular.max(initial=0.0), 1e-300)
    vectors = np.asarray(matrix.T @ eigenvectors[:, top[keep]]).T / singular[keep, None]
    if keep.sum() < dimensions:  # rank-deficient corpus: pad with zero components
        vectors = np.vstack([vectors, np.zeros((dimensions - keep.sum(), matrix.shape[1]))])
    signs = np.sign(vectors[np.arange(len(vectors)), np.abs(vectors).argmax(axis=1)])
    return vectors * np.where(signs == 0, 1.0, signs)[:, None]
