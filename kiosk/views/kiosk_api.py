"""The kiosk's API: enrollment, its state for offline use, and the outbox sync (sync.md)."""
import hashlib

from flask import Blueprint, g, jsonify, request

from ..openapi import SYNC_ENVELOPE
from ..schemas import Schema
from ..domain.calendar import tokyo
from ..domain.errors import InvalidRequest, N_, Unauthorized
from ..domain.requests import ELIGIBILITY_QUESTIONS
from ..domain.terms import REQUIRED_DOCS
from ..i18n import NATIVE_NAMES
from ..storage.errors import OfficeUnknown
from ..services import kiosks
from ..services.availability import calendar_days, open_events
from ..services.sync import sync as apply_sync
from . import context, limit, office, policy, store, use_office
from .api import json_body, terms_in_force_json
from .errors import describe

bp = Blueprint("kiosk_api", __name__, url_prefix="/api/v1")
sync_schema = Schema(SYNC_ENVELOPE)


def current_kiosk():
    """The kiosk of the request's device token; the token names its office."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else None
    if token and len(token) > 200:
        token = None
    named = (kiosks.token_office(token) if token else None) or office().backend.default_slug
    if g.get("url_office") and g.url_office != named:
        raise Unauthorized()                  # another office's kiosk: not one of this office
    use_office(named)
    try:
        return kiosks.authenticate(store(), token)
    except OfficeUnknown:
        raise Unauthorized() from None


@bp.post("/kiosk/enroll")
def enroll():
    limit("enroll")
    body = json_body()
    code = body.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > 40:
        raise InvalidRequest(N_("The field “%(field)s” is missing."), field="code")
    return jsonify(kiosks.exchange_code(store(), office().now(), code, context().office)), 201


def office_info() -> dict:
    """What any booking screen needs to know about the office (kiosk and phone alike)."""
    state, settings, rules = office(), office().settings, policy()
    with store().transaction():
        apps = sorted({r.app for r in store().rooms() if r.active})
    record = store().office
    return {
        "server_time": state.now().isoformat(),
        "office": {"slug": record.slug, "name": record.name, "name_en": record.name_en, "phone": record.phone},
        "services": {"counseling": {"meeting_apps": apps, "terms_docs": list(REQUIRED_DOCS["counseling"]),
                                    "eligibility": list(ELIGIBILITY_QUESTIONS)},
                     "event": {"terms_docs": list(REQUIRED_DOCS["event"])}},
        "languages": [{"code": code, "name": name} for code, name in NATIVE_NAMES],
        "settings": {
            "cutoff_policy": rules.cutoff_policy, "booking_horizon_days": rules.horizon_days,
            "lease_units_per_day": rules.lease_units_per_day, "lease_days": rules.lease_days,
            "no_show_grace_minutes": rules.grace_minutes,
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
    now, rules = office().now(), policy()
    terms = terms_in_force_json(None, summary_text=False)
    body = {
        "kiosk": {"kiosk_id": kiosk.id, "name": kiosk.name},
        **office_info(),
        # The terms change a few times a year: `?terms=0` leaves them out, and the kiosk fetches
        # GET /api/v1/terms?summary_text=0 only when `terms_digest` changed.
        "terms_digest": hashlib.sha256(" ".join(t["sha256"] for t in terms).encode()).hexdigest()[:16],
        "terms": terms,
        "calendar": calendar_days(store(), rules, tokyo(now).date(), rules.horizon_days + 1, now),
        "events": open_events(store(), now),
        # Each lease with its slip's QR; `?slips=0` leaves them out (the kiosk gets them by sync).
        "leases": kiosks.lease_views(context(), kiosks.kiosk_leases(store(), kiosk, now),
                                     have=() if request.args.get("slips") != "0" else _all),
    }
    if request.args.get("terms") == "0":
        del body["terms"]
    return jsonify(body)


@bp.post("/sync")
def sync():
    kiosk = current_kiosk()
    request.max_content_length = office().settings.MAX_SYNC_BODY_BYTES  # a day's offline outbox fits
    body = json_body(lenient=True)
    sync_schema.check(body)
    return jsonify(apply_sync(store(), context(), kiosk, body, office().now(), describe))


class _Everything:
    """`have` for ?slips=0: every lease's slip is one the kiosk has."""

    def __contains__(self, _):
        return True


_all = _Everything()
