"""A token bucket per client key, in memory (one console process; behind a sticky balancer each process keeps
its own). Used by the platform's intake API so a runaway client cannot flood the moderation queue."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBuckets:
    """`rate_per_minute` requests per key on average, bursts up to `burst`."""

    def __init__(
        self, rate_per_minute: int, burst: int | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst if burst is not None else max(1, rate_per_minute // 6))
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until the next request would be)."""
        now = self.clock()
        with self._lock:
            tokens, since = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - since) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return True, 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 10_000:  # forget idle clients (their buckets are full again anyway)
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 600}
            return False, (1 - tokens) / self.rate
