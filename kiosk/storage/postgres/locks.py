"""Advisory locks: per-transaction ones keyed (office, what), and cluster jobs that run in one process.

PostgreSQL keeps two key spaces apart: (int4, int4) keys, used for (office, units or visitor) inside
transactions, and int8 keys, used for jobs (held by a session). Keys are hashes of names, the same
in every process (blake2b, not Python's salted hash).
"""
import hashlib
import logging
import threading
from contextlib import contextmanager

import psycopg

from ..errors import StorageUnavailable
from .pool import connect

log = logging.getLogger("madoguchi.storage")


def lock_key(name: str) -> int:
    """A signed 32-bit key for `name` (paired with the office's ID)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "big", signed=True)


def job_key(name: str) -> int:
    """A signed 64-bit key for a cluster job's name."""
    return int.from_bytes(hashlib.blake2b(f"job {name}".encode(), digest_size=8).digest(), "big", signed=True)


class ClusterJobs:
    """Session advisory locks on a connection of their own (not the pool's: a session lock must stay
    with the job, and it goes when the connection does, so a process that dies frees its jobs)."""

    def __init__(self, url: str):
        self.url = url
        self._conn = None
        self._held = set()
        self._lock = threading.Lock()

    @contextmanager
    def run(self, name: str):
        key = job_key(name)
        with self._lock:
            got = key not in self._held and self._call("SELECT pg_try_advisory_lock(%s)", key)
            if got:
                self._held.add(key)
        try:
            yield got
        finally:
            if got:
                with self._lock:
                    self._held.discard(key)
                    try:
                        self._call("SELECT pg_advisory_unlock(%s)", key)
                    except StorageUnavailable:
                        pass    # the connection is gone, and the lock with it

    def _call(self, sql: str, key: int) -> bool:
        try:
            if self._conn is None or self._conn.closed:
                self._conn = connect(self.url)
            return self._conn.execute(sql, (key,)).fetchone()[0]
        except psycopg.Error as err:
            log.warning("cluster job lock: %s", str(err).strip())
            self.close()
            raise StorageUnavailable() from None

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                pass
            self._conn = None
