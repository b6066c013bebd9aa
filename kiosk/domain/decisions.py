"""One decision per booking (cosmicpython's "load, one domain call, commit"): the service loads the
facts, `decide_booking` applies every rule in one place and returns the booking or refuses."""
from dataclasses import dataclass
from datetime import datetime

from .bookings import Booking
from .calendar import SLOT, tokyo
from .errors import (AlreadyBooked, EventNotFound, InvalidRequest, LeaseExpired, LeaseUnknown, N_, SessionStarted,
                     TooManyBookings)
from .events import Event
from .leases import Lease
from .requests import BookingRequest
from .rooms import assign_room
from .terms import check_consent
from .visitors import check_may_book, strikes


@dataclass(frozen=True)
class Asker:
    """Who books: a phone, a kiosk (its ID), or staff for a caller."""

    channel: str = "phone"
    kiosk_id: str | None = None
    staff_id: str | None = None

    @property
    def name(self) -> str:
        return self.kiosk_id or (f"staff:{self.staff_id}" if self.staff_id else self.channel)


@dataclass(frozen=True)
class BookingFacts:
    """What the service loaded for one request (nothing else is looked at)."""

    visits: tuple                    # the visitor's bookings (Visit)
    restrictions: tuple
    terms: dict                      # doc -> TermsVersion in force
    calendar: object                 # OfficeCalendar
    rooms: tuple = ()
    taken_rooms: frozenset = frozenset()   # at the requested start: booked, or held by others' leases
    lease: Lease | None = None       # the lease the request names
    lease_holder: str | None = None  # the booking already made on that lease
    event: Event | None = None
    seats_taken: int = 0


@dataclass(frozen=True)
class Moments:
    """When the visitor acted (`acted`: rules are judged then) and when we heard of it."""

    acted: datetime
    received: datetime
    client_created_at: datetime | None = None


def _last_counselor(visits) -> str | None:
    seen = [v for v in visits if v.service == "counseling" and v.is_active and v.counselor]
    return seen[-1].counselor if seen else None


def _check_future_bookings(policy, visits, now) -> None:
    future = [v for v in visits if v.service == "counseling" and v.is_active and v.start > now]
    if len(future) >= policy.max_future_bookings:
        err = TooManyBookings()
        err.existing = future[0]
        raise err


def _leased_unit(req, facts, asker, policy, when: Moments) -> dict:
    """A unit the kiosk booked offline on its lease: it applies whatever happened meanwhile (sync.md)."""
    lease = facts.lease
    if lease is None or lease.kiosk_id != asker.kiosk_id or lease.released_at is not None:
        raise LeaseUnknown()
    if facts.lease_holder is not None and facts.lease_holder != req.booking_id:
        raise LeaseUnknown()
    if when.acted >= lease.expires_at:
        raise LeaseExpired()
    if req.start is None or tokyo(req.start) != lease.start:
        raise InvalidRequest(N_("The start time does not match the reserved time."))
    _check_future_bookings(policy, facts.visits, when.acted)
    return dict(start=lease.start, end=lease.end, room=lease.room, room_id=lease.room_id,
                meeting_app=lease.meeting_app, counselor=lease.counselor, lease_unit_id=lease.id,
                reference=lease.reference, arrived_late=when.received >= lease.start)


def _counseling_unit(req, facts, policy, when: Moments) -> dict:
    """The slot's rules, then the room: the visitor's counselor's when free (C6)."""
    facts.calendar.check_counseling_start(req.start, when.acted)
    start = tokyo(req.start)
    if when.received >= start:
        raise SessionStarted()
    _check_future_bookings(policy, facts.visits, when.acted)
    room = assign_room(facts.rooms, facts.taken_rooms, req.meeting_app, req.counselor or _last_counselor(facts.visits))
    return dict(start=start, end=start + SLOT, room=room.id, room_id=room.meeting_id, meeting_app=room.app,
                counselor=room.counselor)


def _event_seat(req, facts, when: Moments) -> dict:
    event = facts.event
    if event is None:
        raise EventNotFound()
    if any(v.event_id == event.id and v.is_active for v in facts.visits):
        raise AlreadyBooked()
    event.check_bookable(facts.seats_taken, when.acted)
    event.check_bookable(0, when.received)      # an event that began before we heard of it: too late
    return dict(start=event.start, end=event.end, room=None, room_id=event.room_id, meeting_app=event.meeting_app,
                counselor=None, event_id=event.id)


def decide_booking(req: BookingRequest, facts: BookingFacts, policy, asker: Asker, when: Moments,
                   request_hash: str, reference: str) -> Booking:
    """Every rule of a new booking, in order: the visitor (restrictions, strikes), the consent,
    then the unit (a lease's, a counseling slot's, or an event seat). Returns the booking to save."""
    check_may_book(facts.restrictions, strikes(facts.visits, when.acted, policy.strike_window_days),
                   policy.strike_threshold, when.acted)
    consent = check_consent(req.consent, req.service, facts.terms)
    if req.lease_unit_id:
        unit = _leased_unit(req, facts, asker, policy, when)
    elif req.service == "counseling":
        unit = _counseling_unit(req, facts, policy, when)
    else:
        unit = _event_seat(req, facts, when)
    unit.setdefault("reference", reference)
    return Booking(
        booking_id=req.booking_id, service=req.service, name=req.name, jobseeker_no=req.jobseeker_no,
        language=req.language, needs_interpreter=req.needs_interpreter,
        interpreter_language=req.interpreter_language, needs_assistant=req.needs_assistant,
        consent={"terms": consent, "language": req.language, "accepted_at": req.consent.get("accepted_at"),
                 "channel": asker.channel, "kiosk_id": asker.kiosk_id, **({"staff_id": asker.staff_id} if asker.staff_id else {})},
        eligibility=req.eligibility, channel=asker.channel, kiosk_id=asker.kiosk_id, created_at=when.received,
        client_created_at=when.client_created_at, request_hash=request_hash,
        history=({"at": when.acted.isoformat(), "by": asker.name, "status": "confirmed"},),
        **unit,
    )
