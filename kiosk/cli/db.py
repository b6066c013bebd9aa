"""The PostgreSQL schema: `db upgrade` applies the migrations, `db current` says where the database is."""
import click
from flask import current_app
from flask.cli import AppGroup

from .common import _out, json_option


@click.group(cls=AppGroup, help="The PostgreSQL database's schema (DATABASE_URL; migrations run as DATABASE_OWNER_URL).")
def db():
    pass


def _settings():
    """The settings, without opening the store (it refuses a database behind the code)."""
    settings = current_app.extensions["madoguchi"].settings
    if not settings.DATABASE_URL:
        raise click.ClickException("DATABASE_URL is not set: the TinyDB data directory needs no migrations.")
    return settings


def _report(as_json: bool, at, verb: str = "is") -> None:
    from ..storage.postgres.migrate import describe
    from ..storage.postgres.schema import HEAD

    state = describe(at)
    why = {"current": "current", "behind": f"behind: this code needs {HEAD}; run flask --app app db upgrade",
           "ahead": f"ahead: newer than this code's {HEAD}"}[state]
    _out(as_json, {"revision": at, "head": HEAD, "state": state}, f"The database {verb} at {at or 'no revision (empty)'} ({why}).")


@db.command("upgrade", help="Apply the migrations, as the schema's owner (DATABASE_OWNER_URL, else DATABASE_URL).")
@json_option
def upgrade(as_json):
    from ..storage.postgres import migrate

    settings = _settings()
    owner = settings.DATABASE_OWNER_URL or settings.DATABASE_URL
    _report(as_json, migrate.upgrade(owner, app_role=migrate.role_of(settings.DATABASE_URL)), "is now")


@db.command("current", help="Print the database's schema revision and whether it is this code's.")
@json_option
def current(as_json):
    from ..storage.postgres import migrate

    _report(as_json, migrate.revision(_settings().DATABASE_URL))
