"""POST /api/v1/sync: a kiosk's outbox, applied exactly once, in seq order (sync.md)."""
import logging
import re
from dataclasses import replace
from datetime import datetime, timedelta

from ..domain.decisions import Asker
from ..domain.errors import BookingNotFound, DomainError, InvalidRequest, N_
from ..domain.moments import parse_moment
from ..domain.ops import DeadLetter, Receipt, believed_time, check_confirm_by
from ..domain.text import storable, well_formed
from ..openapi import BOOKING_CREATE, BOOKING_REF, ID, LEASE_RELEASE, SYNC_OP, SYNC_STATUS
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
OP = Schema(SYNC_OP)
STATUS = Schema(SYNC_STATUS)
MAX_CLOCK_OFFSET = timedelta(days=3650)
ID_PATTERN = re.compile(ID["pattern"])


class UnreadableOp(InvalidRequest):
    message = N_("The request is not valid.")


class ServerFault(DomainError):
    """An op the server failed on (a bug): refused with a code, kept for staff, never blocking."""

    code, status = "server_error", 500
    message = N_("Something went wrong on our side. Nothing was changed. Please try again.")


def clock_offset_ms(client_sent_at, received_at: datetime) -> int | None:
    """How far the kiosk's clock runs ahead of ours (negative: behind); None when it says nothing
    believable (its ops' times are then bounded by their arrival alone, see ops.believed_time)."""
    sent = parse_moment(client_sent_at)
    if sent is None:
        return None
    offset = sent - received_at
    if abs(offset) > MAX_CLOCK_OFFSET:
        log.warning("a kiosk's clock is %s off; its offset is not believed", offset)
        return None
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


def _op_problem(op) -> DomainError | None:
    """Why an op cannot even be read (its result is `rejected`, the batch goes on), or None."""
    if not isinstance(op, dict) or not well_formed(op):
        return UnreadableOp()
    try:
        OP.check(op)
    except InvalidRequest as err:
        return err
    return None


def _refusal(store, kiosk, op, received_at, err: DomainError, describe, visitor_waiting: bool) -> dict:
    """The op's `rejected` result; kept for staff when it names itself (an op_id we can key by)."""
    op = op if isinstance(op, dict) else {}
    payload = storable(op["payload"]) if isinstance(op.get("payload"), dict) else {}
    language = payload.get("language") if isinstance(payload.get("language"), str) else None
    error = {"code": err.code, "message": describe(err, language)}
    error.update(getattr(err, "detail", None) or {})
    op_id = op.get("op_id") if isinstance(op.get("op_id"), str) and ID_PATTERN.match(op["op_id"]) else None
    if op_id is not None:
        seq = op.get("seq") if isinstance(op.get("seq"), int) and 0 <= op["seq"] <= 2 ** 53 else 0
        store.save_dead_letter(DeadLetter(
            op_id=op_id, kiosk_id=kiosk.id, kiosk_name=kiosk.name, seq=seq, type=storable(str(op.get("type", "")))[:40],
            created_at=storable(str(op.get("created_at", "")))[:40], received_at=received_at,
            error={"code": error["code"], "message": error["message"]}, payload=payload, visitor_told=visitor_waiting))
    return {"op_id": op_id, "status": "rejected", "error": error}


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
        except StorageUnavailable:   # first: it is a DomainError too, and a lost race must be retried, not refused
            raise
        except DomainError as err:
            return _refusal(store, kiosk, op, received_at, err, describe, slip)
        except Exception:   # noqa: BLE001 (a bug must not wedge the kiosk: refuse this op, keep it for staff)
            log.exception("sync op %s (%s) failed", op["op_id"], op["type"])
            return _refusal(store, kiosk, op, received_at, ServerFault(), describe, slip)
    return {"op_id": op["op_id"], "status": "applied" if created else "duplicate", "result": finish(result)}


def _refuse_unreadable(store, kiosk, op, received_at, problem, describe) -> dict:
    with store.transaction():
        return _refusal(store, kiosk, op, received_at, problem, describe, False)


def _status(status) -> dict:
    """What the kiosk says it holds; a report we cannot read is left out, never a reason to refuse."""
    try:
        STATUS.check(status)
    except InvalidRequest:
        log.warning("a kiosk sent a status report that is not valid; ignored")
        return {}
    return status if well_formed(status) else {}


def sync(store, ctx: Context, kiosk, body: dict, received_at: datetime, describe) -> dict:
    """Apply a batch in seq order; answer one result per op (in the request's order) and the leases.
    An op that cannot be read is refused on its own; the others are applied."""
    offset_ms = clock_offset_ms(body.get("client_sent_at"), received_at)
    ctx = replace(ctx, asker=Asker(channel="kiosk", kiosk_id=kiosk.id))
    ops = body["ops"]
    slips_for = {s for s in body.get("slips_for", ()) if isinstance(s, str)}
    problems = {i: _op_problem(op) for i, op in enumerate(ops)}
    results = {i: _refuse_unreadable(store, kiosk, ops[i], received_at, p, describe) for i, p in problems.items() if p}
    for index in sorted((i for i, p in problems.items() if p is None), key=lambda i: ops[i]["seq"]):
        op = ops[index]
        results[index] = apply_op(store, ctx, kiosk, op, received_at, offset_ms, describe, op["op_id"] in slips_for)
    status = _status(body.get("status") or {})
    drained = "outbox" in status and status["outbox"] <= len(ops)
    report_status(store, kiosk, received_at, offset_ms, status, drained)
    commands = pending_commands(store, kiosk, received_at, done=status.get("done_commands", ()))
    leases = top_up_leases(store, ctx, kiosk, received_at)
    return {"server_time": received_at.isoformat(), "clock_offset_ms": offset_ms,
            "results": [results[i] for i in range(len(ops))],
            "leases": lease_views(ctx, leases, have=set(body.get("have_leases", ()))), "commands": commands}
