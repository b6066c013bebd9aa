"""Kiosk tablets: enrollment, listing, revocation, rejected ops."""
import click
from flask.cli import AppGroup

from ..services import kiosks as kiosk_service
from .common import _actor, _out, _state, json_option, refusals


# -- kiosks -------------------------------------------------------------------------------

@click.group(cls=AppGroup, help="Kiosk tablets: enrollment, revocation, rejected ops.")
def kiosk():
    pass


@kiosk.command("enroll", help="Make a one-time enrollment code (24 h) for kiosk NAME; the kiosk types it in.")
@click.argument("name")
@json_option
@refusals
def kiosk_enroll(name, as_json):
    s = _state()
    result = kiosk_service.enroll(s.store, s.now(), _actor(), name)
    _out(as_json, {"kiosk_id": result["kiosk_id"], "code": result["code"], "name": result["name"],
                   "expires_at": result["expires_at"]},
         f"Enrollment code for {result['name']}: {result['code']} (valid until {result['expires_at'][:16]})")


@kiosk.command("list", help="Kiosks with last seen, clock offset and ops waiting.")
@json_option
def kiosk_list(as_json):
    s = _state()
    with s.store.transaction():
        records = s.store.kiosks()
        dead = {k.id: sum(1 for d in s.store.dead_letters(k.id) if not d.resolved_at) for k in records}
    data = [{"kiosk_id": k.id, "name": k.name, "enrolled": bool(k.token_hash),
             "revoked": bool(k.revoked_at), "status": k.status or {}, "dead_letters": dead[k.id]}
            for k in records]
    lines = [f"{d['name']}\t{d['kiosk_id']}\t{'revoked' if d['revoked'] else 'enrolled' if d['enrolled'] else 'code issued'}"
             f"\tlast seen {d['status'].get('last_seen', '-')[:19]}\toffset {d['status'].get('clock_offset_ms', '-')} ms"
             f"\twaiting {d['status'].get('outbox', '-')}\tdead letters {d['dead_letters']}" for d in data]
    _out(as_json, data, "\n".join(lines) or "No kiosks.")


@kiosk.command("revoke", help="Revoke kiosk NAME: its syncs get 401; its outbox stays on the tablet.")
@click.argument("name")
@json_option
@refusals
def kiosk_revoke(name, as_json):
    s = _state()
    record = kiosk_service.revoke(s.store, s.now(), _actor(), kiosk_service.kiosk_named(s.store, name))
    _out(as_json, {"kiosk_id": record.id, "revoked_at": record.revoked_at.isoformat()}, f"Kiosk {name} revoked.")


@kiosk.command("dead-letters", help="Ops of kiosk NAME that the server rejected (staff call the visitor).")
@click.argument("name")
@json_option
@refusals
def kiosk_dead_letters(name, as_json):
    s = _state()
    record = kiosk_service.kiosk_named(s.store, name)
    with s.store.transaction():
        letters = s.store.dead_letters(record.id)
    lines = [f"{d.received_at.isoformat()[:19]}\t{d.type}\t{d.error['code']}\t{d.payload.get('start', '-')}"
             f"\t{d.payload.get('name', '-')}\t{d.payload.get('jobseeker_no', '-')}" for d in letters]
    _out(as_json, [d.to_record() for d in letters], "\n".join(lines) or f"No rejected ops for {name}.")
