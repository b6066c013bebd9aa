"""Strikes for unannounced no-shows and restrictions on a 求職番号 (C7, C11, S7)."""
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from .bookings import NO_SHOW
from .errors import Restricted


@dataclass(frozen=True)
class Restriction:
    """Staff refuse new bookings for a number until `until` (inclusive), with a reason."""

    id: str
    jobseeker_no: str
    reason: str
    until: date
    created_at: datetime
    by: str
    lifted_at: datetime | None = None

    @classmethod
    def from_record(cls, record: dict) -> "Restriction":
        return cls(
            id=record["id"], jobseeker_no=record["jobseeker_no"], reason=record["reason"],
            until=date.fromisoformat(record["until"]), created_at=datetime.fromisoformat(record["created_at"]),
            by=record["by"], lifted_at=datetime.fromisoformat(record["lifted_at"]) if record.get("lifted_at") else None,
        )

    def to_record(self) -> dict:
        record = asdict(self)
        record["until"] = self.until.isoformat()
        record["created_at"] = self.created_at.isoformat()
        record["lifted_at"] = self.lifted_at.isoformat() if self.lifted_at else None
        return record

    def in_force(self, now: datetime) -> bool:
        return self.lifted_at is None and now.date() <= self.until


def strikes(bookings, now: datetime, window_days: int) -> int:
    """Unannounced no-shows whose session started within the last `window_days`."""
    since = now - timedelta(days=window_days)
    return sum(1 for b in bookings if b.status == NO_SHOW and since <= b.start <= now)


def check_may_book(restrictions, strike_count: int, threshold: int, now: datetime) -> None:
    """Refuse a visitor under a staff restriction or at the automatic strike threshold (0 = off)."""
    if any(r.in_force(now) for r in restrictions):
        raise Restricted()
    if threshold and strike_count >= threshold:
        raise Restricted()
