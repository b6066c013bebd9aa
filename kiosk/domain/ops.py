"""A kiosk's sync ops (sync.md): when the visitor acted, receipts, refused ops kept for staff."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .calendar import tokyo
from .errors import ConfirmByPassed, InvalidRequest, N_
from .moments import parse_moment
from .records import Record

# How far before the kiosk's enrollment or its last answered sync a created_at is still believed
# (a visitor who started before the sync and pressed "book" after it).
CREATED_AT_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True)
class Receipt(Record):
    """The result first returned for one kiosk's op: a replay answers `duplicate` with it."""

    kiosk_id: str
    op_id: str
    at: datetime
    result: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DeadLetter(Record):
    """An op the server refused, kept for staff (a call to the visitor) until resolved."""

    op_id: str
    kiosk_id: str
    kiosk_name: str
    seq: int
    type: str
    created_at: str
    received_at: datetime
    error: dict
    payload: dict
    visitor_told: bool = False      # the visitor waited at the screen and saw the refusal
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None


def on_our_clock(moment: datetime, offset_ms: int | None) -> datetime:
    """A kiosk's time, corrected by how far its clock runs ahead of ours."""
    return tokyo(moment - timedelta(milliseconds=offset_ms or 0))


def believed_time(created_at, offset_ms: int | None, received_at: datetime, earliest: datetime | None) -> datetime:
    """When the visitor acted, on our clock: the op's created_at corrected by the kiosk's clock
    offset, believed only within bounds: not after we received it, not before the kiosk's
    enrollment or its last answered sync (minus a tolerance)."""
    created = parse_moment(created_at)
    if created is None:
        raise InvalidRequest(N_("The field “%(field)s” is not valid."), field="created_at")
    moment = min(on_our_clock(created, offset_ms), received_at)
    if earliest is not None:
        moment = max(moment, earliest - CREATED_AT_TOLERANCE)
    return tokyo(moment)


def check_confirm_by(confirm_by, offset_ms: int | None, received_at: datetime) -> None:
    """An unleased op whose kiosk told the visitor "nothing was booked" at `confirm_by` must never
    apply afterwards."""
    if confirm_by is None:
        return
    deadline = parse_moment(confirm_by)
    if deadline is None:
        raise InvalidRequest(N_("The field “%(field)s” is not valid."), field="confirm_by")
    if received_at > on_our_clock(deadline, offset_ms):
        raise ConfirmByPassed()
