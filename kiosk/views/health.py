"""/healthz for monitoring: the app version and the storage state, answered without the storage lock."""
from flask import Blueprint, jsonify

from .. import __version__
from . import office

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        storage = office().backend.health()
    except Exception as err:   # noqa: BLE001 (monitoring must get an answer, whatever the storage does)
        storage = {"state": "unavailable", "healthy": False, "last_error": type(err).__name__}
    healthy = storage.pop("healthy", False)
    return jsonify({"status": "ok" if healthy else "degraded", "version": __version__, "storage": storage}), \
        200 if healthy else 503
