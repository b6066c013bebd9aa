"""Kiosk tablets: enrollment, device tokens, what they report, commands staff send them."""
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from .records import Record

CODE_TTL = timedelta(hours=24)
STATUS_WRITE_INTERVAL = timedelta(seconds=30)


@dataclass(frozen=True)
class Kiosk(Record):
    """A tablet at the entrance. Secrets (enrollment code, device token) are kept only as hashes."""

    id: str
    name: str
    created_at: datetime
    token_hash: str | None = None
    code_hash: str | None = None
    code_expires_at: datetime | None = None
    enrolled_at: datetime | None = None
    revoked_at: datetime | None = None
    drained_at: datetime | None = None       # the last sync after which its outbox was empty
    status: dict = field(default_factory=dict)
    commands: tuple = ()

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.token_hash is not None

    def with_status(self, report: dict, now: datetime, drained: bool) -> "Kiosk | None":
        """The kiosk with its new report, or None when nothing worth writing changed (a report is
        written when what it holds changed, or at most every 30 s for "last seen")."""
        steady = lambda r: {k: v for k, v in r.items() if k not in ("last_seen", "clock_offset_ms")}  # noqa: E731
        previous = self.status or {}
        stale = not previous.get("last_seen") or \
            now - datetime.fromisoformat(previous["last_seen"]) >= STATUS_WRITE_INTERVAL
        if steady(report) == steady(previous) and not stale:
            return None
        return replace(self, status=report, drained_at=now if drained else self.drained_at)

    def earliest_op_time(self) -> datetime | None:
        """No op of this kiosk can have been made before this (its enrollment, or the last sync
        that emptied its outbox): an earlier created_at is not believed."""
        moments = [m for m in (self.enrolled_at, self.drained_at) if m is not None]
        return max(moments) if moments else None
