"""Rate-limit counters shared by every server process: the calls of the window, one row per key.

Each hit is one UPSERT in its own short transaction (autocommit, outside any unit of work): the
row lock makes the hits of one key take turns, so the count is exact across processes, as
TinyDB's in-memory window is in its one process. Keys idle past their window are pruned now and then.
"""
import time
from datetime import datetime, timedelta


HIT = """
INSERT INTO rate_counts AS r (key, hits, allowed, expires_at)
VALUES (%(key)s, ARRAY[%(now)s::timestamptz], true, %(expires)s)
ON CONFLICT (key) DO UPDATE SET
    hits = ARRAY(SELECT h FROM unnest(r.hits) AS h WHERE h > %(since)s ORDER BY h)
           || CASE WHEN (SELECT count(*) FROM unnest(r.hits) AS h WHERE h > %(since)s) < %(limit)s
                   THEN ARRAY[%(now)s::timestamptz] ELSE '{}'::timestamptz[] END,
    allowed = (SELECT count(*) FROM unnest(r.hits) AS h WHERE h > %(since)s) < %(limit)s,
    expires_at = greatest(r.expires_at, EXCLUDED.expires_at)
RETURNING allowed
"""
PRUNE_EVERY = 60.0     # seconds between prunes, per process


class PgRateCounter:
    def __init__(self, connections):
        self.connections = connections
        self._next_prune = 0.0

    def hit(self, key: str, limit: int, window_seconds: float, now: datetime) -> bool:
        if limit <= 0:
            return False
        window = timedelta(seconds=window_seconds)

        def count(conn) -> bool:
            allowed = conn.execute(HIT, {"key": key, "now": now, "since": now - window, "limit": limit,
                                         "expires": now + window}).fetchone()[0]
            if time.monotonic() >= self._next_prune:
                self._next_prune = time.monotonic() + PRUNE_EVERY
                conn.execute("DELETE FROM rate_counts WHERE expires_at < %s", (now,))
            return allowed
        return self.connections.using(count)
