"""The PostgreSQL backend: many offices in one database, several server processes on it.

The app connects as a role that does not own the schema (README: "Running on PostgreSQL"); every
office-scoped table has row-level security on `madoguchi.office`, which each transaction sets.
Migrations (Alembic, migrations/) run as the owner through `flask --app app db upgrade`; a database
behind the code is refused at start with one line.
"""
import logging
import secrets
import threading

from ...domain.offices import Office
from ..errors import DatabaseUnusable, OfficeUnknown
from .health import health
from .locks import ClusterJobs
from .migrate import describe, revision_on
from .office_store import PgOfficeStore
from .pool import POOL_TIMEOUT, Connections, connect_or_exit
from .rates import PgRateCounter
from .schema import HEAD
from .setup import SetupCache
from .unit import Transactions

log = logging.getLogger("madoguchi.storage")
__all__ = ["PostgresBackend"]
OFFICE = "SELECT id, slug, name, name_en, phone, created_at, registered FROM offices"


class PostgresBackend:
    kind = "postgresql"

    def __init__(self, url: str, default_office: Office, max_connections: int = 12,
                 pool_timeout: float = POOL_TIMEOUT):
        self.url = url
        self.default_slug = default_office.slug
        self._default = default_office
        check_database(url)
        self.connections = Connections(url, max_connections, pool_timeout)
        self.connections.pool()
        self.transactions = Transactions(self.connections)
        self._stores = {}
        self._setup = SetupCache()
        self._stores_lock = threading.Lock()
        self._rates = PgRateCounter(self.connections)
        self._jobs = ClusterJobs(url)

    # -- offices -------------------------------------------------------------------------------

    def office(self, slug: str | None = None) -> PgOfficeStore:
        slug = slug or self.default_slug
        store = self._stores.get(slug)
        if store is None:
            office_id, office = self._resolve(slug)
            made = PgOfficeStore(self.transactions, office_id, office, self._setup)
            with self._stores_lock:
                store = self._stores.setdefault(slug, made)
        return store

    def _resolve(self, slug: str) -> tuple[int, Office]:
        """The office's row ID and record; the default office's row is made on first use."""
        def find(conn):
            row = conn.execute(OFFICE + " WHERE slug = %s", (slug,)).fetchone()
            if row is None and slug == self.default_slug:
                conn.execute("INSERT INTO offices (slug, name, name_en, phone, created_at, registered) "
                             "VALUES (%s, %s, %s, %s, now(), false) ON CONFLICT (slug) DO NOTHING",
                             (slug, self._default.name, self._default.name_en, self._default.phone))
                row = conn.execute(OFFICE + " WHERE slug = %s", (slug,)).fetchone()
            return row
        row = self.connections.using(find)
        if row is None:
            raise OfficeUnknown()
        # As on TinyDB, the default office is the one the settings name (or this process last saved).
        return row[0], self._default if slug == self.default_slug else _office(row)

    def offices(self) -> list[Office]:
        rows = self.connections.using(lambda conn: conn.execute(OFFICE + " ORDER BY slug").fetchall())
        found = {row[1]: _office(row) for row in rows if row[6]}
        found.setdefault(self.default_slug, self._default)
        return [found[s] for s in sorted(found)]

    def save_office(self, office: Office) -> None:
        self.connections.using(lambda conn: conn.execute(
            "INSERT INTO offices (slug, name, name_en, phone, created_at) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, "
            "phone = EXCLUDED.phone, created_at = EXCLUDED.created_at, registered = true",
            (office.slug, office.name, office.name_en, office.phone, office.created_at)))
        with self._stores_lock:
            self._stores.pop(office.slug, None)
        if office.slug == self.default_slug:
            self._default = office

    def is_new(self) -> bool:
        store = self.office()
        with store.transaction():
            return not store.holds_anything()

    def shared_secret(self) -> str:
        """The signing secret every server process shares when SECRET_KEY is not set (made once)."""
        def kept(conn) -> str:
            conn.execute("INSERT INTO deployment (key, value) VALUES ('secret_key', %s) ON CONFLICT DO NOTHING",
                         (secrets.token_urlsafe(48),))
            return conn.execute("SELECT value FROM deployment WHERE key = 'secret_key'").fetchone()[0]
        return self.connections.using(kept)

    def rate_counter(self) -> PgRateCounter:
        return self._rates

    def cluster_job(self, name: str):
        return self._jobs.run(name)

    # -- health, closing -----------------------------------------------------------------------------

    def health(self) -> dict:
        return health(self.connections)

    def close(self) -> None:
        """Let go of every connection; the next transaction opens a pool again."""
        self._jobs.close()
        self.connections.close()


def _office(row) -> Office:
    return Office(slug=row[1], name=row[2], name_en=row[3], phone=row[4], created_at=row[5])


def check_database(url: str) -> None:
    """At start: the database answers and its schema is the code's, or one line that says what to do."""
    conn = connect_or_exit(url)
    try:
        at = revision_on(conn)
        bypasses = conn.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user").fetchone()
    finally:
        conn.close()
    state = describe(at)
    if state == "behind":
        where = f"at revision {at}" if at else "empty (no migration has run)"
        raise DatabaseUnusable(f"madoguchi: the database is {where}; this code needs revision {HEAD}. "
                               f"Run `flask --app app db upgrade` (as the schema's owner) first.")
    if state == "ahead":
        log.warning("the database is at revision %s, newer than this code's %s", at, HEAD)
    if bypasses and bypasses[0]:
        log.warning("DATABASE_URL connects as a role that bypasses row-level security; use the app role (README)")
