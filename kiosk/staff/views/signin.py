"""Sign-in with security keys (X5): one-time setup links, registration, sign-in, sign-out."""
from flask import g, jsonify

from ...domain.errors import LinkUnusable, NotSignedIn
from ...services import staff as staff_service
from ...views import limit, office, store
from .. import bp
from ..auth import body, relying_party, signed_in_response, signed_out_response, staff_api, staff_json
from ..pages import render


@bp.get("/staff/setup/<token>")
def setup(token):
    try:
        with store().transaction():
            link = staff_service.usable_link(store(), token, office().now())
    except LinkUnusable:
        return render("link_unusable", 410)
    return render("setup", token=token, invited_name=link.name)


@bp.post("/api/v1/staff/register/options")
@staff_api(role=None)
def register_options():
    """With a one-time link (a new member), or signed in (another key)."""
    now = office().now()
    if body().get("link"):
        answer = staff_service.begin_registration(store(), relying_party(), now, link_token=str(body()["link"]),
                                                  name=body().get("name"))
    elif g.staff is None:
        raise NotSignedIn()
    else:
        answer = staff_service.begin_registration(store(), relying_party(), now, staff_id=g.staff.id)
    return jsonify(answer)


@bp.post("/api/v1/staff/register/verify")
@staff_api(role=None)
def register_verify():
    member, credential_id = staff_service.finish_registration(
        store(), relying_party(), office().now(), str(body().get("challenge_id", "")), body().get("credential") or {},
        body().get("key_name"))
    if g.staff is not None:
        return jsonify(staff_json(member)), 201
    return signed_in_response(member, credential_id, 201)


@bp.post("/api/v1/staff/signin/options")
@staff_api(role=None)
def signin_options():
    limit("signin")
    return jsonify(staff_service.begin_signin(store(), relying_party(), office().now(), str(body().get("name", ""))))


@bp.post("/api/v1/staff/signin/verify")
@staff_api(role=None)
def signin_verify():
    limit("signin")
    member, credential_id = staff_service.finish_signin(store(), relying_party(), office().now(),
                                                        str(body().get("challenge_id", "")), body().get("credential") or {})
    return signed_in_response(member, credential_id)


@bp.post("/api/v1/staff/signout")
@staff_api(role=None)
def signout():
    return signed_out_response()
