"""Setting up the office: rooms, closure days, events, terms versions, restrictions, the demo."""
import uuid
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from ..domain.calendar import at, tokyo
from ..domain.errors import S_, EventNotFound, InvalidRequest, InvalidStaffRequest, N_
from ..domain.events import EVENT_KINDS, Event
from ..domain.jobseeker import normalize_jobseeker_no
from ..domain.rooms import MEETING_APPS, Room, normalize_meeting_id
from ..domain.terms import PublishedTerms, sha256_text
from ..domain.bookings import normalize_reference
from ..domain.visitors import Restriction, strikes, visitors_named
from .policy import all_terms_versions, visitor_ref


def _next_room_id(rooms) -> str:
    numbers = [int(r.id[1:]) for r in rooms if r.id[1:].isdigit()]
    return f"r{max(numbers, default=0) + 1}"


def add_room(store, now, actor, app: str, meeting_id: str, counselor: str | None = None, demo=False) -> Room:
    if app not in MEETING_APPS:
        raise InvalidRequest(N_("The meeting app must be zoom or teleoffice."))
    meeting_id = normalize_meeting_id(meeting_id)
    if not meeting_id:
        raise InvalidRequest(N_("Please give the room's meeting ID."))
    with store.transaction():
        rooms = store.rooms()
        if any(r.meeting_id == meeting_id and r.active for r in rooms):
            raise InvalidRequest(N_("A room with that meeting ID exists already."))
        room = Room(_next_room_id(rooms), app, meeting_id, counselor or None, True, demo)
        store.save_room(room)
        store.audit(now, actor, "room.add", room=room.id, app=app, meeting_id=meeting_id)
    return room


def set_room_active(store, now, actor, room_id: str, active: bool) -> Room:
    with store.transaction():
        room = store.room(room_id)
        if room is None:
            raise InvalidRequest(N_("There is no room %(room)s."), room=room_id)
        room = replace(room, active=active)
        store.save_room(room)
        store.audit(now, actor, "room.enable" if active else "room.disable", room=room_id)
    return room


def add_closure(store, now, actor, day: date, note: str = "") -> None:
    with store.transaction():
        store.save_closure(day, note)
        store.audit(now, actor, "closure.add", day=day.isoformat(), note=note)


def remove_closure(store, now, actor, day: date) -> bool:
    with store.transaction():
        removed = store.remove_closure(day)
        if removed:
            store.audit(now, actor, "closure.remove", day=day.isoformat())
    return removed


def add_event(store, now, actor, kind, title, start: datetime, end: datetime, capacity: int,
              meeting_app: str, room_id: str, demo=False, titles: dict | None = None) -> Event:
    """An event; `title` is its Japanese title, `titles` its title in other languages (English at
    least, which the other visitor languages fall back to)."""
    if kind not in EVENT_KINDS:
        raise InvalidRequest(N_("Unknown event kind."))
    if meeting_app not in MEETING_APPS:
        raise InvalidRequest(N_("The meeting app must be zoom or teleoffice."))
    if end <= start or capacity < 1:
        raise InvalidRequest(N_("An event needs an end after its start and at least one seat."))
    titles = {lang: text.strip() for lang, text in (titles or {}).items() if text and text.strip()}
    event = Event(f"ev-{uuid.uuid4().hex[:8]}", kind, title.strip(), tokyo(start), tokyo(end), capacity,
                  meeting_app, normalize_meeting_id(room_id), None, demo, titles={"ja": title.strip(), **titles})
    with store.transaction():
        store.save_event(event)
        store.audit(now, actor, "event.add", event=event.id, kind=kind, start=event.start.isoformat())
    return event


def publish_terms(store, now, actor, doc: str, version: str, effective_from: date, texts: dict) -> dict:
    """Add a terms version; older versions stay readable, bookings record which one they accepted (S8)."""
    if "ja" not in texts or not texts["ja"].strip():
        raise InvalidRequest(N_("A terms version needs its Japanese text."))
    with store.transaction():
        known = all_terms_versions(store)
        if doc not in {v.doc for v in known}:
            raise InvalidRequest(N_("Unknown terms document."))
        if any(v.doc == doc and v.version == version for v in known):
            raise InvalidRequest(N_("That version exists already."))
        title = next(v.title for v in known if v.doc == doc)
        record = PublishedTerms(doc=doc, version=version, effective_from=effective_from, texts=texts, title=title,
                                published_at=now, published_by=actor)
        store.save_terms(record)
        store.audit(now, actor, "terms.publish", doc=doc, version=version,
                    sha256=sha256_text(texts["ja"]), effective_from=effective_from.isoformat())
    return record


def restrict(store, now, actor, secret, jobseeker_no: str, reason: str, until: date) -> Restriction:
    """Refuse new bookings for a number until `until` (C7, C11, S7); audit-logged without the number."""
    number = normalize_jobseeker_no(jobseeker_no)
    if not reason.strip():
        raise InvalidRequest(N_("A restriction needs a reason."))
    restriction = Restriction(uuid.uuid4().hex, number, reason.strip(), until, now, actor)
    with store.transaction():
        store.save_restriction(restriction)
        store.audit(now, actor, "visitor.restrict", visitor=visitor_ref(secret, number),
                           restriction=restriction.id, until=until.isoformat(), reason=reason.strip())
    return restriction


def lift_restriction(store, now, actor, secret, jobseeker_no: str) -> int:
    number = normalize_jobseeker_no(jobseeker_no)
    lifted = 0
    with store.transaction():
        for r in store.restrictions_for(number):
            if r.in_force(now):
                store.save_restriction(replace(r, lifted_at=now))
                lifted += 1
        if lifted:
            store.audit(now, actor, "visitor.lift", visitor=visitor_ref(secret, number), lifted=lifted)
    return lifted


def visitor_standing(store, policy, jobseeker_no: str, now) -> dict:
    """Strikes, restrictions and bookings of one number, for staff."""
    number = normalize_jobseeker_no(jobseeker_no)
    with store.transaction():
        history = store.bookings_of(number)
        restrictions = store.restrictions_for(number)
    return {
        "jobseeker_no": number,
        "strikes": strikes(history, now, policy.strike_window_days),
        "restrictions": [dict(r.to_record(), lifted_at=r.lifted_at.isoformat() if r.lifted_at else None,
                              in_force=r.in_force(now)) for r in restrictions],
        "bookings": history,
    }


def find_visitors(store, policy, query: dict, now) -> list[dict]:
    """Staff look a visitor up by a booking's reference, by 求職番号, or by name and a day: the
    standing (strikes, restrictions, bookings) of each visitor found."""
    if query.get("reference"):
        with store.transaction():
            booking = store.booking_by_reference(normalize_reference(query["reference"]))
        numbers = [booking.jobseeker_no] if booking and booking.jobseeker_no else []
    elif query.get("jobseeker_no"):
        numbers = [query["jobseeker_no"]]
    elif query.get("name") and query.get("day"):
        with store.transaction():
            numbers = visitors_named(store.bookings_on(query["day"]), query["name"])
    else:
        raise InvalidStaffRequest(S_("Give a reference, a job seeker number, or a name and a date."))
    return [visitor_standing(store, policy, number, now) for number in numbers]


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7 or 7)


def seed_demo(store, now) -> str | None:
    """A fresh office that works at once: two Zoom rooms, one seminar next week, and an
    enrollment code for a demo kiosk (returned, as it is stored only hashed)."""
    from .kiosks import enroll

    with store.transaction():
        if store.meta("seeded"):
            return None
        store.set_meta("seeded", now.isoformat())
        add_room(store, now, "demo", "zoom", "845 1234 5678", "デモ相談員A", demo=True)
        add_room(store, now, "demo", "zoom", "845 8765 4321", "デモ相談員B", demo=True)
        day = _next_weekday(tokyo(now).date() + timedelta(days=7), 2)
        add_event(store, now, "demo", "seminar", "【デモ】応募書類の書き方セミナー", at(day, time(14)), at(day, time(15)),
                  20, "zoom", "845 0000 1111", demo=True, titles={"en": "[Demo] Writing your application documents"})
        return enroll(store, now, "demo", "デモ受付")["code"]


def clear_demo(store, now, actor) -> dict:
    """Remove the demo rooms and events; bookings stay (they are records), rooms become unbookable."""
    with store.transaction():
        rooms = [r for r in store.rooms() if r.demo]
        events = [e for e in store.events() if e.demo]
        for room in rooms:
            store.remove_room(room.id)
        for event in events:
            store.remove_event(event.id)
        store.audit(now, actor, "demo.clear", rooms=len(rooms), events=len(events))
    return {"rooms_removed": len(rooms), "events_removed": len(events)}


def cancel_event(store, now, actor, event_id: str, reason: str) -> Event:
    """The office cancels an event: its bookings are cancelled for the visitors (no strike),
    their pages say so; the reason is kept and audit-logged."""
    if not str(reason).strip():
        raise InvalidStaffRequest(S_("Please give a reason."))
    with store.transaction():
        event = store.event(event_id)
        if event is None:
            raise EventNotFound()
        event = replace(event, cancelled_reason=str(reason).strip()[:200])
        store.save_event(event)
        for booking in store.bookings_for_event(event.id):
            if booking.status == "confirmed":
                store.save_booking(booking.cancel(now, actor))
        store.audit(now, actor, "event.cancel", event=event_id, reason=event.cancelled_reason)
    return event
