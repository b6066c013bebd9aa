"""The kiosk's API: enrollment, its state for offline use, and the outbox sync (sync.md)."""
import hashlib

from flask import Blueprint, jsonify, request

from ..openapi import SYNC_REQUEST
from ..schemas import Schema
from ..services import kiosks
from ..services.availability import calendar_days, open_events
from ..services.bookings import Context
from ..services.sync import sync as apply_sync
from ..domain.calendar import tokyo
from ..domain.errors import InvalidRequest, N_
from . import base_url, office
from .api import json_body, terms_in_force_json
from .errors import describe

bp = Blueprint("kiosk_api", __name__, url_prefix="/api/v1")
sync_schema = Schema(SYNC_REQUEST)


def current_kiosk() -> dict:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else None
    return kiosks.authenticate(office().store, token)


def _context() -> Context:
    return Context(office().settings, office().secret, base_url(), channel="kiosk")


@bp.post("/kiosk/enroll")
def enroll():
    office().limits["enroll"].hit(request.remote_addr or "?")
    body = json_body()
    code = body.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > 40:
        raise InvalidRequest(N_("The field “%(field)s” is missing.") , field="code")
    return jsonify(kiosks.exchange_code(office().store, office().now(), code)), 201


def office_info() -> dict:
    """What any booking screen needs to know about the office (kiosk and phone alike)."""
    state, settings = office(), office().settings
    with state.store.transaction():
        apps = sorted({r.app for r in state.store.rooms() if r.active})
    return {
        "server_time": state.now().isoformat(),
        "office": {"name": settings.OFFICE_NAME, "name_en": settings.OFFICE_NAME_EN},
        "services": {"counseling": {"meeting_apps": apps}, "event": {}},
        "settings": {
            "cutoff_policy": settings.CUTOFF_POLICY, "booking_horizon_days": settings.BOOKING_HORIZON_DAYS,
            "lease_units_per_day": settings.LEASE_UNITS_PER_DAY, "lease_days": settings.LEASE_DAYS,
            "no_show_grace_minutes": settings.NO_SHOW_GRACE_MINUTES,
            "idle_seconds": settings.KIOSK_IDLE_SECONDS, "idle_warning_seconds": settings.KIOSK_IDLE_WARNING_SECONDS,
        },
    }


@bp.get("/office")
def office_public():
    """The office's name, services and booking settings (public: phones use it)."""
    return jsonify(office_info())


@bp.get("/kiosk/state")
def state():
    """Everything a kiosk needs to keep taking bookings offline."""
    kiosk = current_kiosk()
    state, now = office(), office().now()
    settings = state.settings
    terms = terms_in_force_json(None, summary_text=False)
    body = {
        "kiosk": {"kiosk_id": kiosk["id"], "name": kiosk["name"]},
        **office_info(),
        # The terms change a few times a year: `?terms=0` leaves them out, and the kiosk fetches
        # GET /api/v1/terms?summary_text=0 only when `terms_digest` changed.
        "terms_digest": hashlib.sha256(" ".join(t["sha256"] for t in terms).encode()).hexdigest()[:16],
        "terms": terms,
        "calendar": calendar_days(state.store, settings, tokyo(now).date(), settings.BOOKING_HORIZON_DAYS + 1, now),
        "events": open_events(state.store, now),
        # Each lease with its slip's QR; `?slips=0` leaves them out (the kiosk gets them by sync).
        "leases": kiosks.kiosk_leases(state.store, kiosk["id"], now, with_slips=request.args.get("slips") != "0"),
    }
    if request.args.get("terms") == "0":
        del body["terms"]
    return jsonify(body)


@bp.post("/sync")
def sync():
    kiosk = current_kiosk()
    request.max_content_length = office().settings.MAX_SYNC_BODY_BYTES  # a day's offline outbox fits
    body = json_body()
    sync_schema.check(body)
    return jsonify(apply_sync(office().store, _context(), kiosk, body, office().now(), describe))
