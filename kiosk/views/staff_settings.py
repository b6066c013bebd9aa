"""The console's week view and the office's settings (X4): rooms, closure days, events, terms."""
from datetime import date, timedelta

from flask import Blueprint, jsonify, request

from ..domain.calendar import tokyo
from ..domain.errors import S_, InvalidStaffRequest, NotAllowed
from ..domain.events import EVENT_KINDS
from ..services import office as office_service
from ..services import rules as office_service_rules
from ..services.policy import all_terms_versions, policy_of
from ..services.week import week_units
from . import forms, office, policy, store
from .staff import _page, _signed_in_member, _state_change, console_page, moment

bp = Blueprint("staff_settings", __name__)


def _date(value, message=S_("The date is not valid.")) -> date:
    found = forms.parse_day(str(value))
    if found is None:
        raise InvalidStaffRequest(message)
    return found


@bp.get("/staff/week")
@console_page
def week(member):
    today = tokyo(office().now()).date()
    monday = forms.parse_day(request.args.get("from", "")) or today
    if abs((monday - today).days) > 730:        # two years either way: nothing an office plans beyond
        monday = today
    monday -= timedelta(days=monday.weekday())
    days = week_units(store(), policy(), monday, office().now())
    return _page("week", member=member, days=days, monday=monday, previous=monday - timedelta(days=7),
                 following=monday + timedelta(days=7), tokyo=tokyo)


@bp.get("/staff/settings")
@console_page
def settings_page(member):
    db, now = store(), office().now()
    with db.transaction():
        rooms, closures, events = db.rooms(), sorted(db.closures().items()), db.events()
        terms = sorted(all_terms_versions(db), key=lambda v: (v.doc, v.effective_from))
    rules = policy()
    return _page("settings", member=member, rooms=rooms, closures=closures,
                 events=[e for e in events if e.end > now], terms=terms, kinds=EVENT_KINDS,
                 settings={name: rules.setting(name) for name in office_service_rules.EDITABLE}, tokyo=tokyo)


def _admin_change():
    body = _state_change()
    member = _signed_in_member("admin")
    return body, f"staff:{member.id}"


@bp.post("/api/v1/staff/rooms")
def room_add():
    body, actor = _admin_change()
    room = office_service.add_room(store(), office().now(), actor, str(body.get("app", "")),
                                   forms.text(body, "meeting_id", 40, required=True, form="NFKC"),
                                   forms.text(body, "counselor", 60) or None)
    return jsonify({"room": room.to_record()}), 201


@bp.post("/api/v1/staff/rooms/<room_id>/<action>")
def room_action(room_id, action):
    _, actor = _admin_change()
    if action not in ("enable", "disable"):
        raise NotAllowed()
    room = office_service.set_room_active(store(), office().now(), actor, room_id, action == "enable")
    return jsonify({"room": room.to_record()})


@bp.post("/api/v1/staff/closures")
def closure_add():
    body, actor = _admin_change()
    day = _date(body.get("day"))
    office_service.add_closure(store(), office().now(), actor, day, forms.text(body, "note", 100))
    return jsonify({"closure": day.isoformat()}), 201


@bp.post("/api/v1/staff/closures/<day>/remove")
def closure_remove(day):
    _, actor = _admin_change()
    office_service.remove_closure(store(), office().now(), actor, _date(day))
    return jsonify({"removed": day})


@bp.post("/api/v1/staff/events")
def event_add():
    body, actor = _admin_change()
    capacity = forms.count(body, "capacity", 1, 10_000)
    event = office_service.add_event(store(), office().now(), actor, str(body.get("kind", "")),
                                     forms.text(body, "title", 120, required=True), moment(body.get("start")),
                                     moment(body.get("end")), capacity, str(body.get("app", "")),
                                     forms.text(body, "meeting_id", 40, required=True, form="NFKC"),
                                     titles={"en": forms.text(body, "title_en", 120)} if body.get("title_en") else None)
    return jsonify({"event_id": event.id}), 201


@bp.post("/api/v1/staff/events/<event_id>/cancel")
def event_cancel(event_id):
    body, actor = _admin_change()
    office_service.cancel_event(store(), office().now(), actor, event_id, forms.text(body, "reason", 200))
    return jsonify({"cancelled": event_id})


@bp.post("/api/v1/staff/terms")
def terms_publish():
    body, actor = _admin_change()
    texts = {lang: str(body.get(lang, "")) for lang in ("ja", "en") if str(body.get(lang, "")).strip()}
    record = office_service.publish_terms(store(), office().now(), actor, str(body.get("doc", "")),
                                          str(body.get("version", "")).strip()[:40], _date(body.get("effective_from")), texts)
    return jsonify({"terms": {"doc": record.doc, "version": record.version,
                              "effective_from": record.effective_from.isoformat()}}), 201


@bp.post("/api/v1/staff/rules")
def rules_change():
    body, actor = _admin_change()
    office_service_rules.change_rules(store(), office().now(), actor, body)
    rules = policy_of(store(), office().settings)
    return jsonify({name: rules.setting(name) for name in office_service_rules.EDITABLE})
