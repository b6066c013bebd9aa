"""The schema's migrations (Alembic, in migrations/): apply them as the owner, tell where a database is."""
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

from ..errors import DatabaseUnusable
from .pool import connect_or_exit, first_line
from .schema import HEAD

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def role_of(url: str) -> str | None:
    """The role a libpq URL (or key=value string) connects as; None when libpq would pick it."""
    return conninfo_to_dict(url).get("user")


def _config(url: str, app_role: str | None):
    from alembic.config import Config
    from sqlalchemy import create_engine, pool

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Any libpq URL or key=value string works: psycopg connects, SQLAlchemy only wraps the connection.
    config.attributes["engine"] = lambda: create_engine("postgresql+psycopg://", poolclass=pool.NullPool,
                                                       creator=lambda: psycopg.connect(url))
    config.attributes["app_role"] = app_role
    return config


def upgrade(owner_url: str, app_role: str | None = None) -> str:
    """Bring the database to the newest revision, connected as the schema's owner; the app role (if
    another one) is granted what the server needs. Returns the revision the database is at."""
    from alembic import command

    from sqlalchemy.exc import DBAPIError

    connect_or_exit(owner_url).close()      # unreachable: one line, before Alembic says it at length
    if app_role and app_role == role_of(owner_url):
        app_role = None     # one role owns and serves: nothing to grant
    try:
        command.upgrade(_config(owner_url, app_role), "head")
    except (DBAPIError, psycopg.Error) as err:
        raise DatabaseUnusable(f"madoguchi: the migrations failed, nothing was changed: "
                               f"{first_line(getattr(err, 'orig', None) or err)}") from None
    return revision(owner_url)


def revision(url: str) -> str | None:
    """The revision a database is at (None: no migration ever ran)."""
    with connect_or_exit(url) as conn:
        return revision_on(conn)


def revision_on(conn) -> str | None:
    if conn.execute("SELECT to_regclass('alembic_version')").fetchone()[0] is None:
        return None
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def describe(at: str | None) -> str:
    """Where a database is against the code: current, behind (and what to run), or unknown."""
    if at == HEAD:
        return "current"
    if at is None or at < HEAD:
        return "behind"
    return "ahead"
