"""Which (slot, room) units are taken: by active bookings, or held by a kiosk's lease."""
from datetime import date, datetime

from ..domain.calendar import tokyo


def held_leases(store, day: date, now: datetime) -> list:
    return [lease for lease in store.leases_on(day) if lease.holds(now)]


def taken_rooms(store, day: date, now: datetime) -> dict:
    """start -> rooms nobody else may book (active bookings and held leases)."""
    taken = {}
    for start, room in store.booked_units(day):
        taken.setdefault(start, set()).add(room)
    for lease in held_leases(store, day, now):
        taken.setdefault(lease.start, set()).add(lease.room)
    return taken


def taken_rooms_at(store, start: datetime, now: datetime) -> frozenset:
    """The rooms nobody else may book at one `start` (a booking needs only its own slot)."""
    day = tokyo(start).date()
    held = {lease.room for lease in held_leases(store, day, now) if lease.start == start}
    return store.booked_rooms_at(start) | held
