"""The connection pool: every server thread borrows a connection for one transaction at a time."""
import threading

import orjson
import psycopg
from psycopg.types.json import set_json_dumps, set_json_loads
from psycopg_pool import ConnectionPool

from ..errors import DatabaseUnusable
from .errors import translated

CONNECT_TIMEOUT = 5       # seconds to reach the database when a connection is made
POOL_TIMEOUT = 5.0        # seconds a transaction waits for a free connection before a 503
# Per session: Tokyo time; a lock waited for 10 s is a lost race (retried); a runaway statement
# or a transaction left open ends instead of holding its locks.
SESSION = {"TimeZone": "Asia/Tokyo", "lock_timeout": "10s", "statement_timeout": "30s",
           "idle_in_transaction_session_timeout": "60s"}


def _configure(conn: psycopg.Connection) -> None:
    set_json_dumps(orjson.dumps, conn)
    set_json_loads(orjson.loads, conn)
    conn.execute("SELECT " + ", ".join("set_config(%s, %s, false)" for _ in SESSION),
                 [v for item in SESSION.items() for v in item])


def connect(url: str) -> psycopg.Connection:
    """A connection of its own (start-up checks, cluster jobs), configured as the pool's are."""
    conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, application_name="madoguchi")
    _configure(conn)
    return conn


def connect_or_exit(url: str) -> psycopg.Connection:
    """At start: a connection, or one clear line saying why there is none."""
    try:
        return connect(url)
    except psycopg.OperationalError as err:
        raise DatabaseUnusable(f"madoguchi: cannot reach the database ({first_line(err)}). "
                               f"Check DATABASE_URL and that PostgreSQL is running.") from None


class Connections:
    """The backend's pool, made at first use and made again after close(): as on TinyDB, a store
    that was closed opens again at its next transaction (a psycopg pool cannot be reopened)."""

    def __init__(self, url: str, max_size: int, timeout: float = POOL_TIMEOUT):
        self.url, self.max_size, self.timeout = url, max_size, timeout
        self._pool = None
        self._lock = threading.Lock()

    def pool(self) -> ConnectionPool:
        pool = self._pool
        if pool is None:
            with self._lock:
                if self._pool is None:
                    self._pool = ConnectionPool(
                        self.url, min_size=min(2, self.max_size), max_size=self.max_size, timeout=self.timeout,
                        open=False, name="madoguchi", configure=_configure, max_idle=300, reconnect_timeout=60,
                        kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT, "application_name": "madoguchi"})
                    self._pool.open(wait=False)
                pool = self._pool
        return pool

    def using(self, work):
        """`work(conn)` on a pooled connection, outside any transaction (autocommit). A connection the
        server closed while it sat in the pool is swapped for another (work here is safe to repeat)."""
        for attempt in range(self.max_size + 1):
            with translated(), self.pool().connection() as conn:
                try:
                    return work(conn)
                except psycopg.OperationalError:
                    if not conn.broken or attempt == self.max_size:
                        raise

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()


def first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
