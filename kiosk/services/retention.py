"""Retention (C9): personal fields are purged a set number of days after the session;
the bookings stay, without identifiers, for the statistics."""
from datetime import date, datetime, timedelta

from ..domain.calendar import tokyo


def purge_personal_data(store, settings, now: datetime) -> dict:
    """Purge name, 求職番号 and note from bookings whose day is RETENTION_DAYS or more ago (and
    from refused kiosk bookings received that long ago).

    Days already purged are remembered (meta "purged_before"), so a daily run reads only the
    days that came due since."""
    before = tokyo(now).date() - timedelta(days=settings.RETENTION_DAYS)
    purged = 0
    with store.transaction():
        done = store.meta("purged_before")
        start = date.fromisoformat(done) if done else None
        for day in store.booking_days():
            d = date.fromisoformat(day)
            if d >= before:
                break
            if start and d < start:
                continue
            for booking in store.bookings_on(d):
                if booking.name or booking.jobseeker_no or booking.note:
                    store.save_booking(booking.purged(now))
                    purged += 1
        for letter in store.dead_letters():      # refused kiosk bookings hold the same fields
            if letter["received_at"][:10] < before.isoformat() and ("name" in letter["payload"] or "jobseeker_no" in letter["payload"]):
                payload = {k: v for k, v in letter["payload"].items() if k not in ("name", "jobseeker_no")}
                store.save_dead_letter(dict(letter, payload=payload))
                purged += 1
        store.set_meta("purged_before", before.isoformat())
        if purged:
            store.audit.append(now, "retention", "retention.purge", bookings=purged, before=before.isoformat())
    return {"purged": purged, "before": before.isoformat()}
