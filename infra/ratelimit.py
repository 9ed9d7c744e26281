"""A sliding-window limiter per key (client address, account, case number), in one process's memory (one
process; a restart forgets it). Used against guessing query codes and passwords."""
from __future__ import annotations

import time
from collections import defaultdict, deque


class Limiter:
    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque] = defaultdict(deque)

    def _trim(self, key: str) -> deque:
        hits, cutoff = self._hits[key], self.clock() - self.window
        while hits and hits[0] <= cutoff:
            hits.popleft()
        if not hits:
            del self._hits[key]
            return self._hits[key]
        return hits

    def retry_after(self, key: str) -> int:
        """0 if ``key`` may try now, else seconds until its oldest try leaves the window."""
        hits = self._trim(key)
        if len(hits) < self.limit:
            return 0
        return max(1, int(hits[0] + self.window - self.clock()) + 1)

    def hit(self, key: str) -> None:
        self._trim(key).append(self.clock())
        if len(self._hits) > 10_000:          # forget addresses whose tries have all left the window
            for stale in list(self._hits):
                self._trim(stale)
