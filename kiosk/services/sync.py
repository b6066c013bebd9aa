"""POST /api/v1/sync: a kiosk's outbox, applied exactly once, in seq order (sync.md)."""
from dataclasses import replace
from datetime import datetime

from ..domain.calendar import tokyo
from ..domain.errors import BookingNotFound, DomainError, InvalidRequest, N_
from ..openapi import BOOKING_CREATE, BOOKING_REF, LEASE_RELEASE
from ..schemas import Schema
from ..slips import qr_svg
from .bookings import Context, booking_result, change_booking, create_booking
from .kiosks import pending_commands, report_status, top_up_leases

PAYLOADS = {
    "booking.create": Schema(BOOKING_CREATE), "event.book": Schema(BOOKING_CREATE),
    "booking.cancel": Schema(BOOKING_REF), "checkin": Schema(BOOKING_REF), "lease.release": Schema(LEASE_RELEASE),
}


def _parse_time(text) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else None


def clock_offset_ms(client_sent_at, received_at: datetime) -> int | None:
    """How far the kiosk's clock runs ahead of ours (negative: behind)."""
    sent = _parse_time(client_sent_at)
    return round((sent - received_at).total_seconds() * 1000) if sent else None


def op_time(op: dict, offset_ms: int | None, received_at: datetime) -> datetime:
    """When the visitor acted, on our clock: the kiosk's created_at corrected by its offset."""
    created = _parse_time(op["created_at"])
    if created is None:
        raise InvalidRequest(N_("The field “%(field)s” is not valid."), field="created_at")
    if offset_ms:
        created = datetime.fromtimestamp(created.timestamp() - offset_ms / 1000, tz=created.tzinfo)
    return tokyo(min(created, received_at))


def _with_slip(result: dict) -> dict:
    return dict(result, slip_svg=qr_svg(result["join_url"])) if "join_url" in result else result


def _create(store, ctx, kiosk, op, when, received_at):
    payload = op["payload"]
    if op["type"] == "event.book" and payload.get("service") != "event":
        raise InvalidRequest(N_("The field “%(field)s” is not valid."), field="service")
    booking, created = create_booking(store, ctx, payload, when, op=(op["op_id"], op["created_at"]),
                                      received_at=received_at)
    return booking_result(booking, ctx), created


def _own_booking(store, kiosk, booking_id):
    booking = store.booking(booking_id)
    if booking is None or booking.kiosk_id != kiosk["id"]:
        raise BookingNotFound()
    return booking


def _cancel(store, ctx, kiosk, op, when, received_at):
    booking_id = op["payload"]["booking_id"]
    _own_booking(store, kiosk, booking_id)
    receipt_of = lambda b: (op["op_id"], {"status": "applied", "result": booking_result(b, ctx)})  # noqa: E731
    booking = change_booking(store, booking_id, lambda b: b.cancel(when, kiosk["id"]), when, kiosk["id"],
                             "booking.cancel", receipt=receipt_of)
    return booking_result(booking, ctx), True


def _checkin(store, ctx, kiosk, op, when, received_at):
    booking_id = op["payload"]["booking_id"]
    _own_booking(store, kiosk, booking_id)
    receipt_of = lambda b: (op["op_id"], {"status": "applied", "result": booking_result(b, ctx)})  # noqa: E731
    booking = change_booking(store, booking_id, lambda b: b.check_in(when), when, kiosk["id"], receipt=receipt_of)
    return booking_result(booking, ctx), True


def _release(store, ctx, kiosk, op, when, received_at):
    ids = {i for i in op["payload"]["lease_unit_ids"] if (store.lease(i) or {}).get("kiosk_id") == kiosk["id"]}
    result = {"released": sorted(ids)}
    store.release_leases(ids, received_at.isoformat(), receipt=(op["op_id"], {"status": "applied", "result": result}))
    return result, True


HANDLERS = {"booking.create": _create, "event.book": _create, "booking.cancel": _cancel,
            "checkin": _checkin, "lease.release": _release}


def apply_op(store, ctx, kiosk, op, received_at, offset_ms, describe, slip=False) -> dict:
    """One op under the lock: a receipt answers `duplicate`; a refusal is `rejected` and kept for staff.

    With `slip`, a booking's result carries its QR code as SVG (the visitor is waiting for it).
    """
    finish = _with_slip if slip else (lambda result: result)
    with store.transaction():
        receipt = store.receipt(op["op_id"])
        if receipt is not None:
            return {"op_id": op["op_id"], "status": "duplicate", "result": finish(receipt["result"])}
        try:
            PAYLOADS[op["type"]].check(op["payload"])
            when = op_time(op, offset_ms, received_at)
            result, created = HANDLERS[op["type"]](store, ctx, kiosk, op, when, received_at)
        except DomainError as err:
            error = {"code": err.code, "message": describe(err, op["payload"].get("language"))}
            store.save_dead_letter({
                "op_id": op["op_id"], "kiosk_id": kiosk["id"], "kiosk_name": kiosk["name"], "seq": op["seq"],
                "type": op["type"], "created_at": op["created_at"], "received_at": received_at.isoformat(),
                "error": error, "payload": op["payload"], "resolved_at": None,
            })
            return {"op_id": op["op_id"], "status": "rejected", "error": error}
    return {"op_id": op["op_id"], "status": "applied" if created else "duplicate", "result": finish(result)}


def sync(store, ctx: Context, kiosk: dict, body: dict, received_at: datetime, describe) -> dict:
    """Apply a batch in seq order; answer one result per op (in the request's order) and the leases."""
    offset_ms = clock_offset_ms(body.get("client_sent_at"), received_at)
    ctx = replace(ctx, channel="kiosk", kiosk_id=kiosk["id"])
    ops = body["ops"]
    slips_for = set(body.get("slips_for", ()))
    results = {}
    for index in sorted(range(len(ops)), key=lambda i: ops[i]["seq"]):
        op = ops[index]
        results[index] = apply_op(store, ctx, kiosk, op, received_at, offset_ms, describe, op["op_id"] in slips_for)
    report_status(store, kiosk, received_at, offset_ms, body.get("status"))
    commands = pending_commands(store, kiosk, received_at, done=(body.get("status") or {}).get("done_commands", ()))
    leases = top_up_leases(store, ctx.settings, kiosk["id"], received_at, ctx.secret, ctx.base_url,
                           have=set(body.get("have_leases", ())))
    return {"server_time": received_at.isoformat(), "clock_offset_ms": offset_ms,
            "results": [results[i] for i in range(len(ops))], "leases": leases, "commands": commands}
