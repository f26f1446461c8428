"""The one error every `papersieve` command reports as a line on stderr with a non-zero exit code."""

from __future__ import annotations


class CommandError(Exception):
    """A failure to report as one line on stderr with a non-zero exit code."""
