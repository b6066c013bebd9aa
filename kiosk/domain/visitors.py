"""Strikes for unannounced no-shows and restrictions on a 求職番号 (C7, C11, S7)."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .bookings import NO_SHOW
from .calendar import tokyo
from .errors import Restricted
from .records import Record


@dataclass(frozen=True)
class Restriction(Record):
    """Staff refuse new bookings for a number until `until` (inclusive), with a reason."""

    id: str
    jobseeker_no: str
    reason: str
    until: date
    created_at: datetime
    by: str
    lifted_at: datetime | None = None

    def in_force(self, now: datetime) -> bool:
        return self.lifted_at is None and tokyo(now).date() <= self.until


def strikes(visits, now: datetime, window_days: int) -> int:
    """Unannounced no-shows whose session started within the last `window_days` (bookings or visits)."""
    since = now - timedelta(days=window_days)
    return sum(1 for b in visits if b.status == NO_SHOW and since <= b.start <= now)


def check_may_book(restrictions, strike_count: int, threshold: int, now: datetime) -> None:
    """Refuse a visitor under a staff restriction or at the automatic strike threshold (0 = off)."""
    if any(r.in_force(now) for r in restrictions):
        raise Restricted()
    if threshold and strike_count >= threshold:
        raise Restricted()


def visitors_named(bookings, name: str) -> list[str]:
    """The 求職番号 of the bookings whose name is `name` (compared by `name_key`: NFKC, spaces
    ignored), in the order of the bookings, each once."""
    from .text import name_key
    wanted = name_key(name)
    found = []
    for b in bookings:
        if wanted and b.jobseeker_no and name_key(b.name) == wanted and b.jobseeker_no not in found:
            found.append(b.jobseeker_no)
    return found
