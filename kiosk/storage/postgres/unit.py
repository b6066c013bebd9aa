"""The unit of work on PostgreSQL: one pooled connection per thread for the length of a transaction.

`transaction()` borrows a connection, BEGINs (READ COMMITTED) and names the office for row-level
security with `set_config('madoguchi.office', id, true)`, local to the transaction; it COMMITs at the
end, or ROLLs BACK on any exception. A transaction opened inside another one is a savepoint.

Lost updates. Under READ COMMITTED two transactions may read the same record and both write it.
So each transaction remembers the version of every record it read (0: looked up and absent), and
writing such a record is conditional on it: an UPDATE ... WHERE version = v, or a plain INSERT
where the record was absent. Another transaction's write in between makes ours a TransactionConflict,
and the use case runs again on fresh data. A record written without being read is upserted.
"""
import threading
from contextlib import contextmanager

from .errors import translated

SET_OFFICE = "SELECT set_config('madoguchi.office', %s, true)"


class Tx:
    __slots__ = ("conn", "office_id", "versions", "statements")

    def __init__(self, conn, office_id: int):
        self.conn = conn
        self.office_id = office_id
        self.versions = {}     # (table, key) -> the version read or written (0: absent)
        self.statements = 0    # statements run so far (lock_visitor asks whether any read came first)


class Transactions:
    """The thread's open transaction on one backend's pool."""

    def __init__(self, pool):
        self.pool = pool
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
        with translated():
            conn = self.pool.getconn()
        tx = self._local.tx = Tx(conn, office_id)
        try:
            with translated(), conn.transaction():
                conn.execute(SET_OFFICE, (str(office_id),))
                yield
        finally:
            self._local.tx = None
            self.pool.putconn(conn)

    @contextmanager
    def _savepoint(self, tx: Tx, office_id: int):
        versions, outer = dict(tx.versions), tx.office_id
        try:
            with translated(), tx.conn.transaction():
                self._office(tx, office_id)
                yield
        except BaseException:
            tx.versions, tx.office_id = versions, outer   # ROLLBACK TO SAVEPOINT undid both
            raise
        self._office(tx, outer)

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
