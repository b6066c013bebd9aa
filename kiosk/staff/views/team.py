"""Staff and keys: everyone's keys and accounts for admins (invite, revoke, disable); each
member's own keys for staff."""
from flask import g, jsonify

from ...domain.errors import NotAllowed
from ...services import staff as staff_service
from ...views import base_url, forms, office, store
from .. import bp, console
from ..auth import body, console_page, staff_api
from ..pages import render


@bp.get("/staff/team")
@console_page()
def team():
    return render("team", team=console.team(store(), g.staff))


@bp.post("/api/v1/staff/invite")
@staff_api(role="admin")
def invite():
    token = staff_service.invite_link(store(), office().now(), g.staff, forms.text(body(), "name", 60, required=True, form="NFKC"),
                                      str(body().get("role", "staff")))
    return jsonify({"url": f"{base_url().rstrip('/')}/staff/setup/{token}", "expires_in_minutes": 15}), 201


@bp.post("/api/v1/staff/keys/<credential_id>/revoke")
@staff_api()
def revoke_key(credential_id):
    staff_service.revoke_key(store(), office().now(), g.staff, credential_id)
    return jsonify({"revoked": credential_id})


@bp.post("/api/v1/staff/members/<staff_id>/<action>")
@staff_api(role="admin")
def member_action(staff_id, action):
    if action not in ("disable", "enable"):
        raise NotAllowed()
    staff_service.set_active(store(), office().now(), g.staff, staff_id, action == "enable")
    return jsonify({"staff_id": staff_id, "active": action == "enable"})
