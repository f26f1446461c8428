"""Saved models round-trip; anything else is refused with ModelLoadError."""

from __future__ import annotations

import pickle

import joblib
import numpy as np
import pytest

import model.persistence as persistence
from model import ModelLoadError, load_model, save_model


def test_round_trip(fitted, hf_papers, tmp_path):
    path = tmp_path / "model.bin"
    save_model(fitted, path, meta={"profile": "default", "labels": 12})
    loaded, meta = load_model(path)
    assert meta == {"profile": "default", "labels": 12}
    np.testing.assert_array_equal(loaded.predict_proba(hf_papers), fitted.predict_proba(hf_papers))
    assert loaded.explain(hf_papers.iloc[:5]) == fitted.explain(hf_papers.iloc[:5])
    assert [p.name for p in tmp_path.iterdir()] == ["model.bin"]  # no temp file left behind


def test_save_replaces_an_existing_file(fitted, tmp_path):
    path = tmp_path / "model.bin"
    save_model(fitted, path, meta={"version": 1})
    save_model(fitted, path, meta={"version": 2})
    assert load_model(path)[1] == {"version": 2}


def test_missing_file(tmp_path):
    with pytest.raises(ModelLoadError, match="cannot read"):
        load_model(tmp_path / "absent.bin")


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_corrupt_files(fitted, tmp_path, damage):
    path = tmp_path / "model.bin"
    save_model(fitted, path)
    data = path.read_bytes()
    damaged = {
        "truncate": data[: len(data) // 2],
        "flip": data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:],
        "empty": b"",
        "garbage": b"\x00\x01 not a model",
    }[damage]
    path.write_bytes(damaged)
    with pytest.raises(ModelLoadError):
        load_model(path)


def test_a_pickle_we_did_not_write_is_refused(fitted, tmp_path):
    path = tmp_path / "foreign.joblib"
    joblib.dump(fitted, path)
    with pytest.raises(ModelLoadError, match="not a papersieve model"):
        load_model(path)


def test_library_version_mismatch(fitted, tmp_path, monkeypatch):
    path = tmp_path / "model.bin"
    real_versions = persistence.library_versions()
    monkeypatch.setattr(persistence, "library_versions", lambda: {**real_versions, "sklearn": "0.0.1"})
    save_model(fitted, path)
    monkeypatch.undo()
    with pytest.raises(ModelLoadError, match=r"sklearn 0\.0\.1"):
        load_model(path)


def test_schema_version_mismatch(fitted, tmp_path, monkeypatch):
    path = tmp_path / "model.bin"
    monkeypatch.setattr(persistence, "SCHEMA_VERSION", 999)
    save_model(fitted, path)
    monkeypatch.undo()
    with pytest.raises(ModelLoadError, match="schema version"):
        load_model(path)


def test_a_pickled_prepared_corpus_encodes_alike(prepared, hf_papers):
    copy = pickle.loads(pickle.dumps(prepared))
    page = hf_papers.iloc[:5]
    assert (copy.encode(page).terms != prepared.encode(page).terms).nnz == 0
    np.testing.assert_allclose(copy.encode(page).latent, prepared.encode(page).latent)
