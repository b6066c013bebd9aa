"""PostgreSQL-only tests: a fresh database each, the backend on it, and raw connections as its roles."""
from contextlib import contextmanager
from dataclasses import replace

import psycopg
import pytest

from kiosk.config import load_settings
from kiosk.storage import open_backend


def settings_for(database, **overrides):
    return load_settings({"DATABASE_URL": database.app_url, "DATABASE_OWNER_URL": database.owner_url,
                          "DEMO": False, "SECRET_KEY": "pg", **overrides}, environ={})


@pytest.fixture
def database(postgres_database):
    return postgres_database


@pytest.fixture
def backends(database):
    """Open as many backends on the database as a test wants (each one a server process's)."""
    opened = []

    def open_one(**overrides):
        opened.append(open_backend(settings_for(database, **overrides)))
        return opened[-1]
    yield open_one
    for backend in opened:
        backend.close()


@pytest.fixture
def backend(backends):
    return backends()


@pytest.fixture
def store(backend):
    return backend.office()


@contextmanager
def as_app(database, office_id: int | None):
    """A raw transaction as the app role with `office_id` set (None: no office), bypassing the store."""
    with psycopg.connect(database.app_url, autocommit=True) as conn, conn.transaction():
        if office_id is not None:
            conn.execute("SELECT set_config('madoguchi.office', %s, true)", (str(office_id),))
        yield conn


@contextmanager
def as_superuser(database, elsewhere: bool = False):
    """A raw connection that row-level security does not apply to (someone with the database's keys);
    `elsewhere`: to the cluster's `postgres` database instead (to change this one from outside)."""
    url = replace(database, name="postgres").superuser_url if elsewhere else database.superuser_url
    with psycopg.connect(url, autocommit=True) as conn:
        yield conn
