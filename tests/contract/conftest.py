"""The storage contract suite runs against every backend: each test gets a fresh one."""
import pytest

from kiosk.config import load_settings
from kiosk.storage import open_backend

BACKENDS = ["tinydb"]


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


@pytest.fixture(params=BACKENDS)
def opened(request, tmp_path):
    settings = load_settings({"KIOSK_DATA_DIR": str(tmp_path / "data"), "DEMO": False, "SECRET_KEY": "contract"},
                             environ={})
    handle = Opened(settings)
    yield handle
    handle.close()


@pytest.fixture
def backend(opened):
    return opened.backend


@pytest.fixture
def store(backend):
    return backend.office()
