"""`flask --app app ...` commands for office IT and staff scripts; every command takes --json."""
from .bookings import audit, bookings, sweep, visitor
from .kiosks import kiosk
from .office import closure, demo, event, room, terms


def register_cli(app) -> None:
    for command in (demo, room, closure, event, bookings, sweep, audit, terms, visitor, kiosk):
        app.cli.add_command(command)
