"""Per-profile classifiers: fitted from the store's ratings, cached by the profile's rating revision,
saved in the background, and loaded back (or rebuilt from the ratings when a saved one can't be)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from model import ModelLoadError, load_model, make_classifier, prepare_corpus, save_model
from server.store import Store, now

log = logging.getLogger(__name__)

TEXT_COLUMNS = ["title", "abstract"]
CORPUS_REFRESH_GROWTH = 1.25  # refit corpus features once the corpus is a quarter larger
CORPUS_REFRESH_MIN_NEW = 50
QUALITY_MIN_PER_CLASS = 5
SAVE_DELAY_SECONDS = 2.0


@dataclass
class FittedModel:
    classifier: Any
    revision: int
    trained_at: str
    n_labels: int
    quality: dict | None = None


@dataclass
class _PreparedCorpus:
    features: Any
    size: int


@dataclass
class _ProfileSlot:
    lock: threading.Lock = field(default_factory=threading.Lock)
    model: FittedModel | None = None
    corpus: _PreparedCorpus | None = None


class ModelSaver:
    """A background thread that writes models to disk once a profile's ratings have been quiet for
    `delay` seconds, so that a burst of clicks never waits for (or competes with) joblib."""

    def __init__(self, delay: float = SAVE_DELAY_SECONDS) -> None:
        self.delay = delay
        self._pending: dict[Path, tuple[Any, dict, float]] = {}
        self._saving = False
        self._flushing = 0
        self._changed = threading.Condition()
        threading.Thread(target=self._run, name="papersieve-model-saver", daemon=True).start()

    def schedule(self, path: Path, classifier: Any, meta: dict) -> None:
        """Save this model later; a newer model for the same path replaces it and restarts the wait."""
        with self._changed:
            self._pending[path] = (classifier, meta, time.monotonic())
            self._changed.notify_all()

    def _next_due(self) -> tuple[Path, Any, dict]:
        with self._changed:
            while True:
                if self._pending:
                    path, (classifier, meta, stamp) = min(self._pending.items(), key=lambda item: item[1][2])
                    wait = 0.0 if self._flushing else stamp + self.delay - time.monotonic()
                    if wait <= 0:
                        del self._pending[path]
                        self._saving = True
                        return path, classifier, meta
                    self._changed.wait(wait)
                else:
                    self._changed.wait()

    def _run(self) -> None:
        while True:
            path, classifier, meta = self._next_due()
            try:
                save_model(classifier, path, meta=meta)
            except Exception:
                log.exception("could not save the model to %s", path)
            finally:
                with self._changed:
                    self._saving = False
                    self._changed.notify_all()

    def discard(self, path: Path) -> None:
        with self._changed:
            self._pending.pop(path, None)

    def flush(self) -> None:
        """Write every scheduled model now and wait until they are on disk."""
        with self._changed:
            self._flushing += 1
            self._changed.notify_all()
            while self._pending or self._saving:
                self._changed.wait()
            self._flushing -= 1


class ProfileModels:
    def __init__(self, models_dir: Path) -> None:
        self.models_dir = Path(models_dir)
        self.models_dir.mkdir(parents=True, exist_ok=True)
        self.saver = ModelSaver()
        self._slots: dict[str, _ProfileSlot] = {}
        self._slots_lock = threading.Lock()

    def _slot(self, profile: str) -> _ProfileSlot:
        with self._slots_lock:
            return self._slots.setdefault(profile, _ProfileSlot())

    def model_path(self, profile: str) -> Path:
        return self.models_dir / f"{profile}.joblib"

    def forget(self, profile: str) -> None:
        """Drop a deleted profile's cached and saved model."""
        self.saver.discard(self.model_path(profile))
        self.saver.flush()
        with self._slots_lock:
            self._slots.pop(profile, None)
        self.model_path(profile).unlink(missing_ok=True)

    def current(self, store: Store, profile: str) -> FittedModel | None:
        """The profile's model for its current ratings, or None until it has a 👍 and a 👎."""
        revision = store.revision(profile)
        slot = self._slot(profile)
        with slot.lock:
            if slot.model is not None and slot.model.revision == revision:
                return slot.model
            if slot.model is None:
                slot.model = self._load_saved(profile, revision)
                if slot.model is not None:
                    return slot.model
            slot.model = self._fit(store, profile, revision, slot)
            return slot.model

    def _load_saved(self, profile: str, revision: int) -> FittedModel | None:
        path = self.model_path(profile)
        if not path.exists():
            return None
        try:
            classifier, meta = load_model(path)
        except ModelLoadError as error:
            log.warning("rebuilding the model of profile %r from its ratings: %s", profile, error)
            return None
        if meta.get("revision") != revision:
            return None
        return FittedModel(classifier, revision, meta.get("trained_at", ""), meta.get("n_labels", 0))

    def _prepared_corpus(self, store: Store, profile: str, slot: _ProfileSlot) -> Any:
        seen = store.profile(profile).papers_seen
        prepared = slot.corpus
        grown = prepared is None or (
            seen >= prepared.size * CORPUS_REFRESH_GROWTH and seen - prepared.size >= CORPUS_REFRESH_MIN_NEW
        )
        if grown:
            corpus = store.corpus(profile)
            prepared = _PreparedCorpus(prepare_corpus(corpus[TEXT_COLUMNS]) if len(corpus) else None, seen)
            slot.corpus = prepared
        return prepared.features

    def _fit(self, store: Store, profile: str, revision: int, slot: _ProfileSlot) -> FittedModel | None:
        labelled = store.labelled_papers(profile)
        if labelled["label"].nunique() < 2:
            return None
        classifier = make_classifier(corpus=self._prepared_corpus(store, profile, slot))
        classifier.fit(labelled[TEXT_COLUMNS], labelled["label"].to_numpy())
        model = FittedModel(classifier, revision, now(), len(labelled))
        meta = {
            "profile": profile,
            "revision": revision,
            "trained_at": model.trained_at,
            "n_labels": model.n_labels,
        }
        self.saver.schedule(self.model_path(profile), classifier, meta)
        return model

    def quality(self, store: Store, profile: str) -> dict | None:
        """Cross-validated ranking quality on the profile's own ratings, once it has enough of them."""
        model = self.current(store, profile)
        if model is None:
            return None
        if model.quality is None:
            model.quality = cross_validated_quality(model.classifier, store.labelled_papers(profile))
        return model.quality or None


def cross_validated_quality(classifier: Any, labelled: pd.DataFrame, folds: int = 5) -> dict:
    """Mean ROC AUC over stratified folds of the rated papers (empty when too few of a class)."""
    y = labelled["label"].to_numpy()
    minority = int(min((y == 1).sum(), (y == 0).sum()))
    if minority < QUALITY_MIN_PER_CLASS:
        return {}
    splitter = StratifiedKFold(n_splits=min(folds, minority), shuffle=True, random_state=0)
    X = labelled[TEXT_COLUMNS].reset_index(drop=True)
    aucs = []
    for train, test in splitter.split(X, y):
        fold_model = clone(classifier).fit(X.iloc[train], y[train])
        aucs.append(roc_auc_score(y[test], fold_model.predict_proba(X.iloc[test])[:, 1]))
    return {
        "metric": "roc_auc",
        "mean": round(float(np.mean(aucs)), 4),
        "std": round(float(np.std(aucs)), 4),
        "folds": len(aucs),
    }
