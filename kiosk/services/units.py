"""Which (slot, room) units are taken: by bookings, or held by a kiosk's lease."""
from datetime import date, datetime

from ..domain.leases import is_held


def held_leases(store, day: date, now: datetime) -> list[dict]:
    return [lease for lease in store.leases(day.isoformat())
            if is_held(lease, now, used=store.booking_on_lease(lease["id"]) is not None)]


def taken_rooms(store, day: date, now: datetime) -> dict:
    """start -> set of room ids that nobody else may book (active bookings and held leases)."""
    taken = {}
    for booking in store.bookings_on(day):
        if booking.is_active and booking.room:
            taken.setdefault(booking.start, set()).add(booking.room)
    for lease in held_leases(store, day, now):
        taken.setdefault(datetime.fromisoformat(lease["start"]), set()).add(lease["room"])
    return taken


def taken_rooms_at(store, start: datetime, now: datetime) -> set:
    """The rooms nobody else may book at one `start` (a booking needs only its own slot)."""
    taken = {b.room for b in store.bookings_starting(start) if b.is_active and b.room}
    taken.update(lease["room"] for lease in held_leases(store, start.date(), now)
                 if datetime.fromisoformat(lease["start"]) == start)
    return taken
