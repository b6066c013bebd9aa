"""Book for a caller (X4): staff take a booking on the phone, the terms read out; the answer is the
reference and room ID to read back, and a slip to print for a later visit."""
import base64

from flask import g, jsonify, url_for

from ...domain.calendar import tokyo
from ...domain.errors import BookingNotFound
from ...i18n import NATIVE_NAMES
from ...services import bookings as booking_service
from ...services.policy import terms_in_force
from ...slips import qr_svg
from ...views import context, office, store
from ...web import office_endpoint
from ...views.api import booking_schema
from .. import bp
from ..auth import body, console_page, staff_api
from ..pages import render


@bp.get("/staff/call")
@console_page()
def call():
    with store().transaction():
        current = terms_in_force(store(), office().now())
    versions = ", ".join(f"{doc} {version.version}" for doc, version in sorted(current.items()))
    return render("call", languages=NATIVE_NAMES, terms_versions=versions)


@bp.post("/api/v1/staff/bookings")
@staff_api()
def book_for_caller():
    """The phone form's booking: the same rules as any booking, consent "staff_phone" by this member."""
    now = office().now()
    payload = booking_service.caller_payload(store(), body(), now)
    booking_schema.check(payload)
    ctx = context()
    booking, created = booking_service.book_for_caller(store(), ctx, payload, now, g.staff.id)
    result = booking_service.booking_result(booking, ctx)
    result["slip_url"] = url_for(office_endpoint("staff.caller_slip"), booking_id=booking.booking_id)
    return jsonify({"booking": result}), 201 if created else 200


@bp.get("/staff/slip/<booking_id>")
@console_page()
def caller_slip(booking_id):
    """A booking's slip on paper (time, room ID, reference, the QR of its join page), to post or hand over."""
    with store().transaction():
        booking = store().booking(booking_id)
    if booking is None:
        raise BookingNotFound()
    result = booking_service.booking_result(booking, context())
    return render("slip", booking=booking, start=tokyo(booking.start), end=tokyo(booking.end),
                  qr=base64.b64encode(qr_svg(result["join_url"]).encode()).decode(), office_record=store().office)
