"""What a server process keeps of each office's setup: its rooms, closures, terms and rules.

Every booking reads them and they change a few times a year, so a process keeps what it read,
keyed by the office's setup version (migration 0002: a trigger gives the office a new number from
a sequence with any change to those tables, in the change's own transaction). A transaction reads
the number once, at its first setup read, and takes what the process holds for it or reads the
rows and keeps them for the next.

Why this is the database's answer, not an older one. A sequence never gives a number twice, so
a committed number names one committed setup: a change rolled back takes a number nobody else
will commit, and two changes take turns on the office's row. A transaction that changed setup
itself neither uses nor fills what is kept (it must see its own, uncommitted rows). Rows read
after the number may be newer than it, never older: kept under the older number they are still
what the database held at that moment, as a READ COMMITTED read of the tables would have given.
After waiting for the day's units lock a transaction reads the number again
(office_store.lock_units), as it would read the tables again.

What a process keeps it hands to every thread that asks: rooms and terms are frozen records,
closures are read into a new dict, and `rules()` hands out a copy; callers only read them.
"""
import threading

SETUP_TABLES = frozenset({"rooms", "closures", "terms", "meta"})
VERSION = "SELECT coalesce((SELECT version FROM setup_versions WHERE office_id = %s), 0)"


class SetupCache:
    """office -> (setup version, {query: rows as read}); one per backend, shared by its threads."""

    def __init__(self):
        self._kept = {}
        self._lock = threading.Lock()

    def rows(self, office_id: int, version: int, query: tuple, read):
        """The rows of `query` at `version`: kept ones, or `read()` and kept."""
        kept_version, kept = self._kept.get(office_id, (None, None))
        if kept_version == version and query in kept:
            return kept[query]
        found = read()
        with self._lock:
            kept_version, kept = self._kept.get(office_id, (None, None))
            if kept_version != version:         # (any other number: a database restored may go back)
                kept = {}
                self._kept[office_id] = (version, kept)
            kept[query] = found
        return found
