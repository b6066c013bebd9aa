"""What a visitor does from the join page: see the booking, check in, cancel, add it to a calendar."""
import secrets
import unicodedata
from datetime import timedelta

from icalendar import Alarm, Calendar, Event

from ..domain.bookings import Booking, normalize_reference
from ..domain.errors import LinkInvalid, NoSuchBooking, NotRegisteredYet, TooEarly, WrongDigits
from ..domain.jobseeker import last_digits
from ..tokens import read_join_token
from .bookings import change_booking

CHECKIN_OPENS = timedelta(minutes=15)


def claims_of(secret: str, token: str) -> dict:
    claims = read_join_token(secret, token)
    if claims is None:
        raise LinkInvalid()
    return claims


def token_office(claims: dict) -> str | None:
    """The office a join token belongs to (None: the default office)."""
    return claims.get("o")


def booking_for(store, claims: dict) -> Booking | None:
    """The token's booking (None while a kiosk's offline booking has not synced); `store` is the
    token's office's."""
    with store.transaction():
        return store.booking(claims["b"]) or store.booking_on_lease(claims["b"])


def _digits(text) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(text)) if ch in "0123456789")


def event_title(store, booking: Booking | None, lang: str) -> str | None:
    """An event booking's event title in the visitor's language (Event.title_in's fallbacks)."""
    if booking is None or not booking.event_id:
        return None
    with store.transaction():
        event = store.event(booking.event_id)
    return event.title_in(lang) if event else None


def find_mine(store, reference, last4) -> Booking:
    """"My booking": the booking with this reference whose 求職番号 ends in these 4 digits. Anything
    else (no such reference, other digits, a purged booking) is the same refusal, so nothing is
    revealed about references that exist."""
    with store.transaction():
        booking = store.booking_by_reference(normalize_reference(reference)) if isinstance(reference, str) else None
    if booking is None or not booking.jobseeker_no or \
            not secrets.compare_digest(_digits(last4), last_digits(booking.jobseeker_no)):
        raise NoSuchBooking()
    return booking


def check_in(store, claims: dict, now) -> Booking:
    """"I'm ready": contact, from 15 minutes before the start, so no automatic no-show (C7)."""
    booking = booking_for(store, claims)
    if booking is None:
        raise NotRegisteredYet()
    if now < booking.start - CHECKIN_OPENS:
        raise TooEarly()
    return change_booking(store, booking.booking_id, lambda b: b.check_in(now), now, "visitor", "booking.checkin")


def cancel(store, claims: dict, digits: str, now) -> Booking:
    """An announced cancel (not a strike): the visitor proves it is theirs with 4 digits."""
    booking = booking_for(store, claims)
    if booking is None:
        raise NotRegisteredYet()
    if not booking.jobseeker_no or not secrets.compare_digest(_digits(digits), last_digits(booking.jobseeker_no)):
        raise WrongDigits()
    return change_booking(store, booking.booking_id, lambda b: b.cancel(now, "visitor"), now, "visitor",
                          "booking.cancel")


def ics(booking_id: str, start, end, room_id: str | None, app: str | None, title: str, page_url: str, now) -> bytes:
    """A calendar file in Asia/Tokyo with the room ID and a reminder; nothing personal."""
    cal = Calendar()
    cal.add("prodid", "-//Madoguchi//Hello Work booking//JA")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"{booking_id}@madoguchi")
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", title)
    where = f"{'Zoom' if app == 'zoom' else 'Tele Office' if app == 'teleoffice' else ''} {room_id or ''}".strip()
    event.add("location", where)
    event.add("description", f"{where}\n{page_url}")
    event.add("url", page_url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)
    alarm.add("trigger", timedelta(minutes=-15))
    event.add_component(alarm)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
