"""Per-profile classifiers: fitted from the store's ratings, cached by the profile's rating revision
and by how many of its rated papers have a sentence vector, saved in the background, and loaded back
(or rebuilt from the ratings when a saved one can't be). Vectors arrive in the background
(server/embedding_worker.py): a rated paper's vector refits the model at the next request, and once
many corpus papers have gained vectors the corpus features (server/profile_corpus.py) are refitted
like a grown corpus."""

from __future__ import annotations

import copy
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model import ModelLoadError, load_model, make_classifier
from model.persistence import remove_stale_temp_files
from server import profile_corpus
from server.child_process import ChildProcessDied
from server.config import remove_saved_model, saved_model_path
from server.memory import limit_malloc_arenas
from server.model_saver import ModelSaver
from server.profile_corpus import MODEL_COLUMNS, CorpusFeatures, prepare_profile_corpus
from server.profile_quality import cross_validated_quality
from server.score_cache import ScoreCache
from server.store import Store, now

log = logging.getLogger(__name__)

CORPUS_CHECK_SECONDS = 30.0


@dataclass
class FittedModel:
    classifier: Any
    revision: int
    trained_at: str
    n_labels: int
    corpus: CorpusFeatures | None
    quality: dict | None = None
    embedded_labels: int = 0  # how many of the rated papers had a vector when it was fitted
    scores: ScoreCache = field(default_factory=ScoreCache, repr=False)  # each paper's score, reasons


@dataclass
class _ProfileSlot:
    lock: threading.Lock = field(default_factory=threading.Lock)
    model: FittedModel | None = None
    corpus: CorpusFeatures | None = None
    started: bool = False  # a saved model has been looked for since the server started
    refreshing: bool = False
    fit_failed: bool = False  # the last background fit failed: retried at the next growth check
    corpus_checked_at: float = float("-inf")  # time.monotonic() of the last corpus growth check
    # (revision, vectors generation) at which the rated papers' vectors were last counted, and the count
    labels_counted_at: tuple[int, int] | None = None
    embedded_labels: int = 0
    # The rated papers' vectors, by (id, title, abstract), as the last fit read them: a refit reads
    # only the ones it lacks (a vector never changes for the same text under one encoder).
    rated_vectors: dict[tuple[str, str, str], np.ndarray] = field(default_factory=dict)
    # (vectors generation, corpus features) at which the corpus was last found settled or not
    settled_at: tuple[int, int] | None = None
    settled: bool = False


class ProfileModels:
    """The per-profile model cache of one server process.

    A model is current while the profile's rating revision and its prepared corpus are the ones it
    was fitted with. Fitting corpus features is slow (seconds for thousands of papers), so it is
    done once, then redone in a background thread when the corpus has grown by a quarter; until the
    new features are ready, models keep using the old ones."""

    def __init__(self, data_dir: Path, corpus_check_seconds: float = CORPUS_CHECK_SECONDS) -> None:
        self.data_dir = Path(data_dir)
        self.corpus_check_seconds = corpus_check_seconds
        self.models_dir = self.data_dir / "models"
        self.models_dir.mkdir(parents=True, exist_ok=True)
        for path in remove_stale_temp_files(self.models_dir):
            log.info("removed %s, half-written by a server that was killed while saving", path.name)
        limit_malloc_arenas()  # before the server's threads start (server/memory.py)
        self.saver = ModelSaver()
        self._slots: dict[str, _ProfileSlot] = {}
        self._slots_lock = threading.Lock()

    def _slot(self, profile: str) -> _ProfileSlot:
        with self._slots_lock:
            return self._slots.setdefault(profile, _ProfileSlot())

    def model_path(self, profile: str) -> Path:
        return saved_model_path(self.data_dir, profile)

    def forget(self, profile: str) -> None:
        """Drop a deleted profile's cached and saved model."""
        self.saver.discard(self.model_path(profile))
        self.saver.flush()
        with self._slots_lock:
            self._slots.pop(profile, None)
        remove_saved_model(self.data_dir, profile)

    def current(
        self, store: Store, profile: str, vectors_generation: int | None = None, *, stale_ok: bool = False
    ) -> FittedModel | None:
        """The profile's model for its current ratings and their vectors, or None until it has a 👍
        and a 👎.

        With `stale_ok`, while another request refits the model this one gets the last model at
        once instead of queueing behind the fit (8 tabs scoring while the reader rates would each
        wait for every refit); `settled` says such a model is not final, so its page is asked again.

        `vectors_generation` (the embedding worker's count of vectors written) lets the count of
        rated papers with vectors be reused while neither it nor the ratings changed: that count is
        a join over every rating, the one query of /score that grows with a profile."""
        revision = store.revision(profile)
        slot = self._slot(profile)
        counted_at = None if vectors_generation is None else (revision, vectors_generation)
        if not slot.lock.acquire(blocking=not (stale_ok and slot.model is not None)):
            last = slot.model  # another request holds the lock: it is fitting the model
            if last is not None:
                return last
            slot.lock.acquire()
        try:
            if not slot.started:
                slot.started = True
                saved = self._load_saved(profile)
                if saved is not None:
                    slot.model, slot.corpus = saved, saved.corpus
            model = slot.model
            self._refresh_corpus_if_outgrown(store, profile, slot)
            if (
                model is not None
                and model.revision == revision
                and model.corpus is slot.corpus
                and model.embedded_labels == self._embedded_labels(store, profile, slot, counted_at)
            ):
                return model
            slot.model = self._fit(store, profile, revision, slot)
            if slot.model is not None:  # the fit counted them (vectors read after the generation)
                slot.labels_counted_at, slot.embedded_labels = counted_at, slot.model.embedded_labels
            return slot.model
        finally:
            slot.lock.release()

    @staticmethod
    def _embedded_labels(
        store: Store, profile: str, slot: _ProfileSlot, counted_at: tuple[int, int] | None
    ) -> int:
        """How many rated papers have a vector now, counted again only when the ratings or the
        worker's vectors changed since (a join over every rating: asked only of a model that is
        otherwise current; a new rating refits anyway, and the fit counts them)."""
        if counted_at is None or slot.labels_counted_at != counted_at:
            slot.labels_counted_at, slot.embedded_labels = counted_at, store.labelled_embedding_count(profile)
        return slot.embedded_labels

    def settled(self, store: Store, profile: str, model: FittedModel, vectors_generation: int) -> bool:
        """Whether `model` is the one the profile's ratings, corpus and vectors call for and will stay
        so: it was fitted on the current corpus features, and no refit of those runs or is due.

        The corpus is counted again only when the worker has written vectors or the features
        changed since the last count; a due refit is started at once, not at the next growth check."""
        slot = self._slot(profile)
        if slot.refreshing or slot.corpus is None or model.corpus is not slot.corpus:
            return False
        if model.revision != store.revision(profile) or model.embedded_labels != slot.embedded_labels:
            return False  # the last model, handed out while a refit runs (`current(stale_ok=True)`)
        key = (vectors_generation, id(slot.corpus))
        if slot.settled_at != key:
            size, embedded = store.corpus_counts(profile)
            slot.settled, slot.settled_at = not slot.corpus.outgrown_by(size, embedded), key
            if not slot.settled:
                slot.corpus_checked_at = float("-inf")  # the next request's model check refits them
        return slot.settled

    def _load_saved(self, profile: str) -> FittedModel | None:
        """The model saved by an earlier run (its corpus features stay useful even when its
        ratings are out of date), or None when there is none or it cannot be loaded."""
        path = self.model_path(profile)
        if not path.exists():
            return None
        try:
            classifier, meta = load_model(path)
        except ModelLoadError as error:
            log.warning("rebuilding the model of profile %r from its ratings: %s", profile, error)
            return None
        corpus = CorpusFeatures(
            classifier.features_, int(meta.get("corpus_size", 0)), int(meta.get("corpus_embedded", 0))
        )
        return FittedModel(
            classifier,
            meta.get("revision", -1),
            meta.get("trained_at", ""),
            meta.get("n_labels", 0),
            corpus,
            embedded_labels=meta.get("embedded_labels", -1),
        )

    def _refresh_corpus_if_outgrown(self, store: Store, profile: str, slot: _ProfileSlot) -> None:
        """Fit corpus features now when that is quick, else in the background; until a large
        corpus is ready, models are fitted on the rated papers alone and refitted when it is.

        Counting the corpus costs milliseconds at 20,000 papers, so once features exist the growth
        check runs at most every `corpus_check_seconds`, not on every request."""
        now_monotonic = time.monotonic()
        if slot.refreshing or (
            (slot.corpus is not None or slot.fit_failed)
            and now_monotonic - slot.corpus_checked_at < self.corpus_check_seconds
        ):
            return
        slot.corpus_checked_at = now_monotonic
        size, embedded = store.corpus_counts(profile)
        outgrown = slot.corpus is None or slot.corpus.outgrown_by(size, embedded)
        if slot.corpus is None and 0 < size <= profile_corpus.IN_PROCESS_MAX_PAPERS:
            slot.corpus = prepare_profile_corpus(self.data_dir, profile)
        elif outgrown and size and not slot.refreshing:
            slot.refreshing = True
            threading.Thread(
                target=self._refresh_corpus,
                args=(profile, slot),
                daemon=True,
                name=f"papersieve-corpus-{profile}",
            ).start()

    def _refresh_corpus(self, profile: str, slot: _ProfileSlot) -> None:
        """Background: fit corpus features on the grown corpus, then let the next request refit."""
        try:
            prepared = prepare_profile_corpus(self.data_dir, profile)
            with slot.lock:
                slot.corpus, slot.fit_failed = prepared, False
        except ChildProcessDied as error:  # e.g. the out-of-memory killer: one line, no traceback
            slot.fit_failed = True
            log.warning(
                "the corpus features of profile %r were not refitted: %s; the current ones serve, "
                "and the fit is tried again in %g s",
                profile,
                error,
                self.corpus_check_seconds,
            )
        except Exception:
            slot.fit_failed = True
            log.exception("could not refresh the corpus features of profile %r", profile)
        finally:
            slot.refreshing = False

    def _fit(self, store: Store, profile: str, revision: int, slot: _ProfileSlot) -> FittedModel | None:
        labelled = store.labelled_papers(profile, known_vectors=slot.rated_vectors)
        if labelled["label"].nunique() < 2:
            return None
        slot.rated_vectors = {
            (row.id, row.title, row.abstract): row.embedding
            for row in labelled.itertuples(index=False)
            if row.embedding is not None
        }
        classifier = self._next_classifier(slot)
        classifier.fit(labelled[MODEL_COLUMNS], labelled["label"].to_numpy())
        embedded_labels = int(labelled["embedding"].map(lambda v: v is not None).sum())
        model = FittedModel(
            classifier, revision, now(), len(labelled), slot.corpus, embedded_labels=embedded_labels
        )
        meta = {
            "profile": profile,
            "revision": revision,
            "trained_at": model.trained_at,
            "n_labels": model.n_labels,
            "embedded_labels": embedded_labels,
            "corpus_size": slot.corpus.size if slot.corpus else 0,
            "corpus_embedded": slot.corpus.embedded if slot.corpus else 0,
        }
        self.saver.schedule(self.model_path(profile), classifier, meta)
        return model

    @staticmethod
    def _next_classifier(slot: _ProfileSlot) -> Any:
        """What to fit next: a copy of the serving model on the same corpus features, warm-started
        (its solution and, while the counts move little, its fold calibration: a refit after one
        rating skips three of its four solves); else a fresh classifier. The serving model is left
        untouched for the requests scoring with it meanwhile."""
        features = slot.corpus.features if slot.corpus else None
        last = slot.model
        if last is not None and features is not None and last.classifier.features_ is features:
            classifier = copy.copy(last.classifier)
        else:
            classifier = make_classifier(corpus=features)
        classifier.warm_start = True
        return classifier

    def corpus_state(self, profile: str) -> dict[str, int | bool]:
        """How many papers the profile's corpus features were fitted on, and whether a refit runs."""
        slot = self._slot(profile)
        return {"papers": slot.corpus.size if slot.corpus else 0, "updating": slot.refreshing}

    @staticmethod
    def quality(model: FittedModel, store: Store, profile: str) -> dict | None:
        """Cross-validated ranking quality of this model on the profile's own ratings, once it has
        enough of them (computed once per model)."""
        if model.quality is None:
            model.quality = cross_validated_quality(model.classifier, store.labelled_papers(profile))
        return model.quality or None
