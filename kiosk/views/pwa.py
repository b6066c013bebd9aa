"""The PWA: the kiosk shell, its service worker, manifest and UI strings (D2, D5)."""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, send_file, url_for

from ..domain.requests import LANGUAGES
from ..staff_strings import STAFF_STRINGS
from ..ui_strings import STRINGS
from ..i18n import date_patterns, page_translator, translate, translate_raw
from ..web import office_endpoint, request_language
from ..slips import qr_svg
from . import base_url, office, store

bp = Blueprint("pwa", __name__)

SHELL_FILES = ["css/kiosk.css", "js/base.js", "js/kiosk.js", "js/session.js", "js/db.js", "js/outbox.js", "js/i18n.js", "js/offer.js",
               "js/slip.js", "js/join.js", "js/phone.js", "js/webauthn.js", "js/signinerrors.js", "js/staffmode.js", "js/queue.js", "js/reach.js",
               "js/wire.js", "js/vendor/idb.js", "js/rules.js", "js/jobseeker.js", "js/terms.js", "js/questions.js", "js/times.js",
               "js/details.js", "js/booking.js", "js/idle.js", "js/mine.js", "js/reference.js", "icons/icon-192.png", "icons/icon-512.png"]
SHELL_LANGUAGES = list(LANGUAGES)


@lru_cache(maxsize=1)
def shell_version() -> str:
    """Changes whenever a shell file changes, so kiosks pick up a new service worker."""
    static = Path(current_app.static_folder)
    digest = hashlib.sha256()
    for name in SHELL_FILES + ["sw.js"]:
        digest.update((static / name).read_bytes())
    digest.update((Path(current_app.template_folder) / "kiosk.html").read_bytes())
    digest.update(repr(sorted(STRINGS.items())).encode())
    digest.update(repr(sorted(STAFF_STRINGS.items())).encode())
    return digest.hexdigest()[:12]


@bp.app_context_processor
def shell_globals():
    return {"shell_version": shell_version()}


def _is_office(slug: str) -> bool:
    from ..domain.errors import DomainError
    try:
        office().backend.office(slug)
    except DomainError:
        return False
    return True


@bp.get("/")
def home():
    return redirect(url_for(office_endpoint("pwa.kiosk")))


def _shell(mode: str):
    # Staff mode at the kiosk speaks the office's language (the staff catalog, Japanese).
    st = page_translator(STAFF_STRINGS, "ja", "staff")
    return render_template("kiosk.html", version=shell_version(), office=store().office, mode=mode, st=st)


@bp.get("/kiosk")
def kiosk():
    return _shell("kiosk")


@bp.get("/book")
def book():
    """The same flow on a visitor's own phone (D6): no enrollment, bookings go to the API."""
    return _shell("phone")


@bp.get("/pwa/phone-qr.svg")
def phone_qr():
    """The kiosk's "continue on your phone" code: the booking flow, in the visitor's language."""
    lang = request.args.get("lang", "ja")
    if lang not in LANGUAGES:
        abort(404)
    url = f"{base_url().rstrip('/')}{url_for(office_endpoint('pwa.book'), lang=lang)}"
    response = current_app.response_class(qr_svg(url), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/sw.js")
def service_worker():
    response = send_file(Path(current_app.static_folder) / "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/pwa/shell.json")
def shell():
    """What the service worker precaches: the shell, and the strings of the shell languages."""
    offices = [o for o in request.args.get("office", "").split(",") if o][:3]   # a kiosk of another office
    files = [url_for("pwa.kiosk"), url_for("pwa.book")] + [url_for("static", filename=f) for f in SHELL_FILES]
    files += [url_for(endpoint, office=slug) for slug in offices for endpoint in ("o_pwa.kiosk", "o_pwa.book")
              if _is_office(slug)]
    files += [url_for("pwa.strings", lang=lang) for lang in SHELL_LANGUAGES] + [url_for("pwa.manifest")]
    response = jsonify({"version": shell_version(), "precache": files})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    name = translate("Madoguchi: book at %(office)s", request_language(), office=store().office.name)
    response = jsonify({
        "name": name, "short_name": "窓口", "start_url": "/kiosk", "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#0b5cad", "lang": "ja",
        "icons": [{"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                  {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png",
                   "purpose": "any maskable"}],
    })
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/i18n/<lang>.json")
def strings(lang):
    """The UI strings in one visitor language (ruby kept for the PWA to render) and its date patterns."""
    if lang not in LANGUAGES:
        abort(404)
    strings = {key: translate_raw(msgid, lang) for key, msgid in STRINGS.items()}
    response = jsonify({**strings, "_dates": date_patterns(lang)})
    response.headers["Cache-Control"] = "no-cache"
    return response
