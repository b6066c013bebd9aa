"""The staff console's sign-in (X5): one-time links, security keys, sessions; and the day's list."""
import csv
import io
import json
from functools import wraps
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Response, jsonify, render_template, request

from ..domain.calendar import TOKYO, tokyo
from ..domain.errors import S_, InvalidStaffRequest, KioskUnknown, LinkUnusable, NotAllowed, NotSignedIn
from ..domain.exports import spreadsheet_row
from ..services import bookings as booking_service
from ..slips import qr_svg
from ..services import kiosks as kiosk_service
from ..services import office as office_service
from ..services import stats as stats_service
from ..i18n import NATIVE_NAMES, page_translator
from ..services import staff as staff_service
from ..staff_strings import STAFF_STRINGS
from . import base_url, forms, limit, office, policy, store
from .api import json_body

bp = Blueprint("staff", __name__)
COOKIE = "__Host-madoguchi"   # Secure, HttpOnly, SameSite=Strict, Path=/, no Domain (security.md)
LANGUAGE_NAMES = dict(NATIVE_NAMES)


def _rp() -> staff_service.RelyingParty:
    url = urlsplit(base_url())
    return staff_service.RelyingParty(id=url.hostname, origin=f"{url.scheme}://{url.netloc}")


def _lang() -> str:
    asked = request.args.get("lang")
    return asked if asked in ("ja", "en") else (request.accept_languages.best_match(["ja", "en"]) or "ja")


def _page(mode: str, status: int = 200, **context):
    lang = _lang()
    s = page_translator(STAFF_STRINGS, lang, "staff")
    return render_template("staff.html", mode=mode, lang=lang, s=s, **context), status


def current_staff():
    return staff_service.session_staff(store(), office().now(), request.cookies.get(COOKIE))


def _state_change() -> dict:
    """Staff changes are JSON with our header, never from another site (CSRF, security.md)."""
    if request.headers.get("X-Madoguchi") != "1" or request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise NotAllowed()
    return json_body()


def _staff_json(member) -> dict:
    return {"staff": {"id": member.id, "name": member.name, "role": member.role}}


def _signed_in(member, credential_id: str, status: int = 200):
    session_id = staff_service.start_session(store(), office().now(), member.id, credential_id)
    response = jsonify(_staff_json(member))
    response.status_code = status
    response.set_cookie(COOKIE, session_id, secure=True, httponly=True, samesite="Strict", path="/")
    return response


def console_page(view):
    """A console page: the sign-in page instead when nobody is signed in; else `view(member)`."""
    @wraps(view)
    def page(*args, **kwargs):
        member = current_staff()
        if member is None:
            return _page("signin")
        return view(member, *args, **kwargs)
    return page


def _signed_in_member(role: str = "staff"):
    member = current_staff()
    if member is None:
        raise NotSignedIn()
    staff_service.require_role(member, role)
    return member


@bp.get("/staff")
@console_page
def console(member):
    db, now = store(), office().now()
    with db.transaction():
        today = db.bookings_on(tokyo(now).date())
        keys = [c for c in db.credentials(member.id) if not c.revoked_at]
        admin = member.role == "admin"
        team = [{"id": m.id, "name": m.name, "role": m.role, "active": m.active,
                 "keys": [c for c in db.credentials(m.id) if not c.revoked_at]} for m in db.staff_members()] \
            if admin else []
        kiosks = [k for k in db.kiosks() if not k.revoked_at] if admin else []
        refused = [d for d in db.dead_letters() if not d.resolved_at and not d.visitor_told]
        rooms = db.rooms()
    return _page("today", member=member, bookings=today, keys=keys, team=team, kiosks=kiosks, refused=refused,
                 rooms=rooms, tokyo=tokyo, language_names=LANGUAGE_NAMES, last_sweep=office().last_sweep,
                 grace=policy().grace_minutes)


# -- the day's work ------------------------------------------------------------------------------

BOOKING_ACTIONS = {
    "attended": lambda db, rules, booking_id, now, actor, body: booking_service.mark_attended(db, booking_id, now, actor),
    "cancel": lambda db, rules, booking_id, now, actor, body: booking_service.cancel_booking(db, booking_id, now, actor),
    "reschedule": lambda db, rules, booking_id, now, actor, body: booking_service.reschedule_booking(
        db, rules, booking_id, moment(body.get("start", "")), now, actor),
    "room": lambda db, rules, booking_id, now, actor, body: booking_service.change_room(
        db, booking_id, forms.text(body, "room", 20), now, actor),
    "note": lambda db, rules, booking_id, now, actor, body: booking_service.add_note(
        db, booking_id, forms.text(body, "note", 500, note=True), now, actor),
}


moment = forms.moment


@bp.post("/api/v1/staff/bookings/<booking_id>/<action>")
def booking_action(booking_id, action):
    body = _state_change()
    member = _signed_in_member()
    if action not in BOOKING_ACTIONS:
        raise NotAllowed()
    booking = BOOKING_ACTIONS[action](store(), policy(), booking_id, office().now(),
                                      f"staff:{member.id}", body)
    return jsonify({"booking": {"booking_id": booking.booking_id, "status": booking.status,
                                "start": booking.start.isoformat(), "room_id": booking.room_id}})


# -- accounts and keys -----------------------------------------------------------------------------

@bp.post("/api/v1/staff/invite")
def invite():
    body = _state_change()
    admin = _signed_in_member("admin")
    token = staff_service.invite_link(store(), office().now(), admin, forms.text(body, "name", 60, required=True, form="NFKC"),
                                      str(body.get("role", "staff")))
    return jsonify({"url": f"{base_url().rstrip('/')}/staff/setup/{token}", "expires_in_minutes": 15}), 201


@bp.post("/api/v1/staff/keys/<credential_id>/revoke")
def revoke_key(credential_id):
    _state_change()
    staff_service.revoke_key(store(), office().now(), _signed_in_member(), credential_id)
    return jsonify({"revoked": credential_id})


@bp.post("/api/v1/staff/members/<staff_id>/<action>")
def member_action(staff_id, action):
    _state_change()
    if action not in ("disable", "enable"):
        raise NotAllowed()
    staff_service.set_active(store(), office().now(), _signed_in_member("admin"), staff_id, action == "enable")
    return jsonify({"staff_id": staff_id, "active": action == "enable"})


@bp.get("/staff/setup/<token>")
def setup(token):
    try:
        with store().transaction():
            link = staff_service.usable_link(store(), token, office().now())
    except LinkUnusable:
        return _page("link_unusable", 410)
    return _page("setup", token=token, invited_name=link.name)


@bp.post("/api/v1/staff/register/options")
def register_options():
    body = _state_change()
    now = office().now()
    if body.get("link"):
        answer = staff_service.begin_registration(store(), _rp(), now, link_token=str(body["link"]), name=body.get("name"))
    else:
        member = current_staff()
        if member is None:
            raise NotSignedIn()
        answer = staff_service.begin_registration(store(), _rp(), now, staff_id=member.id)
    return jsonify(answer)


@bp.post("/api/v1/staff/register/verify")
def register_verify():
    body = _state_change()
    member, credential_id = staff_service.finish_registration(
        store(), _rp(), office().now(), str(body.get("challenge_id", "")), body.get("credential") or {}, body.get("key_name"))
    if current_staff() is not None:
        return jsonify(_staff_json(member)), 201
    return _signed_in(member, credential_id, 201)


@bp.post("/api/v1/staff/signin/options")
def signin_options():
    limit("signin")
    body = _state_change()
    return jsonify(staff_service.begin_signin(store(), _rp(), office().now(), str(body.get("name", ""))))


@bp.post("/api/v1/staff/signin/verify")
def signin_verify():
    limit("signin")
    body = _state_change()
    member, credential_id = staff_service.finish_signin(store(), _rp(), office().now(), str(body.get("challenge_id", "")),
                                                        body.get("credential") or {})
    return _signed_in(member, credential_id)


@bp.post("/api/v1/staff/signout")
def signout():
    body = _state_change()
    staff_service.end_sessions(store(), office().now(), request.cookies.get(COOKIE), bool(body.get("everywhere")))
    response = jsonify({"signed_out": True})
    response.delete_cookie(COOKIE, secure=True, httponly=True, samesite="Strict", path="/")
    return response


@bp.post("/api/v1/staff/dead-letters/<op_id>/resolve")
def dead_letter_resolve(op_id):
    body = _state_change()
    member = _signed_in_member()
    kiosk_id = str(body.get("kiosk_id", ""))
    if not kiosk_id:   # the console of stop 11 sent only the op_id
        with store().transaction():
            kiosk_id = next((d.kiosk_id for d in store().dead_letters() if d.op_id == op_id), "")
    letter = kiosk_service.resolve_dead_letter(store(), office().now(), f"staff:{member.id}", kiosk_id, op_id,
                                               forms.text(body, "note", 200, note=True))
    return jsonify({"op_id": letter.op_id, "resolved_at": letter.resolved_at.isoformat()})


# -- kiosks (admins) -----------------------------------------------------------------------------------

@bp.post("/api/v1/staff/kiosks/enroll")
def kiosk_enroll():
    body = _state_change()
    admin = _signed_in_member("admin")
    made = kiosk_service.enroll(store(), office().now(), f"staff:{admin.id}", forms.text(body, "name", 60, required=True))
    made["qr_svg"] = qr_svg(f"{base_url().rstrip('/')}/kiosk?enroll={made['code']}")   # scanned by the tablet: the code is filled in
    return jsonify(made), 201


@bp.post("/api/v1/staff/kiosks/<kiosk_id>/<action>")
def kiosk_action(kiosk_id, action):
    _state_change()
    admin = _signed_in_member("admin")
    now, actor = office().now(), f"staff:{admin.id}"
    if action == "reset":
        return jsonify({"command": kiosk_service.request_reset(store(), now, actor, kiosk_id)})
    if action == "revoke":
        with store().transaction():
            kiosk = store().kiosk(kiosk_id)
        if kiosk is None:
            raise KioskUnknown()
        kiosk_service.revoke(store(), now, actor, kiosk)
        return jsonify({"revoked": kiosk_id})
    raise NotAllowed()


# -- visitors, statistics, exports, the audit log ------------------------------------------------------

@bp.post("/api/v1/staff/visitors/lookup")
def visitor_lookup():
    """By POST, so a 求職番号 never appears in a URL or an access log."""
    body = _state_change()
    _signed_in_member()
    standing = office_service.visitor_standing(store(), policy(), str(body.get("jobseeker_no", "")), office().now())
    standing["bookings"] = [{"start": b.start.isoformat(), "service": b.service, "status": b.status,
                             "reference": b.reference} for b in standing["bookings"]]
    return jsonify(standing)


@bp.post("/api/v1/staff/visitors/restrict")
def visitor_restrict():
    body = _state_change()
    member = _signed_in_member()
    until = forms.day(body, "until")
    office_service.restrict(store(), office().now(), f"staff:{member.id}", office().secret,
                            str(body.get("jobseeker_no", "")), forms.text(body, "reason", 200, required=True), until)
    return jsonify({"restricted": True}), 201


@bp.post("/api/v1/staff/visitors/lift")
def visitor_lift():
    body = _state_change()
    member = _signed_in_member()
    lifted = office_service.lift_restriction(store(), office().now(), f"staff:{member.id}", office().secret,
                                             str(body.get("jobseeker_no", "")))
    return jsonify({"lifted": lifted})


@bp.get("/staff/stats")
@console_page
def stats_page(member):
    today = tokyo(office().now()).date()
    rows = stats_service.weekly(store(), today - timedelta(weeks=12), today + timedelta(weeks=4))
    return _page("stats", member=member, weeks=rows, language_names=LANGUAGE_NAMES)


@bp.get("/staff/export/day.csv")
def day_csv():
    """The day list for staff (personal data: for the office's own work only)."""
    _signed_in_member()
    day = forms.parse_day(request.args.get("date", "")) or tokyo(office().now()).date()
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


@bp.get("/staff/audit")
@console_page
def audit_page(member):
    staff_service.require_role(member, "admin")
    with store().transaction():
        entries = store().audit_entries(limit=200)
        check = store().verify_audit().as_dict()
    return _page("audit", member=member, check=check, entries=entries)
