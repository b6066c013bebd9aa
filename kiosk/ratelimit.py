"""Rate limits on public endpoints (enrollment, phone booking, cancel, sign-in): the refusal. The
counters are the backend's (process memory for TinyDB, shared tables for PostgreSQL)."""
from .domain.errors import DomainError, N_


class RateLimited(DomainError):
    code, status = "rate_limited", 429
    message = N_("Too many requests. Please wait a moment and try again.")
