"""Bookings and their life: confirmed, then attended, cancelled or no-show (C6, C7)."""
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from .errors import InvalidTransition
from .records import Record

CONFIRMED, ATTENDED, CANCELLED, NO_SHOW = "confirmed", "attended", "cancelled", "no_show"
STATES = (CONFIRMED, ATTENDED, CANCELLED, NO_SHOW)
ACTIVE = (CONFIRMED, ATTENDED)
SERVICES = ("counseling", "event")


@dataclass(frozen=True)
class Booking(Record):
    """One visitor's seat in a counseling slot or an event."""

    booking_id: str
    service: str
    start: datetime
    end: datetime
    status: str = CONFIRMED
    name: str | None = None
    jobseeker_no: str | None = None
    language: str = "ja"
    meeting_app: str | None = None
    room: str | None = None
    room_id: str | None = None
    counselor: str | None = None
    event_id: str | None = None
    lease_unit_id: str | None = None
    needs_interpreter: bool = False
    interpreter_language: str | None = None
    needs_assistant: bool = False
    consent: dict = field(default_factory=dict)
    eligibility: dict = field(default_factory=dict)
    channel: str = "phone"
    kiosk_id: str | None = None
    created_at: datetime | None = None
    client_created_at: datetime | None = None
    checked_in_at: datetime | None = None
    rescheduled_from: datetime | None = None
    request_hash: str | None = None
    note: str | None = None
    history: tuple = ()
    reference: str | None = None        # six characters a person reads over the phone
    arrived_late: bool = False          # the server learned of it only after its start: never a strike

    @property
    def is_active(self) -> bool:
        """Holds its unit: confirmed or attended."""
        return self.status in ACTIVE

    def _moved(self, status: str, now: datetime, by: str, **changes) -> "Booking":
        entry = {"at": now.isoformat(), "by": by, "status": status}
        if changes.get("note"):
            entry["note"] = changes["note"]
        return replace(self, status=status, history=self.history + (entry,), **changes)

    def cancel(self, now: datetime, by: str) -> "Booking":
        """An announced cancel: not a strike, the unit is free again."""
        if self.status != CONFIRMED:
            raise InvalidTransition()
        return self._moved(CANCELLED, now, by)

    def mark_attended(self, now: datetime, by: str) -> "Booking":
        if self.status not in (CONFIRMED, NO_SHOW):
            raise InvalidTransition()
        return self._moved(ATTENDED, now, by)

    def mark_no_show(self, now: datetime, by: str) -> "Booking":
        if self.status != CONFIRMED:
            raise InvalidTransition()
        return self._moved(NO_SHOW, now, by)

    def check_in(self, now: datetime) -> "Booking":
        """The visitor said "I'm here": contact, so no automatic no-show."""
        if self.status != CONFIRMED:
            raise InvalidTransition()
        return replace(self, checked_in_at=now)

    def reschedule(self, now: datetime, by: str, start: datetime, end: datetime, **unit) -> "Booking":
        """Staff moved the session: the new unit, the old start kept for the visitor's page."""
        if self.status != CONFIRMED or self.service != "counseling":
            raise InvalidTransition()
        entry = {"at": now.isoformat(), "by": by, "status": CONFIRMED,
                 "note": f"rescheduled from {self.start.isoformat()} to {start.isoformat()}"}
        return replace(self, start=start, end=end, rescheduled_from=self.start, checked_in_at=None,
                       history=self.history + (entry,), **unit)

    def move_to_room(self, now: datetime, by: str, room) -> "Booking":
        """Another room at the same time (its meeting ID is what the visitor types)."""
        if self.status != CONFIRMED or self.service != "counseling":
            raise InvalidTransition()
        entry = {"at": now.isoformat(), "by": by, "status": CONFIRMED, "note": f"room {self.room} -> {room.id}"}
        return replace(self, room=room.id, room_id=room.meeting_id, meeting_app=room.app, counselor=room.counselor,
                       history=self.history + (entry,))

    def due_for_no_show(self, now: datetime, grace: timedelta) -> bool:
        """C7: no contact `grace` after the start (10 minutes in the terms) means a no-show; a booking
        that reached the office only after its start is never one (the visitor could not be called)."""
        return (self.status == CONFIRMED and self.checked_in_at is None and not self.arrived_late
                and now >= self.start + grace)

    def undo_attended(self, now: datetime, by: str) -> "Booking":
        """Staff clicked "attended" by mistake: back to confirmed."""
        if self.status != ATTENDED:
            raise InvalidTransition()
        return self._moved(CONFIRMED, now, by)

    def visit(self) -> "Visit":
        return Visit(self.booking_id, self.service, self.start, self.status, self.counselor, self.event_id,
                     self.arrived_late)

    def purged(self, now: datetime) -> "Booking":
        """The same booking without personal fields, for statistics after retention (C9)."""
        entry = {"at": now.isoformat(), "by": "retention", "status": self.status, "note": "personal data purged"}
        return replace(self, name=None, jobseeker_no=None, note=None, history=self.history + (entry,))


@dataclass(frozen=True)
class Visit(Record):
    """What the office's rules need of a visitor's earlier bookings (strikes, limits, continuity)."""

    booking_id: str
    service: str
    start: datetime
    status: str
    counselor: str | None = None
    event_id: str | None = None
    arrived_late: bool = False

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"   # no 0/O, no 1/I: read over the phone
REFERENCE_LENGTH = 6


def new_reference(random_bytes: bytes) -> str:
    """A short booking reference from REFERENCE_LENGTH random bytes (32 letters: unbiased)."""
    return "".join(REFERENCE_ALPHABET[b % len(REFERENCE_ALPHABET)] for b in random_bytes[:REFERENCE_LENGTH])


def normalize_reference(text) -> str:
    """What a visitor or staff typed, as a reference: upper case, no spaces or hyphens, O read as 0
    is never needed (the alphabet has neither)."""
    import unicodedata
    if not isinstance(text, str):
        return ""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).upper() if ch.isalnum())
