"""The validation's whitespace fast path equals `" ".join(text.split())` for every text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from server.validation import single_spaced

SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(list(SPACES)), max_size=80))
def test_single_spaced_is_split_and_join(text: str) -> None:
    assert single_spaced(text) == " ".join(text.split())


def test_every_kind_of_whitespace_is_normalised() -> None:
    for space in SPACES:
        assert single_spaced(f"a{space}b") == " ".join(f"a{space}b".split())
