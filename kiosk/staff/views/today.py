"""Today (X4): the day list, what it polls, the actions on a booking, free times to move one to,
refused kiosk bookings, the printed list and the CSV."""
import csv
import io
from datetime import timedelta

from flask import Response, g, jsonify, request

from ...domain.calendar import tokyo
from ...domain.errors import NotAllowed
from ...domain.exports import spreadsheet_row
from ...services import bookings as booking_service
from ...services import kiosks as kiosk_service
from ...views import forms, office, policy, store
from .. import bp, console
from ..auth import actor, body, console_page, staff_api
from ..pages import render


def _today():
    return tokyo(office().now()).date()


@bp.get("/staff")
@console_page()
def today():
    view = console.today(store(), policy(), g.staff, office().now(), office().last_sweep)
    return render("today", view=view, tokyo=tokyo)


@bp.get("/api/v1/staff/today")
@staff_api()
def today_json():
    """The day list for the Today page's poll (every 10 s): check-ins and new bookings show."""
    return jsonify(console.today_json(store(), forms.parse_day(request.args.get("date", "")) or _today()))


BOOKING_ACTIONS = {
    "attended": lambda db, rules, booking_id, now, actor, body: booking_service.mark_attended(db, booking_id, now, actor),
    "unattended": lambda db, rules, booking_id, now, actor, body: booking_service.undo_attended(db, booking_id, now, actor),
    "cancel": lambda db, rules, booking_id, now, actor, body: booking_service.cancel_booking(db, booking_id, now, actor),
    "reschedule": lambda db, rules, booking_id, now, actor, body: booking_service.reschedule_booking(
        db, rules, booking_id, forms.moment(body.get("start", "")), now, actor),
    "room": lambda db, rules, booking_id, now, actor, body: booking_service.change_room(
        db, booking_id, forms.text(body, "room", 20), now, actor),
    "note": lambda db, rules, booking_id, now, actor, body: booking_service.add_note(
        db, booking_id, forms.text(body, "note", 500, note=True), now, actor),
}


@bp.post("/api/v1/staff/bookings/<booking_id>/<action>")
@staff_api()
def booking_action(booking_id, action):
    if action not in BOOKING_ACTIONS:
        raise NotAllowed()
    booking = BOOKING_ACTIONS[action](store(), policy(), booking_id, office().now(), actor(), body())
    return jsonify({"booking": {"booking_id": booking.booking_id, "status": booking.status,
                                "start": booking.start.isoformat(), "room_id": booking.room_id}})


@bp.get("/api/v1/staff/free-times")
@staff_api()
def free_times():
    """A week of starts a booking can be moved to (`from`: any day of the week; default: the
    week of the first day that can still be booked)."""
    now = office().now()
    asked = forms.parse_day(request.args.get("from", ""))
    if asked is None or abs((asked - _today()).days) > 730:
        monday = console.first_bookable_monday(store(), policy(), now)
    else:
        monday = asked - timedelta(days=asked.weekday())
    return jsonify(console.free_starts(store(), policy(), monday, now))


@bp.post("/api/v1/staff/dead-letters/<op_id>/resolve")
@staff_api()
def dead_letter_resolve(op_id):
    kiosk_id = str(body().get("kiosk_id", ""))
    if not kiosk_id:   # the console of stop 11 sent only the op_id
        with store().transaction():
            kiosk_id = next((d.kiosk_id for d in store().dead_letters() if d.op_id == op_id), "")
    letter = kiosk_service.resolve_dead_letter(store(), office().now(), actor(), kiosk_id, op_id,
                                               forms.text(body(), "note", 200, note=True))
    return jsonify({"op_id": letter.op_id, "resolved_at": letter.resolved_at.isoformat()})


@bp.get("/staff/print")
@console_page()
def print_list():
    """The day list on A4: office, date, print time and a tick column."""
    day = forms.parse_day(request.args.get("date", "")) or _today()
    return render("print", listing=console.day_list(store(), day, office().now()))


@bp.get("/staff/export/day.csv")
@staff_api(csrf=False)
def day_csv():
    """The day list for staff (personal data: for the office's own work only)."""
    day = forms.parse_day(request.args.get("date", "")) or _today()
    with store().transaction():
        found = store().bookings_on(day)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(["time", "room_id", "name", "jobseeker_no", "language", "interpreter", "assistant", "status", "service",
                     "reference"])
    for b in found:
        writer.writerow(spreadsheet_row([
            tokyo(b.start).strftime("%H:%M"), b.room_id or "", b.name or "", b.jobseeker_no or "", b.language,
            b.interpreter_language or ("yes" if b.needs_interpreter else ""), "yes" if b.needs_assistant else "",
            b.status, b.service, b.reference or ""]))
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="madoguchi-{day.isoformat()}.csv"'})
