"""Kiosks (admins): status as each kiosk reports it, enrollment codes, remote reset, revocation."""
from flask import jsonify

from ...domain.errors import KioskUnknown, NotAllowed
from ...services import kiosks as kiosk_service
from ...slips import qr_svg
from ...views import base_url, forms, office, store
from .. import bp, console
from ..auth import actor, body, console_page, staff_api
from ..pages import render


@bp.get("/staff/kiosks")
@console_page(role="admin")
def kiosks():
    return render("kiosks", kiosks=console.kiosks(store()), warning_seconds=console.CLOCK_WARNING_SECONDS,
                  kiosk_url=f"{base_url().rstrip('/')}/kiosk")


@bp.post("/api/v1/staff/kiosks/enroll")
@staff_api(role="admin")
def kiosk_enroll():
    made = kiosk_service.enroll(store(), office().now(), actor(), forms.text(body(), "name", 60, required=True))
    made["qr_svg"] = qr_svg(f"{base_url().rstrip('/')}/kiosk?enroll={made['code']}")   # scanned by the tablet: the code is filled in
    return jsonify(made), 201


@bp.post("/api/v1/staff/kiosks/<kiosk_id>/<action>")
@staff_api(role="admin")
def kiosk_action(kiosk_id, action):
    now = office().now()
    if action == "reset":
        return jsonify({"command": kiosk_service.request_reset(store(), now, actor(), kiosk_id)})
    if action == "revoke":
        with store().transaction():
            kiosk = store().kiosk(kiosk_id)
        if kiosk is None:
            raise KioskUnknown()
        kiosk_service.revoke(store(), now, actor(), kiosk)
        return jsonify({"revoked": kiosk_id})
    raise NotAllowed()
