"""Creating and changing bookings (C1, C5, C6, C7, C12, S1): load the facts, one domain decision, commit."""
import hashlib
import json
import secrets
import uuid

import orjson
from dataclasses import dataclass, replace
from datetime import datetime

from ..domain.bookings import Booking, new_reference
from ..domain.calendar import SLOT, tokyo
from ..domain.decisions import Asker, BookingFacts, Moments, decide_booking
from ..domain.errors import BookingIdReused, BookingNotFound, RoomUnavailable, SlotFull, TooManyBookings
from ..domain.requests import BookingRequest, clean_name
from ..domain.terms import read_out_consent
from ..domain.rooms import assign_room
from ..tokens import join_token
from .policy import office_calendar, policy_of, terms_in_force
from .retry import retried
from .units import taken_rooms_at


@dataclass(frozen=True)
class Context:
    """Who asks, under which rules, and the server's address for links. `policy` is the rules in
    force, or None to read them (from `settings` and the office's overrides) inside the booking's
    own transaction."""

    policy: object
    secret: str
    base_url: str
    asker: Asker = Asker()
    office: str | None = None     # named in join tokens; None for the default office
    settings: object = None

    def rules(self, store):
        return self.policy if self.policy is not None else policy_of(store, self.settings)


def request_hash(payload: dict) -> str:
    """Identifies a request's content, so a replay is told apart from a reused ID."""
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _same_request(stored: str | None, payload: dict, fingerprint: str) -> bool:
    """A replay of the request that made the booking, also when its hash was taken the way the
    server did before stop 12 (json.dumps: a booking made then and sent again after an upgrade)."""
    legacy = lambda: hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()  # noqa: E731
    return stored == fingerprint or stored == legacy()


def join_url(ctx: Context, unit_id: str, room_id: str | None, start: datetime) -> str:
    return f"{ctx.base_url.rstrip('/')}/j/{join_token(ctx.secret, unit_id, room_id, start.isoformat(), ctx.office)}"


def booking_result(booking: Booking, ctx: Context) -> dict:
    """What the visitor's device gets back: no name, no 求職番号."""
    # A booking made on a lease keeps the lease's link: the slip printed offline carries it.
    result = {
        "booking_id": booking.booking_id,
        "status": booking.status,
        "service": booking.service,
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
        "room_id": booking.room_id,
        "meeting_app": booking.meeting_app,
        "join_url": join_url(ctx, booking.lease_unit_id or booking.booking_id, booking.room_id, booking.start),
        "reference": booking.reference,
    }
    if booking.event_id:
        result["event_id"] = booking.event_id
    return result


def _reference(store) -> str:
    """A reference no booking or lease of the office uses."""
    while True:
        reference = new_reference(secrets.token_bytes(6))
        if not store.reference_taken(reference):
            return reference


def booking_facts(store, req: BookingRequest, policy, now: datetime, day) -> BookingFacts:
    """Everything the decision looks at, read in the booking's transaction: first what the visitor
    lock guards or what rarely changes (the visitor's bookings and restrictions, terms, calendar,
    rooms, the event), then, under the units lock of `day` (the request's, if any), what is taken.
    That lock is held until the commit: the less is read under it, the less one day's bookings queue."""
    slot = tokyo(req.start) if req.start and not req.lease_unit_id and req.service == "counseling" else None
    event = store.event(req.event_id) if req.service == "event" and req.event_id else None
    visits, restrictions = tuple(store.visits_of(req.jobseeker_no)), tuple(store.restrictions_for(req.jobseeker_no))
    terms, calendar, rooms = terms_in_force(store, now), office_calendar(store, policy), tuple(store.rooms()) if slot else ()
    if day is not None:
        store.lock_units(day)
    lease = store.lease(req.lease_unit_id) if req.lease_unit_id else None
    holder = store.booking_on_lease(lease.id) if lease else None
    return BookingFacts(
        visits=visits, restrictions=restrictions, terms=terms, calendar=calendar, rooms=rooms,
        taken_rooms=taken_rooms_at(store, slot, now) if slot else frozenset(),
        lease=lease,
        lease_holder=holder.booking_id if holder else None,
        event=event,
        seats_taken=sum(1 for b in store.bookings_for_event(event.id) if b.is_active) if event else 0,
    )


def _explain_existing(store, err: TooManyBookings, req: BookingRequest) -> None:
    """"Already booked": when the name matches the existing booking's too, the refusal says when
    it is (the visitor proved who they are with name and number), so the kiosk can offer it."""
    existing = store.booking(err.existing.booking_id) if getattr(err, "existing", None) else None
    if existing is not None and existing.name and clean_name(existing.name) == req.name:
        err.detail = {"existing": {"start": existing.start.isoformat(), "end": existing.end.isoformat(),
                                   "service": existing.service, "reference": existing.reference}}


def _unit_day(store, req: BookingRequest):
    """The day whose units the request is about (the lease's, the event's, or the slot's)."""
    if req.lease_unit_id:
        lease = store.lease(req.lease_unit_id)
        return lease.day if lease else None
    if req.service == "event":
        event = store.event(req.event_id) if req.event_id else None
        return tokyo(event.start).date() if event else None
    return tokyo(req.start).date() if req.start else None


@retried
def create_booking(store, ctx: Context, payload: dict, now: datetime, received_at: datetime | None = None,
                   client_created_at: datetime | None = None) -> tuple[Booking, bool]:
    """Book a counseling slot or an event seat; the same request again returns the same booking.

    `now` is when the visitor acted (rules are judged then); `received_at` when we heard of it.
    Returns (booking, created).
    """
    req = BookingRequest.from_payload(payload)
    fingerprint = request_hash(payload)
    with store.transaction():
        existing = store.booking(req.booking_id)
        if existing is not None:
            if not _same_request(existing.request_hash, payload, fingerprint):
                raise BookingIdReused()
            return existing, False
        store.lock_visitor(req.jobseeker_no)
        policy = ctx.rules(store)
        day, reference = _unit_day(store, req), _reference(store)
        facts = booking_facts(store, req, policy, now, day)
        when = Moments(acted=now, received=received_at or now, client_created_at=client_created_at)
        try:
            booking = decide_booking(req, facts, policy, ctx.asker, when, fingerprint, reference)
        except TooManyBookings as err:
            _explain_existing(store, err, req)
            raise
        store.save_booking(booking)
        if booking.lease_unit_id:
            store.save_lease(replace(facts.lease, booking_id=booking.booking_id))
        store.audit(when.received, ctx.asker.name, "booking.create", booking_id=booking.booking_id,
                    service=booking.service, start=booking.start.isoformat(), channel=booking.channel,
                    **({"lease": booking.lease_unit_id} if booking.lease_unit_id else {}),
                    **({"arrived_late": True} if booking.arrived_late else {}))
    return booking, True


@retried
def change_booking(store, booking_id: str, change, now: datetime, actor: str, audit_action: str | None = None) -> Booking:
    """Apply one state change (`change(booking) -> booking`) in one transaction, audit line included."""
    with store.transaction():
        booking = store.booking(booking_id)
        if booking is None:
            raise BookingNotFound()
        changed = change(booking)
        store.save_booking(changed)
        if audit_action:
            store.audit(now, actor, audit_action, booking_id=booking_id, status=changed.status)
    return changed


@retried
def reschedule_booking(store, policy, booking_id: str, new_start: datetime, now: datetime, actor: str) -> Booking:
    """Staff move a counseling session to another open slot; the visitor's page shows old and new.

    The counselor stays when their room is free at the new time (C6); the calendar's rules apply.
    """
    with store.transaction():
        booking = store.booking(booking_id)
        if booking is None:
            raise BookingNotFound()
        office_calendar(store, policy).check_counseling_start(new_start, now)
        start = tokyo(new_start)
        for day in sorted({tokyo(booking.start).date(), start.date()}):
            store.lock_units(day)
        taken = set(taken_rooms_at(store, start, now))
        if booking.start == start:
            taken.discard(booking.room)
        room = assign_room(store.rooms(), taken, booking.meeting_app, booking.counselor)
        return change_booking(
            store, booking_id,
            lambda b: b.reschedule(now, actor, start, start + SLOT, room=room.id, room_id=room.meeting_id,
                                   meeting_app=room.app, counselor=room.counselor),
            now, actor, "booking.reschedule")


@retried
def change_room(store, booking_id: str, room_id: str, now: datetime, actor: str) -> Booking:
    """Staff give a booking another room at the same time (the visitor's page shows the new ID)."""
    with store.transaction():
        booking = store.booking(booking_id)
        if booking is None:
            raise BookingNotFound()
        room = next((r for r in store.rooms() if r.id == room_id and r.active), None)
        if room is None:
            raise RoomUnavailable()
        store.lock_units(tokyo(booking.start).date())
        if room.id in taken_rooms_at(store, booking.start, now) - {booking.room}:
            raise SlotFull()
        return change_booking(store, booking_id, lambda b: b.move_to_room(now, actor, room), now, actor, "booking.room")


def cancel_booking(store, booking_id: str, now: datetime, actor: str) -> Booking:
    """An announced cancel (not a strike); the unit is free again at once."""
    return change_booking(store, booking_id, lambda b: b.cancel(now, actor), now, actor, "booking.cancel")


def mark_attended(store, booking_id: str, now: datetime, actor: str) -> Booking:
    return change_booking(store, booking_id, lambda b: b.mark_attended(now, actor), now, actor, "booking.attended")


def undo_attended(store, booking_id: str, now: datetime, actor: str) -> Booking:
    return change_booking(store, booking_id, lambda b: b.undo_attended(now, actor), now, actor, "booking.attended_undone")


def add_note(store, booking_id: str, note: str, now: datetime, actor: str) -> Booking:
    """A staff note on a booking (personal data: purged with the booking's other fields)."""
    return change_booking(store, booking_id, lambda b: replace(b, note=note.strip() or None), now, actor, "booking.note")


def check_in(store, booking_id: str, now: datetime, actor: str = "visitor") -> Booking:
    return change_booking(store, booking_id, lambda b: b.check_in(now), now, actor, "booking.checkin")


STAFF_PHONE = "staff_phone"   # the channel of a booking staff took on the phone
CALLER_FIELDS = ("booking_id", "start", "event_id", "name", "jobseeker_no", "language", "meeting_app",
                 "needs_interpreter", "interpreter_language", "needs_assistant", "eligibility")


def caller_payload(store, fields: dict, now: datetime) -> dict:
    """A `booking.create` payload from the console's phone form: the terms in force, read out
    to the caller (the tick in `fields`), are its consent."""
    service = fields.get("service") or "counseling"
    with store.transaction():
        current = terms_in_force(store, now)
    payload = {key: fields[key] for key in CALLER_FIELDS if fields.get(key) not in (None, "")}
    payload.update(service=service, consent=read_out_consent(fields.get("terms_read_out"), service, current, now))
    payload.setdefault("booking_id", str(uuid.uuid4()))
    return payload


def book_for_caller(store, ctx: Context, payload: dict, now: datetime, staff_id: str) -> tuple[Booking, bool]:
    """Staff book for a visitor on the phone: the same use case and rules as any booking (cut-off,
    one future booking, restrictions); consent and audit line name the staff member."""
    with store.transaction():
        existing = store.booking(payload["booking_id"])
    if existing is not None and existing.channel == STAFF_PHONE and existing.consent.get("staff_id") == staff_id:
        return existing, False     # the console sent its form again (a retry): the same booking
    return create_booking(store, replace(ctx, asker=Asker(channel=STAFF_PHONE, staff_id=staff_id)), payload, now)
