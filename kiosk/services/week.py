"""The staff's week view (X4): every unit of every open day, free, booked or held by a kiosk."""
from datetime import date, datetime, timedelta

from .policy import office_calendar
from .units import held_leases


def week_units(store, policy, monday: date, now: datetime) -> list[dict]:
    """Monday to Friday from `monday`: closed days with their reason; for open days each slot's
    rooms as {"room_id", "state": free | booked | leased, "kiosk": name when leased}."""
    with store.transaction():
        calendar = office_calendar(store, policy)
        rooms = [r for r in store.rooms() if r.active]
        kiosks = {k.id: k.name for k in store.kiosks()}
        days = []
        for offset in range(5):
            day = monday + timedelta(days=offset)
            reason = calendar.closed_reason(day)
            entry = {"date": day, "reason": reason, "slots": []}
            if reason is None:
                booked = {(b.start, b.room): b for b in store.bookings_on(day) if b.is_active and b.room}
                leased = {(l.start, l.room): l for l in held_leases(store, day, now)}
                for start in calendar.slot_starts(day):
                    units = []
                    for room in rooms:
                        unit = {"room": room.id, "room_id": room.meeting_id, "state": "free"}
                        if (start, room.id) in booked:
                            unit["state"] = "booked"
                        elif (start, room.id) in leased:
                            unit.update(state="leased", kiosk=kiosks.get(leased[(start, room.id)].kiosk_id, "?"))
                        units.append(unit)
                    entry["slots"].append({"start": start, "units": units})
            days.append(entry)
        return days
