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
