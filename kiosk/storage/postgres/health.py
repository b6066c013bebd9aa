"""What the PostgreSQL backend reports to /healthz: the pool, whether the database answers, whether
its schema is the code's. Never waits long: a connection within a second, a statement within two."""
import psycopg
from psycopg_pool import PoolTimeout

from .migrate import describe, revision_on
from .pool import first_line

WAIT = 1.0


def health(connections) -> dict:
    pool = connections.pool()
    stats = pool.get_stats()
    report = {"backend": "postgresql", "healthy": False,
              "pool": {"size": stats.get("pool_size", 0), "available": stats.get("pool_available", 0),
                       "max": stats.get("pool_max", 0), "waiting": stats.get("requests_waiting", 0)},
              "database": "unknown", "migrations": "unknown"}
    try:
        with pool.connection(timeout=WAIT) as conn, conn.transaction():
            conn.execute("SET LOCAL statement_timeout = '2s'")
            report["migrations"] = describe(revision_on(conn))
        report["database"] = "reachable"
    except PoolTimeout:
        busy = report["pool"]["size"] >= report["pool"]["max"] and not report["pool"]["available"]
        report["state"] = "pool-exhausted" if busy else "unreachable"
        report["database"] = "busy" if busy else "unreachable"
        return report
    except psycopg.Error as err:
        report.update(state="unreachable", database="unreachable", last_error=first_line(err))
        return report
    behind = report["migrations"] == "behind"
    report.update(healthy=not behind, state="migrations-behind" if behind else "ok")
    return report
