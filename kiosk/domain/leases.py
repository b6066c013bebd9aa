"""Leases (sync.md): units a kiosk may book offline, held until the day's cut-off."""
from datetime import datetime


def is_held(lease: dict, now: datetime, used: bool) -> bool:
    """A lease holds its unit until it is used, released, or its day's cut-off passes."""
    return not used and not lease.get("released_at") and now < datetime.fromisoformat(lease["expires_at"])


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
