"""Thin blueprints: parse the request, call one service, render."""
from flask import current_app, g, request

from ..domain.decisions import Asker
from ..ratelimit import CancelLocked, RateLimited
from ..services.bookings import Context
from ..services.policy import policy_of


def office():
    """The app's Madoguchi state: settings, backend, secret, clock."""
    return current_app.extensions["madoguchi"]


def store():
    """The store of this request's office: `/o/<slug>/...`, a token's office, else the default."""
    if "store" not in g:
        g.store = office().backend.office(g.get("office_slug"))
    return g.store


def use_office(slug: str | None) -> None:
    """This request is about another office than its URL says (a kiosk's or a join token's)."""
    g.office_slug = slug
    g.pop("store", None)
    g.pop("policy", None)


def policy():
    if "policy" not in g:
        g.policy = policy_of(store(), office().settings)
    return g.policy


def base_url() -> str:
    """PUBLIC_BASE_URL, else the address the request came to (the proxy's, when trusted)."""
    return office().settings.PUBLIC_BASE_URL or f"{request.scheme}://{request.host}/"


def context(asker: Asker = Asker()) -> Context:
    """For a booking service: its rules are read inside its own transaction."""
    slug = store().office.slug
    return Context(g.get("policy"), office().secret, base_url(), asker,
                   office=None if slug == office().backend.default_slug else slug, settings=office().settings)


def limit(name: str, key: str | None = None) -> None:
    """Refuse with 429 once limit `name` is reached for `key` (the client's address by default)."""
    if not office().allowed(name, key or request.remote_addr or "?"):
        window = office().limits[name][1]
        raise CancelLocked(window) if name == "cancel_booking" else RateLimited(window)
