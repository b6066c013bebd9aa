"""What visitors may book: the calendar of counseling slots and the events with free seats."""
from datetime import date, datetime, timedelta

from ..domain.calendar import tokyo
from ..domain.rooms import MEETING_APPS
from .policy import office_calendar
from .units import taken_rooms


def calendar_days(store, policy, first: date, days: int, now: datetime) -> list[dict]:
    """Day by day: open or closed (with the reason), and each slot's free units by app."""
    with store.transaction():
        calendar = office_calendar(store, policy)
        rooms = [r for r in store.rooms() if r.active]
        result = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            reason = calendar.closed_reason(day)
            entry = {"date": day.isoformat(), "open": reason is None, "reason": reason, "slots": []}
            if reason is None:
                cutoff = calendar.cutoff(day)
                entry["bookable"] = now < cutoff and day <= calendar.last_bookable_day(now)
                entry["cutoff"] = cutoff.isoformat()
                booked = taken_rooms(store, day, now)
                for start in calendar.slot_starts(day):
                    taken = booked.get(start, set())
                    free = [r for r in rooms if r.id not in taken]
                    entry["slots"].append({
                        "start": start.isoformat(),
                        "free": len(free) if entry["bookable"] else 0,
                        "free_by_app": {app: sum(1 for r in free if r.app == app) if entry["bookable"] else 0
                                        for app in MEETING_APPS},
                    })
            result.append(entry)
        return result


def open_events(store, now: datetime) -> list[dict]:
    """Events that have not ended, with free seats; no room ID (it goes on the slip only)."""
    with store.transaction():
        listing = []
        for event in store.events():
            if event.end <= now:
                continue
            seats_taken = sum(1 for b in store.bookings_for_event(event.id) if b.is_active)
            listing.append({
                "event_id": event.id, "kind": event.kind, "title": event.title, "titles": dict(event.titles),
                "start": tokyo(event.start).isoformat(), "end": tokyo(event.end).isoformat(),
                "capacity": event.capacity, "free": event.seats_free(seats_taken),
                "meeting_app": event.meeting_app, "cancelled": event.cancelled,
                "bookable": not event.cancelled and now < event.start and seats_taken < event.capacity,
            })
        return listing
