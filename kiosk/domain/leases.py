"""Leases (sync.md): units a kiosk may book offline, held until the day's cut-off."""
from dataclasses import dataclass
from datetime import date, datetime

from .records import Record


@dataclass(frozen=True)
class Lease(Record):
    """One (slot, room) unit held for one kiosk; the slip it prints offline is rendered from it."""

    id: str
    kiosk_id: str
    day: date
    start: datetime
    end: datetime
    room: str
    room_id: str
    meeting_app: str
    expires_at: datetime
    granted_at: datetime
    reference: str
    counselor: str | None = None
    released_at: datetime | None = None
    booking_id: str | None = None     # the booking made on it

    def holds(self, now: datetime) -> bool:
        """A lease holds its unit until it is used, released, or its day's cut-off passes."""
        return self.booking_id is None and self.released_at is None and now < self.expires_at


def choose_units(free_by_start: dict, count: int, avoid_starts=()) -> list:
    """Pick `count` (start, room) units, one per slot, from the slots with the most free rooms.

    Taking from the fullest-free slots first never takes a slot's last unit while others
    have spare ones, so phones keep seeing every slot that has room.
    """
    order = sorted(free_by_start.items(), key=lambda item: (item[0] in avoid_starts, -len(item[1]), item[0]))
    picked = []
    for start, rooms in order:
        if len(picked) == count:
            break
        if rooms:
            picked.append((start, rooms[0]))
    return picked


def plan_top_up(calendar, policy, now, rooms, own: list, given_back: set, taken_by_day: dict) -> list:
    """The units to grant a kiosk now: up to `lease_units_per_day` held units per bookable day for
    the next `lease_days` days. `own` are the kiosk's leases, `given_back` the (start, room) units
    it released (never granted to it again), `taken_by_day` day -> start -> rooms nobody else may
    take. Returns (day, start, room id) triples."""
    active = sorted((r.id for r in rooms if r.active))
    plan = []
    for day in calendar.bookable_days(now, policy.lease_days):
        held = [lease for lease in own if lease.day == day and lease.holds(now)]
        need = policy.lease_units_per_day - len(held)
        if need <= 0:
            continue
        taken = taken_by_day.get(day, {})
        free = {start: [r for r in active if r not in taken.get(start, ()) and (start, r) not in given_back]
                for start in calendar.slot_starts(day)}
        held_starts = {lease.start for lease in held}
        plan += [(day, start, room) for start, room in choose_units(free, need, held_starts)]
    return plan
