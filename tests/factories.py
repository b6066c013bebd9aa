"""Small factories with defaults: tests say only what matters to them."""
import itertools
import uuid
from datetime import datetime, timedelta

from kiosk.domain.bookings import Booking
from kiosk.domain.calendar import TOKYO
from kiosk.terms import builtin_versions

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)  # a Tuesday; Dec 2 onward is bookable
_numbers = itertools.count(1000)


def jobseeker_no() -> str:
    """A fresh, valid 求職番号."""
    return f"28010-{next(_numbers):05d}"


def consent(services=("online-services", "online-counseling")) -> dict:
    docs = {v.doc: v for v in builtin_versions()}
    return {"accepted_at": NOW.isoformat(),
            "terms": [{"doc": d, "version": docs[d].version, "sha256": docs[d].sha256("ja")} for d in services]}


def make_payload(**overrides) -> dict:
    """A valid `booking.create` payload for a counseling slot on Dec 3, 2026 at 10:30."""
    payload = {
        "booking_id": str(uuid.uuid4()),
        "service": "counseling",
        "start": "2026-12-03T10:30:00+09:00",
        "name": "山田 花子",
        "jobseeker_no": jobseeker_no(),
        "language": "ja",
        "meeting_app": "zoom",
        "needs_interpreter": False,
        "needs_assistant": False,
        "consent": consent(),
        "eligibility": {"registered": True, "has_camera_device": True, "wants_continuous_counseling": True},
    }
    payload.update(overrides)
    return payload


def make_booking(**overrides) -> Booking:
    start = overrides.pop("start", datetime(2026, 12, 3, 10, 30, tzinfo=TOKYO))
    values = dict(booking_id=str(uuid.uuid4()), service="counseling", start=start, end=start + timedelta(minutes=30),
                  name="山田 花子", jobseeker_no="28010-12345", room="r1", room_id="845 1234 5678",
                  meeting_app="zoom", created_at=NOW)
    values.update(overrides)
    return Booking(**values)


def context(office, base_url: str = "http://kiosk.test", **asker):
    """A booking service's context for the app state `office` (its rules in force, its secret)."""
    from kiosk.domain.decisions import Asker
    from kiosk.services.bookings import Context
    from kiosk.services.policy import policy_of
    return Context(policy_of(office.store, office.settings), office.secret, base_url, Asker(**asker))
