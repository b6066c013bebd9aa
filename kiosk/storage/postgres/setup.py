"""What a server process keeps of each office's setup: its rooms, closures, terms and rules.

Every booking reads them and they change a few times a year, so a process keeps what it read,
keyed by the office's setup version (migration 0002: a trigger moves the number with any change to
those tables, in the change's own transaction). A transaction reads the number once, at its first
setup read, and takes what the process holds for it or reads the rows and keeps them for the next.

Why this is the database's answer, not an older one. Committed numbers name committed setups one
to one: the number moves only with a change, two changes take turns on its row, and a change rolled
back takes its number with it. A transaction that changed setup itself neither uses nor fills
what is kept (it must see its own, uncommitted rows). Rows read after the number may be newer than
it, never older: kept under the older number they are still what the database held at that moment,
as a READ COMMITTED read of the tables would have given.
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
