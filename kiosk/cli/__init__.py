"""`flask --app app ...` commands for office IT and staff scripts; every command takes --json."""
from .bookings import audit, bookings, purge, sweep, visitor
from .data import backup
from .db import db
from .kiosks import kiosk
from .office import closure, demo, event, room, terms
from .staff import staff
from .translate import translate


def register_cli(app) -> None:
    for command in (demo, room, closure, event, bookings, sweep, purge, audit, terms, visitor, kiosk, staff, translate, backup, db):
        app.cli.add_command(command)
