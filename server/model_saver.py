"""Models written to disk in the background, once a profile's ratings have been quiet for a while."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from model import save_model
from server.memory import release_free_memory

log = logging.getLogger(__name__)

SAVE_DELAY_SECONDS = 2.0


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
                release_free_memory()  # the fit's and the save's temporaries, quiet for a while now
            except OSError as error:  # a full or read-only disk: one line, no traceback
                log.warning(
                    "could not save the model to %s (%s): the one in memory serves, and it is "
                    "saved with the next change",
                    path,
                    error.strerror or error,
                )
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
