"""How fast the embedding worker is going: seconds per paper, smoothed over the batches it timed,
for /score's estimate of when a page's provisional scores will be final (`refine_after_ms`)."""

from __future__ import annotations

FIRST_SECONDS_PER_PAPER = 0.1  # the estimate before the first batch is timed (an abstract, one thread)
SMOOTHING = 0.3  # weight of the newest batch


class EmbeddingPace:
    """An exponentially smoothed seconds-per-paper; written by the worker thread, read by requests
    (one float attribute: a read sees the old or the new value, either is a fair estimate)."""

    def __init__(self, first: float = FIRST_SECONDS_PER_PAPER, smoothing: float = SMOOTHING) -> None:
        self.seconds_per_paper = first
        self.smoothing = smoothing

    def record(self, papers: int, seconds: float) -> None:
        """A batch of `papers` took `seconds`."""
        if papers > 0:
            self.seconds_per_paper += self.smoothing * (seconds / papers - self.seconds_per_paper)

    def seconds_for(self, papers: int) -> float:
        return papers * self.seconds_per_paper
