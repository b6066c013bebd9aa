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
        journal = store.journal_state()
    writable = os.access(store.dir, os.W_OK)
    healthy = writable and not journal["checkpoint_failures"]
    state = "ok" if healthy else "read-only" if not writable else "checkpoint-failing"
    return jsonify({
        "status": "ok" if healthy else "degraded",
        "version": __version__,
        "storage": {"backend": "tinydb", "state": state,
                    "booking_days": len(days), "latest_day": days[-1] if days else None, **journal},
    }), 200 if healthy else 503
