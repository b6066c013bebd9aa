"""Retrying a use case that lost a race (PostgreSQL: a serialization failure, a deadlock, or a
unique index that caught a double booking): the whole unit of work runs again, a few times, with
a little jitter; then the caller gets TransactionConflict (a 503 "busy, try again"), never a 500."""
import logging
import random
import time
from functools import wraps

from ..storage.errors import TransactionConflict

ATTEMPTS = 5
log = logging.getLogger("madoguchi.retry")


def retried(use_case):
    """For a service function whose first argument is the store. Inside another transaction it
    runs once: the outermost unit of work is the one that retries."""
    @wraps(use_case)
    def run(store, *args, **kwargs):
        if store.in_transaction():
            return use_case(store, *args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return use_case(store, *args, **kwargs)
            except TransactionConflict:
                if attempt == ATTEMPTS:
                    log.warning("%s lost its race %d times in a row: answered busy", use_case.__name__, ATTEMPTS)
                    raise
                time.sleep(random.uniform(0, 0.002 * 2 ** attempt))
    return run
