"""While one request refits a profile's model, /score's look-up gets the last model at once, and
that model is not called settled (its page is marked provisional and asked for again)."""

from __future__ import annotations

import threading

from server.profile_models import ProfileModels
from server.store import DEFAULT_PROFILE, Paper, Store


def as_paper(record: dict) -> Paper:
    return Paper(record["id"], record["title"], record["abstract"], record["url"])


def test_a_refit_in_progress_hands_out_the_last_model(tmp_path, hf_papers) -> None:
    with Store.open(tmp_path / "data") as store:
        models = ProfileModels(tmp_path / "data")
        store.record_seen(DEFAULT_PROFILE, [as_paper(p) for p in hf_papers])
        store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[0]), 1)
        store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[1]), -1)
        first = models.current(store, DEFAULT_PROFILE, 0)
        assert first is not None
        store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[2]), 1)
        slot = models._slot(DEFAULT_PROFILE)
        got: list = []
        with slot.lock:  # what a request refitting the model holds
            looking = threading.Thread(
                target=lambda: got.append(models.current(store, DEFAULT_PROFILE, 0, stale_ok=True))
            )
            looking.start()
            looking.join(timeout=10)
            assert not looking.is_alive() and got == [first]
        assert not models.settled(store, DEFAULT_PROFILE, first, 0)
        fresh = models.current(store, DEFAULT_PROFILE, 0, stale_ok=True)  # nobody fits: it refits
        assert fresh is not first and fresh.n_labels == 3
