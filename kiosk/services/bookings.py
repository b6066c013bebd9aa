"""Creating and changing bookings (C1, C5, C6, C7, C12, S1)."""
import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime

from ..domain.bookings import Booking
from ..domain.calendar import SLOT, tokyo
from ..domain.errors import (AlreadyBooked, BookingIdReused, BookingNotFound, EventNotFound, InvalidRequest,
                             LeaseExpired, LeaseUnknown, N_, RoomUnavailable, SlotFull, TooManyBookings)
from ..domain.requests import BookingRequest
from ..domain.rooms import assign_room
from ..domain.terms import check_consent
from ..domain.visitors import check_may_book, strikes
from ..tokens import join_token
from .policy import office_calendar, terms_in_force
from .units import taken_rooms_at


@dataclass(frozen=True)
class Context:
    """Who asks and from where: the services need it for records and links."""

    settings: object
    secret: str
    base_url: str
    channel: str = "phone"
    kiosk_id: str | None = None


def request_hash(payload: dict) -> str:
    """Identifies a request's content, so a replay is told apart from a reused ID."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def booking_result(booking: Booking, ctx: Context) -> dict:
    """What the visitor's device gets back: no name, no 求職番号."""
    # A booking made on a lease keeps the lease's link: the slip printed offline carries it.
    token = join_token(ctx.secret, booking.lease_unit_id or booking.booking_id, booking.room_id, booking.start.isoformat())
    result = {
        "booking_id": booking.booking_id,
        "status": booking.status,
        "service": booking.service,
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
        "room_id": booking.room_id,
        "meeting_app": booking.meeting_app,
        "join_url": f"{ctx.base_url.rstrip('/')}/j/{token}",
    }
    if booking.event_id:
        result["event_id"] = booking.event_id
    return result


def _check_visitor(store, settings, req: BookingRequest, now: datetime) -> list[Booking]:
    history = store.bookings_of(req.jobseeker_no)
    check_may_book(
        store.restrictions_for(req.jobseeker_no),
        strikes(history, now, settings.STRIKE_WINDOW_DAYS),
        settings.STRIKE_THRESHOLD,
        now,
    )
    return history


def _last_counselor(history) -> str | None:
    seen = [b for b in history if b.service == "counseling" and b.is_active and b.counselor]
    return seen[-1].counselor if seen else None


def _check_future_bookings(settings, history, now):
    future = [b for b in history if b.service == "counseling" and b.is_active and b.start > now]
    if len(future) >= settings.MAX_FUTURE_BOOKINGS:
        raise TooManyBookings()


def _counseling_unit(store, settings, req, history, now):
    """Check the slot and pick the room: the visitor's counselor's when free (C6)."""
    office_calendar(store, settings).check_counseling_start(req.start, now)
    _check_future_bookings(settings, history, now)
    start = tokyo(req.start)
    taken = taken_rooms_at(store, start, now)
    room = assign_room(store.rooms(), taken, req.meeting_app, req.counselor or _last_counselor(history))
    return dict(start=start, end=start + SLOT, room=room.id, room_id=room.meeting_id,
                meeting_app=room.app, counselor=room.counselor)


def _leased_unit(store, ctx, req, history, now):
    """A unit the kiosk booked offline on its lease: it applies whatever happened meanwhile (sync.md)."""
    lease = store.lease(req.lease_unit_id)
    if lease is None or lease["kiosk_id"] != ctx.kiosk_id or lease.get("released_at"):
        raise LeaseUnknown()
    holder = store.booking_on_lease(lease["id"])
    if holder is not None and holder.booking_id != req.booking_id:
        raise LeaseUnknown()
    if now >= datetime.fromisoformat(lease["expires_at"]):
        raise LeaseExpired()
    start = datetime.fromisoformat(lease["start"])
    if req.start is None or tokyo(req.start) != start:
        raise InvalidRequest(N_("The start time does not match the reserved time."))
    _check_future_bookings(ctx.settings, history, now)
    return dict(start=start, end=start + SLOT, room=lease["room"], room_id=lease["room_id"],
                meeting_app=lease["meeting_app"], counselor=lease.get("counselor"), lease_unit_id=lease["id"])


def _event_seat(store, req, history, now):
    event = store.event(req.event_id)
    if event is None:
        raise EventNotFound()
    if any(b.event_id == event.id and b.is_active for b in history):
        raise AlreadyBooked()
    seats_taken = sum(1 for b in store.bookings_for_event(event) if b.is_active)
    event.check_bookable(seats_taken, now)
    return dict(start=event.start, end=event.end, room=None, room_id=event.room_id,
                meeting_app=event.meeting_app, counselor=None, event_id=event.id)


def create_booking(store, ctx: Context, payload: dict, now: datetime, op=None,
                   received_at: datetime | None = None) -> tuple[Booking, bool]:
    """Book a counseling slot or an event seat; the same request again returns the same booking.

    `op` is (op_id, created_at) for a kiosk's sync op; its receipt is written with the booking.
    `now` is when the visitor acted (rules are judged then); `received_at` when we heard of it.
    Returns (booking, created).
    """
    req = BookingRequest.from_payload(payload)
    fingerprint = request_hash(payload)
    with store.transaction():
        existing = store.booking(req.booking_id)
        if existing is not None:
            if existing.request_hash != fingerprint:
                raise BookingIdReused()
            return existing, False
        history = _check_visitor(store, ctx.settings, req, now)
        consent = check_consent(req.consent, req.service, terms_in_force(store, now))
        if req.lease_unit_id:
            unit = _leased_unit(store, ctx, req, history, now)
        elif req.service == "counseling":
            unit = _counseling_unit(store, ctx.settings, req, history, now)
        else:
            unit = _event_seat(store, req, history, now)
        booking = Booking(
            booking_id=req.booking_id, service=req.service, name=req.name, jobseeker_no=req.jobseeker_no,
            language=req.language, needs_interpreter=req.needs_interpreter,
            interpreter_language=req.interpreter_language, needs_assistant=req.needs_assistant,
            consent={"terms": consent, "language": req.language, "accepted_at": req.consent.get("accepted_at"),
                     "channel": ctx.channel, "kiosk_id": ctx.kiosk_id},
            eligibility=req.eligibility, channel=ctx.channel, kiosk_id=ctx.kiosk_id, created_at=received_at or now,
            client_created_at=op[1] if op else None, request_hash=fingerprint,
            history=({"at": now.isoformat(), "by": ctx.kiosk_id or ctx.channel, "status": "confirmed"},),
            **unit,
        )
        receipt = (op[0], {"status": "applied", "result": booking_result(booking, ctx)}) if op else None
        store.save_booking(booking, receipt)
    return booking, True


def change_booking(store, booking_id: str, change, now: datetime, actor: str, audit_action: str | None = None,
                   receipt=None) -> Booking:
    """Apply one state change (`change(booking) -> booking`) under the lock.

    `receipt(changed) -> (op_id, result)` stores a sync op's receipt in the same write.
    """
    with store.transaction():
        booking = store.booking(booking_id)
        if booking is None:
            raise BookingNotFound()
        changed = change(booking)
        store.save_booking(changed, receipt(changed) if receipt else None)
        if audit_action:
            store.audit.append(now, actor, audit_action, booking_id=booking_id, status=changed.status)
    return changed


def reschedule_booking(store, settings, booking_id: str, new_start: datetime, now: datetime, actor: str) -> Booking:
    """Staff move a counseling session to another open slot; the visitor's page shows old and new.

    The counselor stays when their room is free at the new time (C6); the calendar's rules apply.
    """
    with store.transaction():
        booking = store.booking(booking_id)
        if booking is None:
            raise BookingNotFound()
        office_calendar(store, settings).check_counseling_start(new_start, now)
        start = tokyo(new_start)
        taken = taken_rooms_at(store, start, now)
        if booking.start == start:
            taken.discard(booking.room)
        room = assign_room(store.rooms(), taken, booking.meeting_app, booking.counselor)
        return change_booking(
            store, booking_id,
            lambda b: b.reschedule(now, actor, start, start + SLOT, room=room.id, room_id=room.meeting_id,
                                   meeting_app=room.app, counselor=room.counselor),
            now, actor, "booking.reschedule")


def change_room(store, booking_id: str, room_id: str, now: datetime, actor: str) -> Booking:
    """Staff give a booking another room at the same time (the visitor's page shows the new ID)."""
    with store.transaction():
        booking = store.booking(booking_id)
        if booking is None:
            raise BookingNotFound()
        room = next((r for r in store.rooms() if r.id == room_id and r.active), None)
        if room is None:
            raise RoomUnavailable()
        if room.id in taken_rooms_at(store, booking.start, now) - {booking.room}:
            raise SlotFull()
        return change_booking(store, booking_id, lambda b: b.move_to_room(now, actor, room), now, actor, "booking.room")


def cancel_booking(store, booking_id: str, now: datetime, actor: str) -> Booking:
    """An announced cancel (not a strike); the unit is free again at once."""
    return change_booking(store, booking_id, lambda b: b.cancel(now, actor), now, actor, "booking.cancel")


def mark_attended(store, booking_id: str, now: datetime, actor: str) -> Booking:
    return change_booking(store, booking_id, lambda b: b.mark_attended(now, actor), now, actor, "booking.attended")


def add_note(store, booking_id: str, note: str, now: datetime, actor: str) -> Booking:
    """A staff note on a booking (personal data: purged with the booking's other fields)."""
    return change_booking(store, booking_id, lambda b: replace(b, note=note.strip() or None), now, actor, "booking.note")


def check_in(store, booking_id: str, now: datetime) -> Booking:
    return change_booking(store, booking_id, lambda b: b.check_in(now), now, "visitor")
