"""Fixtures: a real data directory per test, the app, its clients, a live waitress server; a PostgreSQL
cluster for the run and a database per test that asks for one."""
import threading

import pytest
import waitress

from app import create_app
from kiosk.services import office as office_service
from tests.factories import NOW


class Clock:
    """A settable clock for the app; domain code gets `now` from it, nothing sleeps."""

    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "instance"


BACKENDS = ("tinydb", "postgresql")


def pytest_generate_tests(metafunc):
    """A module or test marked `both_backends` runs once on TinyDB and once on PostgreSQL."""
    if metafunc.definition.get_closest_marker("tinydb_only"):
        return                         # the test is about TinyDB's files themselves
    if metafunc.definition.get_closest_marker("both_backends") and "backend_kind" in metafunc.fixturenames:
        metafunc.parametrize("backend_kind", BACKENDS, indirect=True)


@pytest.fixture
def backend_kind(request):
    return getattr(request, "param", "tinydb")


@pytest.fixture
def backend_config(request, backend_kind) -> dict:
    """The settings that choose the app's backend: nothing for TinyDB, a fresh database otherwise."""
    if backend_kind == "postgresql":
        return {"DATABASE_URL": request.getfixturevalue("postgres_database").app_url}
    return {}


@pytest.fixture
def app(data_dir, clock, backend_config):
    # Tests post many bookings from one address; the rate limit has a test of its own.
    return create_app({"KIOSK_DATA_DIR": str(data_dir), "DEMO": False, "SECRET_KEY": "test-secret", "CLOCK": clock,
                       "RATE_LIMIT_BOOKINGS_PER_MINUTE": 0, **backend_config})


@pytest.fixture
def office(app):
    return app.extensions["madoguchi"]


@pytest.fixture
def store(office):
    return office.store


@pytest.fixture
def two_rooms(office):
    """Two Zoom rooms, counselors 佐藤 and 鈴木."""
    s = office.store
    return [office_service.add_room(s, NOW, "test", "zoom", "845 1111 0001", "佐藤"),
            office_service.add_room(s, NOW, "test", "zoom", "845 1111 0002", "鈴木")]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def live_server(app):
    """The real app behind waitress on a free port, in this process."""
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
    stopping = threading.Event()

    def serve():
        try:
            server.run()
        except (OSError, ValueError):
            if not stopping.is_set():  # only closing the socket under the loop is expected
                raise

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    stopping.set()
    server.task_dispatcher.shutdown()
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL cluster for the whole run, started when a test first needs it."""
    from tests.postgres import Cluster
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_database(postgres_cluster):
    """A fresh database at the newest migration (a copy of the cluster's template: milliseconds)."""
    database = postgres_cluster.create_database()
    yield database
    postgres_cluster.drop_database(database)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """The gettext catalogs compiled from the .po files, as `make` does before running."""
    from babel.messages.frontend import CommandLineInterface
    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", "translations"])
    CommandLineInterface().run(["pybabel", "-q", "compile", "-D", "staff", "-d", "translations"])
    from kiosk.i18n import clear_cache
    clear_cache()
