"""`flask --app app ...` commands for office IT and staff scripts; every command takes --json."""
import getpass
import json
from datetime import date, datetime
from functools import wraps

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .domain.calendar import TOKYO, tokyo
from .domain.errors import DomainError
from .domain.events import EVENT_KINDS
from .domain.rooms import MEETING_APPS
from .services import kiosks as kiosk_service
from .services import office as office_service
from .services.policy import all_terms_versions
from .services.sweep import sweep_no_shows


def _state():
    return current_app.extensions["madoguchi"]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _out(as_json: bool, data, text: str) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else text)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DDTHH:MM (Tokyo time)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)


def refusals(command):
    """Show a domain refusal as a one-line error (exit 1), not a traceback."""
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DomainError as err:
            raise click.ClickException(err.message % err.params if err.params else err.message) from None
    return wrapper


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def register_cli(app) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(room)
    app.cli.add_command(closure)
    app.cli.add_command(event)
    app.cli.add_command(bookings)
    app.cli.add_command(sweep)
    app.cli.add_command(audit)
    app.cli.add_command(terms)
    app.cli.add_command(visitor)
    app.cli.add_command(kiosk)


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
        office_service.seed_demo(s.store, s.now())
        _out(as_json, {"seeded": True}, "Demo office is in place.")


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
@click.option("--title", required=True)
@click.option("--start", required=True)
@click.option("--end", required=True)
@click.option("--capacity", type=click.IntRange(1, 10000), required=True)
@click.option("--app", "app_name", type=click.Choice(MEETING_APPS), required=True)
@click.option("--meeting-id", required=True)
@json_option
@refusals
def event_add(kind, title, start, end, capacity, app_name, meeting_id, as_json):
    s = _state()
    e = office_service.add_event(s.store, s.now(), _actor(), kind, title, _moment(start), _moment(end),
                                 capacity, app_name, meeting_id)
    _out(as_json, e.to_record(), f"Added event {e.id}: {e.title} {e.start:%Y-%m-%d %H:%M}.")


@event.command("list", help="List events.")
@json_option
def event_list(as_json):
    s = _state()
    with s.store.transaction():
        events = s.store.events()
    _out(as_json, [e.to_record() for e in events],
         "\n".join(f"{e.id}\t{e.kind}\t{tokyo(e.start):%Y-%m-%d %H:%M}\t{e.capacity}\t{e.title}" for e in events) or "No events.")


# -- bookings, sweep, audit -------------------------------------------------------------

@click.group(cls=AppGroup, help="Bookings (staff scripts and exports; contains personal data).")
def bookings():
    pass


@bookings.command("list", help="A day's bookings, by start time and room.")
@click.option("--date", "day", required=True, help="YYYY-MM-DD")
@json_option
def bookings_list(day, as_json):
    s = _state()
    d = _day(day)
    with s.store.transaction():
        found = s.store.bookings_on(d)
    records = []
    for b in found:
        r = b.to_record()
        r.pop("request_hash", None)
        records.append(r)
    lines = [f"{tokyo(b.start):%H:%M}\t{b.service}\t{b.room_id or '-'}\t{b.status}\t{b.name or '-'}\t{b.jobseeker_no or '-'}\t{b.language}"
             for b in found]
    _out(as_json, records, "\n".join(lines) or f"No bookings on {d.isoformat()}.")


@click.command(help="Mark confirmed bookings with no contact 10 minutes after the start as no-shows.")
@with_appcontext
@json_option
def sweep(as_json):
    s = _state()
    swept = sweep_no_shows(s.store, s.settings, s.now())
    _out(as_json, {"no_show": swept}, f"Marked {len(swept)} booking(s) as no-show.")


@click.group(cls=AppGroup, help="The hash-chained audit log.")
def audit():
    pass


@audit.command("verify", help="Check the audit log's hash chain; exit 1 if it is broken.")
@json_option
def audit_verify(as_json):
    result = _state().store.audit.verify()
    text = f"Audit log intact: {result['entries']} entries." if result["ok"] else f"Audit log BROKEN after {result['entries']} entries: {result['error']}"
    _out(as_json, result, text)
    if not result["ok"]:
        raise SystemExit(1)


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
    _out(as_json, {k: v for k, v in record.items() if k != "texts"}, f"Published {doc} {version}, in force from {record['effective_from']}.")


# -- visitors -----------------------------------------------------------------------------

@click.group(cls=AppGroup, help="Strikes and restrictions on a 求職番号.")
def visitor():
    pass


@visitor.command("show", help="Strikes and restrictions of a number.")
@click.argument("jobseeker_no")
@json_option
@refusals
def visitor_show(jobseeker_no, as_json):
    s = _state()
    data = office_service.visitor_standing(s.store, s.settings, jobseeker_no, s.now())
    active = [r for r in data["restrictions"] if not r["lifted_at"]]
    _out(as_json, data, f"{data['jobseeker_no']}: {data['strikes']} strike(s), {len(active)} restriction(s) not lifted.")


@visitor.command("restrict", help="Refuse new bookings until a date, with a reason.")
@click.argument("jobseeker_no")
@click.option("--reason", required=True)
@click.option("--until", required=True, help="YYYY-MM-DD (inclusive)")
@json_option
@refusals
def visitor_restrict(jobseeker_no, reason, until, as_json):
    s = _state()
    r = office_service.restrict(s.store, s.now(), _actor(), s.secret, jobseeker_no, reason, _day(until))
    _out(as_json, r.to_record(), f"Restricted until {r.until.isoformat()}.")


@visitor.command("lift", help="Lift a number's restrictions.")
@click.argument("jobseeker_no")
@json_option
@refusals
def visitor_lift(jobseeker_no, as_json):
    s = _state()
    n = office_service.lift_restriction(s.store, s.now(), _actor(), s.secret, jobseeker_no)
    _out(as_json, {"lifted": n}, f"Lifted {n} restriction(s).")


# -- kiosks -------------------------------------------------------------------------------

@click.group(cls=AppGroup, help="Kiosk tablets: enrollment, revocation, rejected ops.")
def kiosk():
    pass


@kiosk.command("enroll", help="Make a one-time enrollment code (24 h) for kiosk NAME; the kiosk types it in.")
@click.argument("name")
@json_option
@refusals
def kiosk_enroll(name, as_json):
    s = _state()
    result = kiosk_service.enroll(s.store, s.now(), _actor(), name)
    _out(as_json, {"kiosk_id": result["kiosk_id"], "code": result["code"], "name": result["name"],
                   "expires_at": result["expires_at"]},
         f"Enrollment code for {result['name']}: {result['code']} (valid until {result['expires_at'][:16]})")


@kiosk.command("list", help="Kiosks with last seen, clock offset and ops waiting.")
@json_option
def kiosk_list(as_json):
    s = _state()
    with s.store.transaction():
        records = s.store.kiosks()
        dead = {k["id"]: sum(1 for d in s.store.dead_letters(k["id"]) if not d.get("resolved_at")) for k in records}
    data = [{"kiosk_id": k["id"], "name": k["name"], "enrolled": bool(k.get("token_hash")),
             "revoked": bool(k.get("revoked_at")), "status": k.get("status") or {}, "dead_letters": dead[k["id"]]}
            for k in records]
    lines = [f"{d['name']}\t{d['kiosk_id']}\t{'revoked' if d['revoked'] else 'enrolled' if d['enrolled'] else 'code issued'}"
             f"\tlast seen {d['status'].get('last_seen', '-')[:19]}\toffset {d['status'].get('clock_offset_ms', '-')} ms"
             f"\twaiting {d['status'].get('outbox', '-')}\tdead letters {d['dead_letters']}" for d in data]
    _out(as_json, data, "\n".join(lines) or "No kiosks.")


@kiosk.command("revoke", help="Revoke kiosk NAME: its syncs get 401; its outbox stays on the tablet.")
@click.argument("name")
@json_option
@refusals
def kiosk_revoke(name, as_json):
    s = _state()
    record = kiosk_service.revoke(s.store, s.now(), _actor(), name)
    _out(as_json, {"kiosk_id": record["id"], "revoked_at": record["revoked_at"]}, f"Kiosk {name} revoked.")


@kiosk.command("dead-letters", help="Ops of kiosk NAME that the server rejected (staff call the visitor).")
@click.argument("name")
@json_option
@refusals
def kiosk_dead_letters(name, as_json):
    s = _state()
    with s.store.transaction():
        record = s.store.kiosk(name=name)
        if record is None:
            raise click.ClickException(f"There is no kiosk {name}.")
        letters = s.store.dead_letters(record["id"])
    lines = [f"{d['received_at'][:19]}\t{d['type']}\t{d['error']['code']}\t{d['payload'].get('start', '-')}"
             f"\t{d['payload'].get('name', '-')}\t{d['payload'].get('jobseeker_no', '-')}" for d in letters]
    _out(as_json, letters, "\n".join(lines) or f"No rejected ops for {name}.")
