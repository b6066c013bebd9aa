"""psycopg's errors as the contract's: a lost race is TransactionConflict (the use case runs again), a
database that cannot be reached or answer is StorageUnavailable (a 503); anything else is a bug."""
import logging
from contextlib import contextmanager

import psycopg
from psycopg import errors as pg
from psycopg_pool import PoolClosed, PoolTimeout

from ..errors import StorageUnavailable, TransactionConflict

log = logging.getLogger("madoguchi.storage")

# Another transaction got there first: a unique key taken (the same booking ID, unit or reference),
# a serialization failure or deadlock, a lock we gave up waiting for.
LOST_RACE = (pg.UniqueViolation, pg.ExclusionViolation, pg.SerializationFailure, pg.DeadlockDetected,
             pg.LockNotAvailable)
# A CHECK that a concurrent booking can make fail (the retry sees the event full and says so).
RACY_CHECKS = {"events_seats_within_capacity"}
# The database is away, restarting, read-only, out of space or too slow: nothing was kept.
UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError, pg.ReadOnlySqlTransaction,
               pg.IdleInTransactionSessionTimeout, PoolTimeout, PoolClosed)


def translate(err: Exception) -> Exception | None:
    """The contract's error for a psycopg one, or None when it is a bug to let through."""
    if isinstance(err, LOST_RACE) or (isinstance(err, pg.CheckViolation) and err.diag.constraint_name in RACY_CHECKS):
        log.debug("transaction lost a race: %s", err)
        return TransactionConflict()
    if isinstance(err, UNAVAILABLE):
        log.warning("database unavailable: %s", str(err).strip() or type(err).__name__)
        return StorageUnavailable()
    return None


@contextmanager
def translated():
    try:
        yield
    except (psycopg.Error, PoolTimeout, PoolClosed) as err:
        mapped = translate(err)
        if mapped is None:
            raise
        raise mapped from err
