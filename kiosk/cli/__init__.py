"""`flask --app app ...` commands for office IT and staff scripts; every command takes --json."""
from .bookings import audit, bookings, purge, sweep, visitor
from .data import backup, data
from .db import db
from .kiosks import kiosk
from .offices import office as office_group
from .office import closure, demo, event, room, terms
from .staff import staff
from .common import with_office_option
from .translate import translate


OFFICE_SCOPED = (demo, room, closure, event, bookings, sweep, purge, audit, terms, visitor, kiosk, staff)


def register_cli(app) -> None:
    for command in OFFICE_SCOPED:
        with_office_option(command)         # --office SLUG, the default office when left out
    for command in (*OFFICE_SCOPED, office_group, translate, backup, data, db):
        app.cli.add_command(command)
