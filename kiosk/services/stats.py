"""Statistics without identifiers (S4, C8): counts by ISO week, never a name, number or device."""
from collections import Counter
from datetime import date

from ..domain.calendar import tokyo


def weekly(store, first: date, last: date) -> list[dict]:
    """Per ISO week from `first` to `last` (its Monday as `monday`): bookings, attended, no-shows, cancelled, no-show rate,
    languages, services (counseling or event) and channel (kiosk or phone), nothing else."""
    weeks = {}
    with store.transaction():
        for b in store.bookings_between(first, last):
            year, week, _ = tokyo(b.start).isocalendar()
            w = weeks.setdefault((year, week), {"week": f"{year}-W{week:02d}", "bookings": 0, "status": Counter(),
                                                "languages": Counter(), "services": Counter(), "channels": Counter()})
            w["bookings"] += 1
            w["status"][b.status] += 1
            w["languages"][b.language] += 1
            w["services"][b.service] += 1
            w["channels"][b.channel] += 1
    rows = []
    for key in sorted(weeks):
        w = weeks[key]
        held = w["status"]["attended"] + w["status"]["no_show"]
        rows.append({"week": w["week"], "monday": date.fromisocalendar(*key, 1), "bookings": w["bookings"], "attended": w["status"]["attended"],
                     "no_show": w["status"]["no_show"], "cancelled": w["status"]["cancelled"],
                     "no_show_rate": round(w["status"]["no_show"] / held, 3) if held else None,
                     "languages": dict(w["languages"]), "services": dict(w["services"]), "channels": dict(w["channels"])})
    return rows
