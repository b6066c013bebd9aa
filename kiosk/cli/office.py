"""Office setup: the demo, rooms, closure days, events and terms versions."""
import click
from flask.cli import AppGroup, with_appcontext

from ..domain.calendar import tokyo
from ..domain.events import EVENT_KINDS
from ..domain.rooms import MEETING_APPS
from ..services import office as office_service
from ..services.policy import all_terms_versions
from .common import _actor, _day, _moment, _out, _state, json_option, refusals


@click.command(help="Seed the demo office (two Zoom rooms, one event), or remove it with --clear.")
@with_appcontext
@click.option("--clear", is_flag=True, help="Remove the demo rooms and events.")
@json_option
def demo(clear, as_json):
    s = _state()
    if clear:
        result = office_service.clear_demo(s.store, s.now(), _actor())
        _out(as_json, result, f"Removed {result['rooms_removed']} demo room(s) and {result['events_removed']} demo event(s).")
    else:
        code = office_service.seed_demo(s.store, s.now())
        text = f"Demo office seeded; demo kiosk enrollment code: {code}" if code else "The demo office was seeded before."
        _out(as_json, {"seeded": bool(code), "kiosk_code": code}, text)


# -- rooms --------------------------------------------------------------------------

@click.group(cls=AppGroup, help="Online meeting rooms (Zoom or Tele Office).")
def room():
    pass


def _room_line(r) -> str:
    state = "active" if r.active else "disabled"
    return f"{r.id}\t{r.app}\t{r.meeting_id}\t{r.counselor or '-'}\t{state}{' (demo)' if r.demo else ''}"


@room.command("add", help="Add a room: --app zoom --meeting-id \"845 1234 5678\" [--counselor NAME].")
@click.option("--app", "app_name", type=click.Choice(MEETING_APPS), required=True)
@click.option("--meeting-id", required=True)
@click.option("--counselor", default=None)
@json_option
@refusals
def room_add(app_name, meeting_id, counselor, as_json):
    s = _state()
    r = office_service.add_room(s.store, s.now(), _actor(), app_name, meeting_id, counselor)
    _out(as_json, r.to_record(), f"Added room {r.id} ({r.app} {r.meeting_id}).")


@room.command("list", help="List rooms.")
@json_option
def room_list(as_json):
    s = _state()
    with s.store.transaction():
        rooms = s.store.rooms()
    _out(as_json, [r.to_record() for r in rooms], "\n".join(_room_line(r) for r in rooms) or "No rooms.")


@room.command("disable", help="Stop offering a room for new bookings.")
@click.argument("room_id")
@json_option
@refusals
def room_disable(room_id, as_json):
    s = _state()
    r = office_service.set_room_active(s.store, s.now(), _actor(), room_id, False)
    _out(as_json, r.to_record(), f"Room {r.id} disabled.")


@room.command("enable", help="Offer a disabled room again.")
@click.argument("room_id")
@json_option
@refusals
def room_enable(room_id, as_json):
    s = _state()
    r = office_service.set_room_active(s.store, s.now(), _actor(), room_id, True)
    _out(as_json, r.to_record(), f"Room {r.id} enabled.")


# -- closures -------------------------------------------------------------------------

@click.group(cls=AppGroup, help="Office closure days (besides weekends, holidays and Dec 29 - Jan 3).")
def closure():
    pass


@closure.command("add", help="Close the office on YYYY-MM-DD.")
@click.argument("day")
@click.option("--note", default="")
@json_option
def closure_add(day, note, as_json):
    s = _state()
    d = _day(day)
    office_service.add_closure(s.store, s.now(), _actor(), d, note)
    _out(as_json, {"day": d.isoformat(), "note": note}, f"Closed on {d.isoformat()}.")


@closure.command("remove", help="Open the office again on YYYY-MM-DD.")
@click.argument("day")
@json_option
def closure_remove(day, as_json):
    s = _state()
    d = _day(day)
    removed = office_service.remove_closure(s.store, s.now(), _actor(), d)
    _out(as_json, {"day": d.isoformat(), "removed": removed}, f"{d.isoformat()}: {'reopened' if removed else 'was not a closure day'}.")


@closure.command("list", help="List closure days.")
@json_option
def closure_list(as_json):
    s = _state()
    with s.store.transaction():
        days = sorted(s.store.closures().items())
    data = [{"day": d.isoformat(), "note": n} for d, n in days]
    _out(as_json, data, "\n".join(f"{d}\t{n}" for d, n in days) or "No closure days.")


# -- events ---------------------------------------------------------------------------

@click.group(cls=AppGroup, help="Events: seminars, job fairs, selections, tours, meetings.")
def event():
    pass


@event.command("add", help="Add an event (times in Tokyo, e.g. 2026-12-10T14:00).")
@click.option("--kind", type=click.Choice(EVENT_KINDS), required=True)
@click.option("--title", required=True, help="The title in Japanese.")
@click.option("--title-en", default=None, help="The title in English (the other visitor languages show it too).")
@click.option("--start", required=True)
@click.option("--end", required=True)
@click.option("--capacity", type=click.IntRange(1, 10000), required=True)
@click.option("--app", "app_name", type=click.Choice(MEETING_APPS), required=True)
@click.option("--meeting-id", required=True)
@json_option
@refusals
def event_add(kind, title, title_en, start, end, capacity, app_name, meeting_id, as_json):
    s = _state()
    e = office_service.add_event(s.store, s.now(), _actor(), kind, title, _moment(start), _moment(end),
                                 capacity, app_name, meeting_id, titles={"en": title_en} if title_en else None)
    _out(as_json, e.to_record(), f"Added event {e.id}: {e.title} {e.start:%Y-%m-%d %H:%M}.")


@event.command("list", help="List events.")
@json_option
def event_list(as_json):
    s = _state()
    with s.store.transaction():
        events = s.store.events()
    _out(as_json, [e.to_record() for e in events],
         "\n".join(f"{e.id}\t{e.kind}\t{tokyo(e.start):%Y-%m-%d %H:%M}\t{e.capacity}\t{e.title}" for e in events) or "No events.")


# -- terms -------------------------------------------------------------------------------

@click.group(cls=AppGroup, help="Terms documents and their versions.")
def terms():
    pass


@terms.command("list", help="Every version of every terms document.")
@json_option
def terms_list(as_json):
    s = _state()
    with s.store.transaction():
        versions = all_terms_versions(s.store)
    data = [{"doc": v.doc, "version": v.version, "effective_from": v.effective_from.isoformat(),
             "languages": sorted(v.texts), "sha256": v.sha256("ja")} for v in versions]
    _out(as_json, data, "\n".join(f"{d['doc']}\t{d['version']}\t{d['effective_from']}\t{','.join(d['languages'])}\t{d['sha256'][:12]}" for d in data))


@terms.command("publish", help="Publish a new version of a terms document (Japanese text required).")
@click.option("--doc", required=True, type=click.Choice(["online-services", "online-counseling"]))
@click.option("--version", "version", required=True)
@click.option("--effective-from", required=True, help="YYYY-MM-DD")
@click.option("--ja", "ja_file", required=True, type=click.File(encoding="utf-8"))
@click.option("--en", "en_file", type=click.File(encoding="utf-8"))
@json_option
@refusals
def terms_publish(doc, version, effective_from, ja_file, en_file, as_json):
    s = _state()
    texts = {"ja": ja_file.read()}
    if en_file:
        texts["en"] = en_file.read()
    record = office_service.publish_terms(s.store, s.now(), _actor(), doc, version, _day(effective_from), texts)
    shown = {k: v for k, v in record.to_record().items() if k != "texts"}
    _out(as_json, shown, f"Published {doc} {version}, in force from {shown['effective_from']}.")
