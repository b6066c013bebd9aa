"""The storage contract suite runs against every backend: each test gets a fresh one (a new data
directory, or a new database of the session's PostgreSQL cluster)."""
import pytest

from kiosk.config import load_settings
from kiosk.storage import open_backend

BACKENDS = ["tinydb", "postgresql"]


class Opened:
    """A backend the test can close and open again on the same data (a restart)."""

    def __init__(self, settings):
        self.settings = settings
        self.backend = open_backend(settings)

    def reopen(self):
        self.backend.close()
        self.backend = open_backend(self.settings)
        return self.backend.office()

    def close(self):
        self.backend.close()


def backend_settings(request, kind: str, folder):
    """Settings for a fresh store of `kind` (the database, if any, dropped when the test ends)."""
    overrides = {"KIOSK_DATA_DIR": str(folder), "DEMO": False, "SECRET_KEY": "contract"}
    if kind == "postgresql":
        overrides["DATABASE_URL"] = request.getfixturevalue("postgres_database").app_url
    return load_settings(overrides, environ={})


@pytest.fixture(params=BACKENDS)
def opened(request, tmp_path):
    handle = Opened(backend_settings(request, request.param, tmp_path / "data"))
    yield handle
    handle.close()


@pytest.fixture
def backend(opened):
    return opened.backend


@pytest.fixture
def store(backend):
    return backend.office()
