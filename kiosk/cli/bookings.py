"""The day's work: bookings, the no-show sweep, the audit log, visitors' standing."""
import click
from flask.cli import AppGroup, with_appcontext

from ..domain.calendar import tokyo
from ..services import bookings as booking_service
from ..services import office as office_service
from ..services.policy import policy_of
from ..services.retention import purge_personal_data
from ..services.sweep import sweep_no_shows
from .common import _actor, _day, _moment, _out, _state, json_option, refusals


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


def _changed(as_json, booking, text):
    _out(as_json, {"booking_id": booking.booking_id, "status": booking.status, "start": booking.start.isoformat(),
                   "room_id": booking.room_id}, text)


@bookings.command("reschedule", help="Move a counseling booking to another open slot (Tokyo time, e.g. 2026-12-03T14:00).")
@click.argument("booking_id")
@click.option("--start", required=True, help="YYYY-MM-DDTHH:MM")
@json_option
@refusals
def bookings_reschedule(booking_id, start, as_json):
    s = _state()
    moved = booking_service.reschedule_booking(s.store, policy_of(s.store, s.settings), booking_id, _moment(start), s.now(), _actor())
    _changed(as_json, moved, f"Rescheduled {booking_id} to {tokyo(moved.start):%Y-%m-%d %H:%M}, room {moved.room_id}.")


@bookings.command("cancel", help="Cancel a booking for the visitor (announced: not a strike).")
@click.argument("booking_id")
@json_option
@refusals
def bookings_cancel(booking_id, as_json):
    s = _state()
    cancelled = booking_service.cancel_booking(s.store, booking_id, s.now(), _actor())
    _changed(as_json, cancelled, f"Cancelled {booking_id}.")


@bookings.command("attended", help="Mark a booking as attended.")
@click.argument("booking_id")
@json_option
@refusals
def bookings_attended(booking_id, as_json):
    s = _state()
    done = booking_service.mark_attended(s.store, booking_id, s.now(), _actor())
    _changed(as_json, done, f"Marked {booking_id} as attended.")


@click.command(help="Mark confirmed bookings with no contact 10 minutes after the start as no-shows.")
@with_appcontext
@json_option
def sweep(as_json):
    s = _state()
    swept = sweep_no_shows(s.store, policy_of(s.store, s.settings), s.now())
    _out(as_json, {"no_show": swept}, f"Marked {len(swept)} booking(s) as no-show.")


@click.command(help="Purge personal data (name, 求職番号, note) of bookings past RETENTION_DAYS; statistics stay.")
@with_appcontext
@json_option
def purge(as_json):
    s = _state()
    result = purge_personal_data(s.store, policy_of(s.store, s.settings), s.now())
    _out(as_json, result, f"Purged personal data of {result['purged']} booking(s) before {result['before']}.")


@click.group(cls=AppGroup, help="The hash-chained audit log.")
def audit():
    pass


@audit.command("verify", help="Check the audit log's hash chain and its anchor; exit 1 if anything is wrong.")
@json_option
def audit_verify(as_json):
    store = _state().store
    with store.transaction():
        result = store.verify_audit().as_dict()
    if result["ok"]:
        text = f"Audit log intact: {result['entries']} entries, head {result['head'][:16]}."
    else:
        text = f"Audit log BROKEN ({result['entries']} entries intact):\n" + "\n".join(f"  {p}" for p in result["problems"])
    text += "".join(f"\nNote: {n}" for n in result["notes"])
    _out(as_json, result, text)
    if not result["ok"]:
        raise SystemExit(1)


@audit.command("head", help="Print the chain's head hash and count, to write down or mail out (an outside anchor).")
@json_option
def audit_head(as_json):
    store = _state().store
    with store.transaction():
        head = store.audit_head()
    _out(as_json, head, f"{head['count']} entries, head {head['head']}")


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
    data = office_service.visitor_standing(s.store, policy_of(s.store, s.settings), jobseeker_no, s.now())
    data["bookings"] = [{"booking_id": b.booking_id, "start": b.start.isoformat(), "service": b.service,
                         "status": b.status, "reference": b.reference} for b in data["bookings"]]
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
