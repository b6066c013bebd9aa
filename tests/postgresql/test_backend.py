"""The backend as several server processes share it: offices, rate limits, jobs that run once,
races across processes, health, and a database that goes away and comes back."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from psycopg import sql

from kiosk.config import Settings
from kiosk.domain.decisions import Asker
from kiosk.domain.errors import SlotFull
from kiosk.domain.offices import Office
from kiosk.domain.policy import Policy
from kiosk.services import office as office_service
from kiosk.services.bookings import Context, create_booking
from kiosk.storage import OfficeUnknown, StorageUnavailable
from kiosk.storage.postgres import PostgresBackend
from tests.factories import NOW, make_payload
from tests.postgresql.conftest import as_superuser

CTX = Context(Policy.from_settings(Settings()), "pg", "http://office.test", Asker())


def test_the_default_office_is_there_unregistered_and_other_offices_once_saved(backend):
    assert [o.slug for o in backend.offices()] == ["main"]
    with pytest.raises(OfficeUnknown):
        backend.office("kobe")
    backend.save_office(Office("kobe", "ハローワーク神戸", "Hello Work Kobe", "078-000-0000", NOW))
    assert [(o.slug, o.name) for o in backend.offices()] == [("kobe", "ハローワーク神戸"), ("main", "ハローワーク伊丹")]
    assert backend.office("kobe").office == Office("kobe", "ハローワーク神戸", "Hello Work Kobe", "078-000-0000", NOW)
    assert backend.office("kobe").office_id != backend.office().office_id


def test_a_fresh_database_is_new_until_something_is_stored(backend):
    assert backend.is_new()
    office_service.add_room(backend.office(), NOW, "test", "zoom", "845 0000 0001")
    assert not backend.is_new()


def test_every_process_signs_with_the_same_secret(backends):
    assert backends().shared_secret() == backends().shared_secret()


def test_rate_limits_count_the_calls_of_every_process(backends):
    first, second = backends().rate_counter(), backends().rate_counter()
    assert [first.hit("booking:10.0.0.1", 3, 60, NOW), second.hit("booking:10.0.0.1", 3, 60, NOW),
            first.hit("booking:10.0.0.1", 3, 60, NOW), second.hit("booking:10.0.0.1", 3, 60, NOW)] == \
        [True, True, True, False]
    assert second.hit("booking:10.0.0.2", 3, 60, NOW)                        # another key
    assert first.hit("booking:10.0.0.1", 3, 60, NOW + timedelta(seconds=61))  # the window moved on


def test_a_cluster_job_runs_in_one_process_at_a_time(backends):
    first, second = backends(), backends()
    with first.cluster_job("sweep:main") as mine:
        with second.cluster_job("sweep:main") as theirs, second.cluster_job("purge:main") as other_job:
            assert (mine, theirs, other_job) == (True, False, True)
        with first.cluster_job("sweep:main") as again:
            assert not again                                     # not twice at once in one process either
    with second.cluster_job("sweep:main") as theirs:
        assert theirs


def test_two_processes_racing_for_the_last_unit_book_it_once(backends):
    stores = [backends().office(), backends().office()]
    office_service.add_room(stores[0], NOW, "test", "zoom", "845 0000 0001")
    barrier = threading.Barrier(20)

    def attempt(i):
        barrier.wait()
        try:
            return create_booking(stores[i % 2], CTX, make_payload(jobseeker_no=f"28010-{i:05d}"), NOW)[0]
        except SlotFull:
            return None

    with ThreadPoolExecutor(20) as pool:
        won = [b for b in pool.map(attempt, range(20)) if b is not None]
    assert len(won) == 1


def test_the_same_booking_sent_to_two_processes_at_once_is_made_once(backends):
    stores = [backends().office(), backends().office()]
    office_service.add_room(stores[0], NOW, "test", "zoom", "845 0000 0001")
    payload = make_payload()
    barrier = threading.Barrier(10)

    def attempt(i):
        barrier.wait()
        return create_booking(stores[i % 2], CTX, payload, NOW)

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(attempt, range(10)))
    assert sum(created for _, created in answers) == 1
    assert len({b.reference for b, _ in answers}) == 1


def test_health_reports_the_pool_the_database_and_the_migrations(backend):
    report = backend.health()
    assert report["backend"] == "postgresql" and report["healthy"] and report["state"] == "ok"
    assert (report["database"], report["migrations"]) == ("reachable", "current")
    assert report["pool"]["max"] == Settings().THREADS + 4


def _refuse_connections(database, allowed: bool) -> None:
    with as_superuser(database, elsewhere=True) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
            sql.Identifier(database.name), sql.SQL("true" if allowed else "false")))
        if not allowed:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                         (database.name,))


def test_a_database_that_goes_away_is_a_503_and_health_says_so_until_it_is_back(database):
    from tests.postgresql.conftest import settings_for
    from kiosk.storage import default_office
    backend = PostgresBackend(database.app_url, default_office(settings_for(database)), pool_timeout=0.5)
    try:
        store = backend.office()
        _refuse_connections(database, allowed=False)
        with pytest.raises(StorageUnavailable), store.transaction():
            store.rooms()
        report = backend.health()
        assert not report["healthy"] and report["database"] == "unreachable"
        _refuse_connections(database, allowed=True)
        deadline = time.monotonic() + 20     # the pool reconnects by itself, backing off meanwhile
        while True:
            try:
                with store.transaction():
                    assert store.rooms() == []
                break
            except StorageUnavailable:
                assert time.monotonic() < deadline
        assert backend.health()["healthy"]
    finally:
        _refuse_connections(database, allowed=True)
        backend.close()


def test_connections_the_database_dropped_are_replaced_without_an_error(database, backend, store):
    with store.transaction():
        store.rooms()
    backend.rate_counter().hit("booking:10.0.0.1", 5, 60, NOW)
    with as_superuser(database, elsewhere=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (database.name,))
    started = time.monotonic()
    for _ in range(3):
        with store.transaction():
            assert store.rooms() == []
    assert backend.rate_counter().hit("booking:10.0.0.1", 5, 60, NOW) and [o.slug for o in backend.offices()] == ["main"]
    assert time.monotonic() - started < 1.0


def test_the_same_kiosk_op_applied_by_two_processes_at_once_is_applied_once_and_never_refused(backends):
    from kiosk.services import kiosks as kiosk_service
    from kiosk.services.sync import apply_op

    stores = [backends().office(), backends().office()]
    office_service.add_room(stores[0], NOW, "test", "zoom", "845 0000 0001")
    code = kiosk_service.enroll(stores[0], NOW, "test", "入口")["code"]
    kiosk = kiosk_service.authenticate(stores[0], kiosk_service.exchange_code(stores[0], NOW, code)["token"])
    op = {"op_id": "op-000001", "seq": 1, "type": "booking.create", "created_at": NOW.isoformat(),
          "payload": make_payload()}
    barrier = threading.Barrier(8)

    def deliver(i):
        barrier.wait()
        return apply_op(stores[i % 2], CTX, kiosk, op, NOW, 0, lambda err, lang: err.code)

    for _ in range(3):      # a lost race is rare per try: give it a few
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(deliver, range(8)))
        assert {a["status"] for a in answers} <= {"applied", "duplicate"}, answers
        assert len({a["result"]["booking_id"] for a in answers}) == 1
    with stores[0].transaction():
        assert stores[0].dead_letters() == []
