"""Settings (admins change them; staff read them): rooms, closure days, events, terms versions,
booking rules. Rules are read through `policy()` alone, which applies the overrides."""
from datetime import date

from flask import jsonify

from ...domain.calendar import tokyo
from ...domain.errors import S_, InvalidStaffRequest, NotAllowed
from ...domain.events import EVENT_KINDS
from ...services import office as office_service
from ...services import rules as rules_service
from ...services.policy import policy_of
from ...views import forms, office, policy, store
from .. import bp, console
from ..auth import actor, body, console_page, staff_api
from ..pages import render


def _date(value, message=S_("The date is not valid.")) -> date:
    found = forms.parse_day(str(value))
    if found is None:
        raise InvalidStaffRequest(message)
    return found


@bp.get("/staff/settings")
@console_page()
def settings_page():
    return render("settings", view=console.settings(store(), policy(), office().now()), kinds=EVENT_KINDS,
                  tokyo=tokyo)


@bp.post("/api/v1/staff/rooms")
@staff_api(role="admin")
def room_add():
    room = office_service.add_room(store(), office().now(), actor(), str(body().get("app", "")),
                                   forms.text(body(), "meeting_id", 40, required=True, form="NFKC"),
                                   forms.text(body(), "counselor", 60) or None)
    return jsonify({"room": room.to_record()}), 201


@bp.post("/api/v1/staff/rooms/<room_id>/<action>")
@staff_api(role="admin")
def room_action(room_id, action):
    if action not in ("enable", "disable"):
        raise NotAllowed()
    room = office_service.set_room_active(store(), office().now(), actor(), room_id, action == "enable")
    return jsonify({"room": room.to_record()})


@bp.post("/api/v1/staff/closures")
@staff_api(role="admin")
def closure_add():
    day = _date(body().get("day"))
    office_service.add_closure(store(), office().now(), actor(), day, forms.text(body(), "note", 100))
    return jsonify({"closure": day.isoformat()}), 201


@bp.post("/api/v1/staff/closures/<day>/remove")
@staff_api(role="admin")
def closure_remove(day):
    office_service.remove_closure(store(), office().now(), actor(), _date(day))
    return jsonify({"removed": day})


@bp.post("/api/v1/staff/events")
@staff_api(role="admin")
def event_add():
    b = body()
    capacity = forms.count(b, "capacity", 1, 10_000)
    event = office_service.add_event(store(), office().now(), actor(), str(b.get("kind", "")),
                                     forms.text(b, "title", 120, required=True), forms.moment(b.get("start")),
                                     forms.moment(b.get("end")), capacity, str(b.get("app", "")),
                                     forms.text(b, "meeting_id", 40, required=True, form="NFKC"),
                                     titles={"en": forms.text(b, "title_en", 120)} if b.get("title_en") else None)
    return jsonify({"event_id": event.id}), 201


@bp.post("/api/v1/staff/events/<event_id>/cancel")
@staff_api(role="admin")
def event_cancel(event_id):
    office_service.cancel_event(store(), office().now(), actor(), event_id, forms.text(body(), "reason", 200))
    return jsonify({"cancelled": event_id})


@bp.post("/api/v1/staff/terms")
@staff_api(role="admin")
def terms_publish():
    b = body()
    texts = {lang: str(b.get(lang, "")) for lang in ("ja", "en") if str(b.get(lang, "")).strip()}
    record = office_service.publish_terms(store(), office().now(), actor(), str(b.get("doc", "")),
                                          str(b.get("version", "")).strip()[:40], _date(b.get("effective_from")), texts)
    return jsonify({"terms": {"doc": record.doc, "version": record.version,
                              "effective_from": record.effective_from.isoformat()}}), 201


@bp.post("/api/v1/staff/rules")
@staff_api(role="admin")
def rules_change():
    rules_service.change_rules(store(), office().now(), actor(), body())
    return jsonify(console.rules_in_force(policy_of(store(), office().settings)))   # read again: the new overrides
