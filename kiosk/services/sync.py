"""POST /api/v1/sync: a kiosk's outbox, applied exactly once, in seq order (sync.md)."""
import logging
from dataclasses import replace
from datetime import datetime, timedelta

from ..domain.decisions import Asker
from ..domain.errors import BookingNotFound, DomainError, InvalidRequest, N_
from ..domain.ops import DeadLetter, Receipt, believed_time, check_confirm_by, parse_moment
from ..openapi import BOOKING_CREATE, BOOKING_REF, LEASE_RELEASE
from ..schemas import Schema
from ..slips import qr_svg
from ..storage.errors import StorageUnavailable
from .bookings import Context, booking_result, change_booking, create_booking
from .retry import retried
from .kiosks import lease_views, pending_commands, report_status, top_up_leases

log = logging.getLogger("madoguchi.sync")
PAYLOADS = {
    "booking.create": Schema(BOOKING_CREATE), "event.book": Schema(BOOKING_CREATE),
    "booking.cancel": Schema(BOOKING_REF), "checkin": Schema(BOOKING_REF), "lease.release": Schema(LEASE_RELEASE),
}
MAX_CLOCK_OFFSET = timedelta(days=3650)


class ServerFault(DomainError):
    """An op the server failed on (a bug): refused with a code, kept for staff, never blocking."""

    code, status = "server_error", 500
    message = N_("Something went wrong on our side. Nothing was changed. Please try again.")


def clock_offset_ms(client_sent_at, received_at: datetime) -> int | None:
    """How far the kiosk's clock runs ahead of ours (negative: behind)."""
    sent = parse_moment(client_sent_at)
    if sent is None:
        return None
    try:
        offset = sent - received_at
    except OverflowError:
        offset = MAX_CLOCK_OFFSET * 2
    if abs(offset) > MAX_CLOCK_OFFSET:
        raise InvalidRequest(N_("The field “%(field)s” is not valid."), field="client_sent_at")
    return round(offset.total_seconds() * 1000)


def _create(store, ctx, kiosk, op, when, received_at, offset_ms):
    payload = op["payload"]
    if op["type"] == "event.book" and payload.get("service") != "event":
        raise InvalidRequest(N_("The field “%(field)s” is not valid."), field="service")
    if not payload.get("lease_unit_id"):
        check_confirm_by(op.get("confirm_by"), offset_ms, received_at)
    booking, created = create_booking(store, ctx, payload, when, received_at=received_at,
                                      client_created_at=parse_moment(op["created_at"]))
    return booking_result(booking, ctx), created


def _own_booking(store, kiosk, booking_id):
    booking = store.booking(booking_id)
    if booking is None or booking.kiosk_id != kiosk.id:
        raise BookingNotFound()
    return booking


def _cancel(store, ctx, kiosk, op, when, received_at, offset_ms):
    booking_id = op["payload"]["booking_id"]
    _own_booking(store, kiosk, booking_id)
    booking = change_booking(store, booking_id, lambda b: b.cancel(when, kiosk.id), when, f"kiosk:{kiosk.id}",
                             "booking.cancel")
    return booking_result(booking, ctx), True


def _checkin(store, ctx, kiosk, op, when, received_at, offset_ms):
    booking_id = op["payload"]["booking_id"]
    _own_booking(store, kiosk, booking_id)
    booking = change_booking(store, booking_id, lambda b: b.check_in(when), when, f"kiosk:{kiosk.id}", "booking.checkin")
    return booking_result(booking, ctx), True


def _release(store, ctx, kiosk, op, when, received_at, offset_ms):
    released = []
    for lease_id in dict.fromkeys(op["payload"]["lease_unit_ids"]):
        lease = store.lease(lease_id)
        if lease is not None and lease.kiosk_id == kiosk.id and lease.released_at is None:
            store.save_lease(replace(lease, released_at=received_at))
            released.append(lease_id)
    if released:
        store.audit(received_at, f"kiosk:{kiosk.id}", "lease.release", kiosk=kiosk.id, units=len(released))
    return {"released": sorted(released)}, True


HANDLERS = {"booking.create": _create, "event.book": _create, "booking.cancel": _cancel,
            "checkin": _checkin, "lease.release": _release}


def _refusal(store, kiosk, op, received_at, err: DomainError, describe, visitor_waiting: bool) -> dict:
    payload = op["payload"] if isinstance(op.get("payload"), dict) else {}
    language = payload.get("language") if isinstance(payload.get("language"), str) else None
    error = {"code": err.code, "message": describe(err, language)}
    error.update(getattr(err, "detail", None) or {})
    store.save_dead_letter(DeadLetter(
        op_id=op["op_id"], kiosk_id=kiosk.id, kiosk_name=kiosk.name, seq=op["seq"], type=op["type"],
        created_at=op["created_at"], received_at=received_at, error={"code": error["code"], "message": error["message"]},
        payload=payload, visitor_told=visitor_waiting))
    return {"op_id": op["op_id"], "status": "rejected", "error": error}


@retried
def apply_op(store, ctx, kiosk, op, received_at, offset_ms, describe, slip=False) -> dict:
    """One op in one transaction: a receipt answers `duplicate`; a refusal (or a failure of ours
    other than the disk's) is `rejected`, kept for staff, and never blocks the rest of the outbox.

    With `slip`, a booking's result carries its QR code as SVG (the visitor is waiting for it).
    """
    finish = (lambda r: dict(r, slip_svg=qr_svg(r["join_url"])) if "join_url" in r else r) if slip else (lambda r: r)
    with store.transaction():
        receipt = store.receipt(kiosk.id, op["op_id"])
        if receipt is not None:
            return {"op_id": op["op_id"], "status": "duplicate", "result": finish(receipt.result)}
        try:
            with store.transaction():    # a refusal undoes whatever the op had written
                PAYLOADS[op["type"]].check(op["payload"])
                when = believed_time(op["created_at"], offset_ms, received_at, kiosk.earliest_op_time())
                result, created = HANDLERS[op["type"]](store, ctx, kiosk, op, when, received_at, offset_ms)
                store.save_receipt(Receipt(kiosk.id, op["op_id"], received_at, result))
        except DomainError as err:
            return _refusal(store, kiosk, op, received_at, err, describe, slip)
        except StorageUnavailable:
            raise
        except Exception:   # noqa: BLE001 (a bug must not wedge the kiosk: refuse this op, keep it for staff)
            log.exception("sync op %s (%s) failed", op["op_id"], op["type"])
            return _refusal(store, kiosk, op, received_at, ServerFault(), describe, slip)
    return {"op_id": op["op_id"], "status": "applied" if created else "duplicate", "result": finish(result)}


def sync(store, ctx: Context, kiosk, body: dict, received_at: datetime, describe) -> dict:
    """Apply a batch in seq order; answer one result per op (in the request's order) and the leases."""
    offset_ms = clock_offset_ms(body.get("client_sent_at"), received_at)
    ctx = replace(ctx, asker=Asker(channel="kiosk", kiosk_id=kiosk.id))
    ops = body["ops"]
    slips_for = set(body.get("slips_for", ()))
    results = {}
    for index in sorted(range(len(ops)), key=lambda i: ops[i]["seq"]):
        op = ops[index]
        results[index] = apply_op(store, ctx, kiosk, op, received_at, offset_ms, describe, op["op_id"] in slips_for)
    status = body.get("status") or {}
    drained = "outbox" in status and status["outbox"] <= len(ops)
    report_status(store, kiosk, received_at, offset_ms, status, drained)
    commands = pending_commands(store, kiosk, received_at, done=status.get("done_commands", ()))
    leases = top_up_leases(store, ctx, kiosk, received_at)
    return {"server_time": received_at.isoformat(), "clock_offset_ms": offset_ms,
            "results": [results[i] for i in range(len(ops))],
            "leases": lease_views(ctx, leases, have=set(body.get("have_leases", ()))), "commands": commands}
