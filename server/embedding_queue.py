"""The embedding worker's queue: papers of scored pages first (the newest request at the front, in
page order), then a chunk of the stored backlog; bounded, the lowest priority dropped first.

Not thread-safe on its own: the worker (server/embedding_worker.py) holds its lock around every call."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable


class EmbeddingQueue:
    def __init__(self, max_papers: int) -> None:
        self.max_papers = max_papers
        self.urgent: OrderedDict[str, None] = OrderedDict()  # front = embed next
        self.backlog: list[str] = []

    def __len__(self) -> int:
        return len(self.urgent) + len(self.backlog)

    def push_front(self, ids: list[str]) -> int:
        """These page papers go before everything queued, in this order; returns how many papers
        were dropped to stay within `max_papers` (the backlog chunk's, then the oldest requests')."""
        for paper_id in reversed(ids):
            self.urgent[paper_id] = None
            self.urgent.move_to_end(paper_id, last=False)
        overflow = len(self) - self.max_papers
        if overflow <= 0:
            return 0
        from_backlog = min(overflow, len(self.backlog))
        del self.backlog[len(self.backlog) - from_backlog :]
        for _ in range(overflow - from_backlog):
            self.urgent.popitem(last=True)
        return overflow

    def pop_batch(self, size: int) -> list[str]:
        """Up to `size` papers to embed next: page papers first, else the backlog's."""
        if self.urgent:
            return [self.urgent.popitem(last=False)[0] for _ in range(min(size, len(self.urgent)))]
        batch, self.backlog[:] = self.backlog[:size], self.backlog[size:]
        return batch

    def order(self) -> list[str]:
        """Every queued paper id, in the order they will be embedded."""
        return [*self.urgent, *self.backlog]

    def papers_through(self, wanted: Iterable[str]) -> int:
        """How many papers are embedded before the last of `wanted` is (0: none of them queued)."""
        wanted = set(wanted)
        return max((i for i, paper_id in enumerate(self.order(), start=1) if paper_id in wanted), default=0)

    def clear(self) -> None:
        self.urgent.clear()
        self.backlog.clear()
