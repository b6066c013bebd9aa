"""The unit of work on PostgreSQL: one pooled connection per thread for the length of a transaction.

`transaction()` borrows a connection, BEGINs (READ COMMITTED) and names the office for row-level
security with `set_config('madoguchi.office', id, true)`, local to the transaction, in one round
trip; it COMMITs at the end, or ROLLs BACK on any exception. A transaction opened inside another one
is a SAVEPOINT, released at its end or rolled back to on an exception. A connection the server
closed while it sat in the pool fails at BEGIN, before anything was done: it is dropped and the next
one tried, so a database restart costs no request an error.

Lost updates. Under READ COMMITTED two transactions may read the same record and both write it.
So each transaction remembers the version of every record it read (0: looked up and absent), and
writing such a record is conditional on it: an UPDATE ... WHERE version = v, or a plain INSERT
where the record was absent. Another transaction's write in between makes ours a TransactionConflict,
and the use case runs again on fresh data. A record written without being read is upserted.
"""
import threading
from contextlib import contextmanager

import psycopg

from ..errors import StorageUnavailable
from .errors import translated

SET_OFFICE = "SELECT set_config('madoguchi.office', %s, true)"


class Tx:
    __slots__ = ("pool", "conn", "office_id", "versions", "statements", "depth", "setup_versions", "setup_written")

    def __init__(self, pool, conn, office_id: int):
        self.pool = pool       # the psycopg pool the connection goes back to
        self.conn = conn
        self.office_id = office_id
        self.versions = {}     # (table, key) -> the version read or written (0: absent)
        self.statements = 0    # statements run so far (lock_visitor asks whether any read came first)
        self.depth = 0         # savepoints open
        self.setup_versions = {}     # office -> its setup version, read at its first setup read (setup.py)
        self.setup_written = set()   # offices whose setup changed here: their reads go to the tables


class Transactions:
    """The thread's open transaction on one backend's pool."""

    def __init__(self, connections):
        self.connections = connections
        self._local = threading.local()

    def current(self) -> Tx | None:
        return getattr(self._local, "tx", None)

    @contextmanager
    def transaction(self, office_id: int):
        tx = self.current()
        if tx is not None:
            with self._savepoint(tx, office_id):
                yield
            return
        pool = self.connections.pool()
        tx = self._local.tx = Tx(pool, self._begin(pool, office_id), office_id)
        try:
            try:
                yield
            except BaseException:
                self._finish(tx.conn, "ROLLBACK")
                raise
            with translated():
                tx.conn.execute("COMMIT")
        finally:
            self._local.tx = None
            pool.putconn(tx.conn)

    @staticmethod
    def _begin(pool, office_id: int):
        for attempt in range(pool.max_size + 1):
            with translated():
                conn = pool.getconn()
            try:
                with translated():
                    conn.execute(f"BEGIN; SELECT set_config('madoguchi.office', '{int(office_id)}', true)")
                return conn
            except StorageUnavailable:
                pool.putconn(conn)         # a broken one: the pool lets it go and makes another
                if not conn.broken or attempt == pool.max_size:
                    raise

    @staticmethod
    def _finish(conn, statement: str) -> None:
        try:
            conn.execute(statement)
        except psycopg.Error:
            pass    # the connection broke: the server rolls back, the pool drops it

    @contextmanager
    def _savepoint(self, tx: Tx, office_id: int):
        versions, outer = dict(tx.versions), tx.office_id
        tx.depth += 1
        name = f"s{tx.depth}"
        try:
            with translated():
                tx.conn.execute(f"SAVEPOINT {name}")
            self._office(tx, office_id)
            try:
                yield
            except BaseException:
                self._finish(tx.conn, f"ROLLBACK TO SAVEPOINT {name}")
                tx.versions, tx.office_id = versions, outer   # the rollback undid both
                raise
            with translated():
                tx.conn.execute(f"RELEASE SAVEPOINT {name}")
            self._office(tx, outer)
        finally:
            tx.depth -= 1

    @staticmethod
    def _office(tx: Tx, office_id: int) -> None:
        if tx.office_id != office_id:
            tx.conn.execute(SET_OFFICE, (str(office_id),))
            tx.office_id = office_id

    def open(self, office_id: int) -> Tx:
        """The thread's transaction, set to `office_id` (one office's store used inside another's)."""
        tx = self.current()
        if tx is None:
            raise RuntimeError("storage access outside a transaction")
        self._office(tx, office_id)
        return tx

    def rows(self, office_id: int, sql: str, params=()) -> list[tuple]:
        tx = self.open(office_id)
        tx.statements += 1
        with translated():
            cursor = tx.conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def one(self, office_id: int, sql: str, params=()) -> tuple | None:
        found = self.rows(office_id, sql, params)
        return found[0] if found else None

    def count(self, office_id: int, sql: str, params=()) -> int:
        """Run a write; how many rows it touched."""
        tx = self.open(office_id)
        tx.statements += 1
        with translated():
            return tx.conn.execute(sql, params).rowcount
