"""Visitors (C7, C11): look up a 求職番号 (in the POST body, never in a URL), strikes,
restrictions and bookings; restrict with a reason; lift."""
from flask import jsonify

from ...services import office as office_service
from ...views import forms, office, policy, store
from .. import bp
from ..auth import actor, body, console_page, staff_api
from ..pages import render


@bp.get("/staff/visitors")
@console_page()
def visitors():
    return render("visitors")


@bp.post("/api/v1/staff/visitors/lookup")
@staff_api()
def visitor_lookup():
    """By POST, so a 求職番号 never appears in a URL or an access log."""
    standing = office_service.visitor_standing(store(), policy(), str(body().get("jobseeker_no", "")), office().now())
    return jsonify(_as_json(standing))


def _as_json(standing: dict) -> dict:
    standing["bookings"] = [{"start": b.start.isoformat(), "service": b.service, "status": b.status,
                             "reference": b.reference, "name": b.name} for b in standing["bookings"]]
    return standing


@bp.post("/api/v1/staff/visitors/find")
@staff_api()
def visitor_find():
    """Find by reference, by 求職番号, or by name and date (all in the body, never in a URL)."""
    query = {"reference": forms.text(body(), "reference", 20), "jobseeker_no": forms.text(body(), "jobseeker_no", 40),
             "name": forms.text(body(), "name", 60), "day": forms.day(body(), "date") if body().get("date") else None}
    found = office_service.find_visitors(store(), policy(), query, office().now())
    return jsonify({"visitors": [_as_json(standing) for standing in found]})


@bp.post("/api/v1/staff/visitors/restrict")
@staff_api()
def visitor_restrict():
    until = forms.day(body(), "until")
    office_service.restrict(store(), office().now(), actor(), office().secret, str(body().get("jobseeker_no", "")),
                            forms.text(body(), "reason", 200, required=True), until)
    return jsonify({"restricted": True}), 201


@bp.post("/api/v1/staff/visitors/lift")
@staff_api()
def visitor_lift():
    lifted = office_service.lift_restriction(store(), office().now(), actor(), office().secret,
                                             str(body().get("jobseeker_no", "")))
    return jsonify({"lifted": lifted})
