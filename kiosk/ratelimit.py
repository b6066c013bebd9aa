"""A small in-memory rate limiter for public endpoints (enrollment, phone booking, sign-in)."""
import threading
import time
from collections import defaultdict, deque

from .domain.errors import DomainError, N_


class RateLimited(DomainError):
    code, status = "rate_limited", 429
    message = N_("Too many requests. Please wait a moment and try again.")


class RateLimiter:
    """At most `limit` calls per `window` seconds per key (e.g. the client's address)."""

    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._calls = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        if self.limit <= 0:  # 0 turns the limit off
            return
        now = self.clock()
        with self._lock:
            calls = self._calls[key]
            while calls and calls[0] <= now - self.window:
                calls.popleft()
            if len(calls) >= self.limit:
                raise RateLimited()
            calls.append(now)
