"""The no-show sweeper (C7): confirmed, no contact, 10 minutes past the start."""
from datetime import datetime, timedelta

from ..domain.calendar import tokyo

LOOKBACK_DAYS = 7  # a server that was down for a few days still sweeps what it missed


def sweep_no_shows(store, policy, now: datetime) -> list[str]:
    """Mark every due booking as a no-show, each with its audit line; returns their IDs. Safe to
    run from several processes (each mark is its own decision in the same transaction)."""
    today = tokyo(now).date()
    swept = []
    with store.transaction():
        for offset in range(LOOKBACK_DAYS, -1, -1):
            for booking in store.bookings_on(today - timedelta(days=offset)):
                if booking.due_for_no_show(now, policy.no_show_grace):
                    store.save_booking(booking.mark_no_show(now, "sweeper"))
                    store.audit(now, "sweeper", "booking.no_show", booking_id=booking.booking_id)
                    swept.append(booking.booking_id)
    return swept
