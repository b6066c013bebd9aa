"""The staff console's sign-in (X5): one-time links, security keys, sessions; and the day's list."""
from urllib.parse import urlsplit

from flask import Blueprint, jsonify, render_template, request

from ..domain.calendar import tokyo
from ..domain.errors import LinkUnusable, NotAllowed, NotSignedIn
from ..i18n import NATIVE_NAMES, translate, translate_markup
from ..services import staff as staff_service
from ..staff_strings import STAFF_STRINGS
from . import office
from .api import json_body

bp = Blueprint("staff", __name__)
COOKIE = "__Host-madoguchi"   # Secure, HttpOnly, SameSite=Strict, Path=/, no Domain (security.md)
LANGUAGE_NAMES = dict(NATIVE_NAMES)


def _rp() -> staff_service.RelyingParty:
    url = urlsplit(office().settings.PUBLIC_BASE_URL or request.host_url)
    return staff_service.RelyingParty(id=url.hostname, origin=f"{url.scheme}://{url.netloc}")


def _lang() -> str:
    asked = request.args.get("lang")
    return asked if asked in ("ja", "en") else (request.accept_languages.best_match(["ja", "en"]) or "ja")


def _page(mode: str, status: int = 200, **context):
    lang = _lang()

    def s(key, **params):
        return translate_markup(STAFF_STRINGS[key], lang, "staff", **params)
    s.plain = lambda key, **params: translate(STAFF_STRINGS[key], lang, "staff", **params)
    return render_template("staff.html", mode=mode, lang=lang, s=s, **context), status


def current_staff() -> dict | None:
    return staff_service.session_staff(office().store, office().now(), request.cookies.get(COOKIE))


def _state_change() -> dict:
    """Staff changes are JSON with our header, never from another site (CSRF, security.md)."""
    if request.headers.get("X-Madoguchi") != "1" or request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise NotAllowed()
    return json_body()


def _signed_in(member: dict, status: int = 200):
    session_id = staff_service.start_session(office().store, office().now(), member["id"])
    response = jsonify({"staff": {"id": member["id"], "name": member["name"], "role": member["role"]}})
    response.status_code = status
    response.set_cookie(COOKIE, session_id, secure=True, httponly=True, samesite="Strict", path="/")
    return response


@bp.get("/staff")
def console():
    member = current_staff()
    if member is None:
        return _page("signin")
    store, now = office().store, office().now()
    with store.transaction():
        today = [b for b in store.bookings_on(tokyo(now).date())]
        keys = [c for c in store.credentials(member["id"]) if not c["revoked_at"]]
    return _page("today", member=member, bookings=today, keys=keys, tokyo=tokyo, language_names=LANGUAGE_NAMES)


@bp.get("/staff/setup/<token>")
def setup(token):
    try:
        with office().store.transaction():
            staff_service._usable_link(office().store, token, office().now())
    except LinkUnusable:
        return _page("link_unusable", 410)
    return _page("setup", token=token)


@bp.post("/api/v1/staff/register/options")
def register_options():
    body = _state_change()
    store, now = office().store, office().now()
    if body.get("link"):
        answer = staff_service.begin_registration(store, office().challenges, _rp(), now, link_token=str(body["link"]),
                                                  name=body.get("name"))
    else:
        member = current_staff()
        if member is None:
            raise NotSignedIn()
        answer = staff_service.begin_registration(store, office().challenges, _rp(), now, staff_id=member["id"])
    return jsonify(answer)


@bp.post("/api/v1/staff/register/verify")
def register_verify():
    body = _state_change()
    member = staff_service.finish_registration(office().store, office().challenges, _rp(), office().now(),
                                               str(body.get("challenge_id", "")), body.get("credential") or {},
                                               body.get("key_name"))
    if current_staff() is not None:
        return jsonify({"staff": {"id": member["id"], "name": member["name"], "role": member["role"]}}), 201
    return _signed_in(member, 201)


@bp.post("/api/v1/staff/signin/options")
def signin_options():
    office().limits["signin"].hit(request.remote_addr or "?")
    body = _state_change()
    return jsonify(staff_service.begin_signin(office().store, office().challenges, _rp(), office().now(),
                                              str(body.get("name", ""))))


@bp.post("/api/v1/staff/signin/verify")
def signin_verify():
    office().limits["signin"].hit(request.remote_addr or "?")
    body = _state_change()
    member = staff_service.finish_signin(office().store, office().challenges, _rp(), office().now(),
                                         str(body.get("challenge_id", "")), body.get("credential") or {})
    return _signed_in(member)


@bp.post("/api/v1/staff/signout")
def signout():
    body = _state_change()
    staff_service.end_sessions(office().store, office().now(), request.cookies.get(COOKIE), bool(body.get("everywhere")))
    response = jsonify({"signed_out": True})
    response.delete_cookie(COOKIE, secure=True, httponly=True, samesite="Strict", path="/")
    return response
