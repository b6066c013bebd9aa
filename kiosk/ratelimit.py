"""Rate limits on public endpoints (enrollment, phone booking, cancel, sign-in): the refusals. The
counters are the backend's (process memory for TinyDB, shared tables for PostgreSQL)."""
import math

from .domain.errors import DomainError, N_


class RateLimited(DomainError):
    code, status = "rate_limited", 429
    message = N_("Too many tries. Please try again in %(minutes)s minutes.")

    one_minute = N_("Too many tries. Please wait a minute and try again.")

    def __init__(self, window_seconds: float = 60, message: str | None = None):
        minutes = max(1, math.ceil(window_seconds / 60))
        super().__init__(message or (self.one_minute if minutes == 1 else None), minutes=minutes)
        self.retry_after = int(window_seconds)


class CancelLocked(RateLimited):
    """Four digits can be guessed: after five tries an hour, only the office cancels this booking."""

    code = "too_many_tries"
    message = N_("Too many wrong tries for this booking. Please call the office to cancel it, or try again in "
                 "%(minutes)s minutes.")
