"""Retention (C9): personal fields are purged a set number of days after the session; the bookings
stay, without identifiers, for the statistics. Old receipts and sessions go too."""
from dataclasses import replace
from datetime import date, datetime, timedelta

from ..domain.calendar import tokyo


def purge_personal_data(store, policy, now: datetime) -> dict:
    """Purge name, 求職番号 and note from bookings whose day is RETENTION_DAYS or more ago (and
    from refused kiosk bookings received that long ago).

    One unit of work per day, each with its audit line and its progress (meta "purged_before"):
    a first purge over years of history (or a shorter RETENTION_DAYS) never holds the store for
    long, and a daily run reads only the days that came due since."""
    before = tokyo(now).date() - timedelta(days=policy.retention_days)
    cutoff = datetime.combine(before, datetime.min.time(), tokyo(now).tzinfo)
    with store.transaction():
        done = store.meta("purged_before")
        start = date.fromisoformat(done) if done else None
        days = [day for day in store.booking_days() if day < before and (start is None or day >= start)]
    purged = sum(_purge_day(store, day, now) for day in days)
    with store.transaction():
        letters = 0
        for letter in store.dead_letters():      # refused kiosk bookings hold the same fields
            if letter.received_at < cutoff and ("name" in letter.payload or "jobseeker_no" in letter.payload):
                payload = {k: v for k, v in letter.payload.items() if k not in ("name", "jobseeker_no")}
                store.save_dead_letter(replace(letter, payload=payload))
                letters += 1
        receipts = store.drop_receipts_before(cutoff) if start is None or start < before else 0
        store.drop_sessions_before(now - timedelta(days=2))
        store.set_meta("purged_before", before.isoformat())
        if letters:
            store.audit(now, "retention", "retention.purge", dead_letters=letters, before=before.isoformat())
    return {"purged": purged, "dead_letters": letters, "receipts": receipts, "before": before.isoformat()}


def _purge_day(store, day: date, now: datetime) -> int:
    with store.transaction():
        purged = 0
        for booking in store.bookings_on(day):
            if booking.name or booking.jobseeker_no or booking.note:
                store.save_booking(booking.purged(now))
                purged += 1
        store.set_meta("purged_before", (day + timedelta(days=1)).isoformat())
        if purged:
            store.audit(now, "retention", "retention.purge", bookings=purged, day=day.isoformat())
    return purged
