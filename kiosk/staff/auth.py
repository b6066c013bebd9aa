"""Who may do what, checked once per request: `@staff_api(role=...)` for JSON endpoints and
`@console_page(role=...)` for pages; both leave the signed-in member in `g.staff` (flaskr's
`login_required`)."""
from functools import wraps
from urllib.parse import urlsplit

from flask import g, jsonify, request

from ..domain.errors import NotAllowed, NotSignedIn
from ..services import staff as staff_service
from ..views import base_url, office, store
from ..views.api import json_body
from .pages import render

COOKIE = "__Host-madoguchi"   # Secure, HttpOnly, SameSite=Strict, Path=/, no Domain (security.md)


def current_staff():
    """The member behind this request's session cookie, or None."""
    return staff_service.session_staff(store(), office().now(), request.cookies.get(COOKIE))


def actor() -> str:
    """The audit log's name for the signed-in member."""
    return f"staff:{g.staff.id}"


def body() -> dict:
    """The JSON body `@staff_api` read (an empty dict for a GET)."""
    return g.staff_body


def relying_party() -> staff_service.RelyingParty:
    url = urlsplit(base_url())
    return staff_service.RelyingParty(id=url.hostname, origin=f"{url.scheme}://{url.netloc}")


def _check_csrf() -> None:
    """Staff requests carry our header and never come from another site (CSRF, security.md)."""
    if request.headers.get("X-Madoguchi") != "1" or request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise NotAllowed()


def _signed_in_member(role: str):
    member = current_staff()
    if member is None:
        raise NotSignedIn()
    staff_service.require_role(member, role)
    return member


def staff_api(role: str | None = "staff", csrf: bool = True):
    """A staff endpoint: the CSRF rule, then the session, then `role` ("staff" or "admin"; None for
    the sign-in ceremonies, open to anyone); `g.staff` is the member (or None), `body()` the JSON.
    `csrf=False` only for a plain GET link (the CSV download), which changes nothing."""
    def decorate(view):
        @wraps(view)
        def handler(*args, **kwargs):
            if csrf:
                _check_csrf()
            g.staff_body = json_body() if request.method == "POST" else {}
            g.staff = _signed_in_member(role) if role else current_staff()
            return view(*args, **kwargs)
        return handler
    return decorate


def console_page(role: str = "staff"):
    """A console page: the sign-in page when nobody is signed in; refused below `role`."""
    def decorate(view):
        @wraps(view)
        def page(*args, **kwargs):
            g.staff = current_staff()
            if g.staff is None:
                return render("signin")
            staff_service.require_role(g.staff, role)
            return view(*args, **kwargs)
        return page
    return decorate


def staff_json(member) -> dict:
    return {"staff": {"id": member.id, "name": member.name, "role": member.role}}


def signed_in_response(member, credential_id: str, status: int = 200):
    """The member's JSON with a new session's cookie."""
    session_id = staff_service.start_session(store(), office().now(), member.id, credential_id)
    response = jsonify(staff_json(member))
    response.status_code = status
    response.set_cookie(COOKIE, session_id, secure=True, httponly=True, samesite="Strict", path="/")
    return response


def signed_out_response():
    staff_service.end_sessions(store(), office().now(), request.cookies.get(COOKIE), bool(body().get("everywhere")))
    response = jsonify({"signed_out": True})
    response.delete_cookie(COOKIE, secure=True, httponly=True, samesite="Strict", path="/")
    return response
