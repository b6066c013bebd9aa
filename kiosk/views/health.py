"""/healthz for monitoring: the app version and the storage state."""
import os

from flask import Blueprint, jsonify

from .. import __version__
from . import office

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    store = office().store
    with store.transaction():
        days = store.booking_days()
    writable = os.access(store.dir, os.W_OK)
    return jsonify({
        "status": "ok" if writable else "degraded",
        "version": __version__,
        "storage": {"backend": "tinydb", "state": "ok" if writable else "read-only",
                    "booking_days": len(days), "latest_day": days[-1] if days else None},
    }), 200 if writable else 503
