"""The encoder's child process: same vectors as in-process, restarted when it dies, gone when closed."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from model.embedding import shared_encoder
from server.encoder_process import EncoderProcess, process_rss_mib

TITLES = ["Attention is all you need", "", "Deep residual learning"]
ABSTRACTS = ["We propose the Transformer, based solely on attention.", "", "Residual nets ease training."]


@pytest.fixture
def encoder():
    process = EncoderProcess(threads=1)
    yield process
    process.close()


def test_child_vectors_equal_in_process_vectors(encoder: EncoderProcess) -> None:
    expected = shared_encoder(1).encode(TITLES, ABSTRACTS)
    np.testing.assert_array_equal(encoder.encode(TITLES, ABSTRACTS), expected)
    assert encoder.pid != os.getpid()


def test_a_killed_child_is_replaced_and_the_batch_still_answered(encoder: EncoderProcess) -> None:
    first = encoder.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    vectors = encoder.encode(TITLES[:1], ABSTRACTS[:1])
    assert vectors.shape == (1, 384) and encoder.restarts == 1
    assert encoder.pid not in (None, first)


def test_a_child_over_its_memory_bound_is_restarted(encoder: EncoderProcess) -> None:
    encoder.max_rss_mib = 1.0  # every child holds more: restarted after each batch
    first = encoder.pid
    encoder.encode(TITLES[:1], ABSTRACTS[:1])
    assert encoder.restarts == 1 and encoder.pid != first


def test_close_ends_the_child(encoder: EncoderProcess) -> None:
    pid = encoder.pid
    assert pid is not None and process_rss_mib(pid) > 0
    encoder.close()
    assert encoder.pid is None and process_rss_mib(pid) == 0
