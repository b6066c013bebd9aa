"""`flask --app app staff ...`: the first admin's setup link, and recovery for a lost key."""
import click
from flask.cli import AppGroup

from ..domain.offices import office_path
from ..services import staff as staff_service
from .common import _actor, _out, _state, json_option, refusals


@click.group(cls=AppGroup, help="Staff accounts (sign-in is with security keys only).")
def staff():
    pass


@staff.command("setup-link", help="A one-time link (15 minutes) to register the first admin's security key.")
@click.option("--recover", "recover", metavar="NAME", help="For an admin who lost every key: a link to register a new one.")
@json_option
@refusals
def staff_setup_link(recover, as_json):
    s = _state()
    base = (s.settings.PUBLIC_BASE_URL or f"http://localhost:{s.settings.PORT}").rstrip("/")
    if recover:
        token = staff_service.recover_link(s.store, s.now(), _actor(), recover)
    else:
        token = staff_service.setup_link(s.store, s.now(), _actor())
    url = f"{base}{office_path(s.store.office.slug, s.backend.default_slug)}/staff/setup/{token}"
    _out(as_json, {"url": url, "expires_in_minutes": 15},
         f"Open this link within 15 minutes, on the PC where the security key is plugged in:\n{url}")
