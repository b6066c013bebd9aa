"""Each server process keeps an office's rooms, closures, terms and rules, keyed by the office's
setup version: what another process (or psql) changes is seen at the next transaction; what is
rolled back is never seen; a change made behind the trigger's back is what shows that it is kept."""
from datetime import date

import pytest

from kiosk.services import office as office_service
from tests.factories import NOW
from tests.postgresql.conftest import as_app, as_superuser


def rooms_of(store) -> list[str]:
    with store.transaction():
        return [r.meeting_id for r in store.rooms()]


def test_a_room_added_by_another_process_is_seen_at_the_next_transaction(backends):
    here, there = backends().office(), backends().office()
    office_service.add_room(here, NOW, "test", "zoom", "845 0000 0001")
    assert rooms_of(there) == ["845 0000 0001"]
    office_service.add_room(here, NOW, "test", "teleoffice", "845 0000 0002")
    office_service.set_room_active(here, NOW, "test", "r2", False)
    with there.transaction():
        assert [(r.meeting_id, r.active) for r in there.rooms()] == [("845 0000 0001", True), ("845 0000 0002", False)]


def test_closures_rules_and_removals_move_the_version_too(backends):
    here, there = backends().office(), backends().office()
    with there.transaction():
        assert there.closures() == {} and there.rules() == {}
    with here.transaction():
        here.save_closure(date(2026, 12, 28), "年末")
        here.save_rules({"max_active_bookings": 2})
    with there.transaction():
        assert there.closures() == {date(2026, 12, 28): "年末"} and there.rules() == {"max_active_bookings": 2}
        there.rules()["max_active_bookings"] = 9     # the caller's copy, not the process's
        assert there.rules() == {"max_active_bookings": 2}
    with here.transaction():
        assert here.remove_closure(date(2026, 12, 28))
    with there.transaction():
        assert there.closures() == {}


def test_a_setup_change_rolled_back_is_never_seen_by_any_process(backends):
    here, there = backends().office(), backends().office()
    office_service.add_room(here, NOW, "test", "zoom", "845 0000 0001")
    with pytest.raises(RuntimeError), here.transaction():
        office_service.add_room(here, NOW, "test", "zoom", "845 0000 0002")
        assert len(here.rooms()) == 2           # its own change, read from the table
        raise RuntimeError("the use case fails after writing")
    office_service.add_room(there, NOW, "test", "zoom", "845 0000 0003")   # the next number, committed
    assert rooms_of(here) == rooms_of(there) == ["845 0000 0001", "845 0000 0003"]


def test_a_change_made_with_sql_is_seen_without_any_process_being_told(backends, database):
    store = backends().office()
    office_service.add_room(store, NOW, "test", "zoom", "845 0000 0001")
    assert rooms_of(store) == ["845 0000 0001"]
    with as_app(database, store.office_id) as conn:
        conn.execute("UPDATE rooms SET record = jsonb_set(record, '{meeting_id}', '\"845 9999 9999\"')")
    assert rooms_of(store) == ["845 9999 9999"]


def test_a_process_reads_the_rooms_once_per_setup_version(backends, database):
    """Changed behind the trigger's back (replica mode fires no trigger), the rows are not read again
    until the version moves: what the process kept is what it answers with."""
    store = backends().office()
    office_service.add_room(store, NOW, "test", "zoom", "845 0000 0001")
    assert rooms_of(store) == ["845 0000 0001"]
    with as_superuser(database) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("UPDATE rooms SET record = jsonb_set(record, '{meeting_id}', '\"845 9999 9999\"')")
    assert rooms_of(store) == ["845 0000 0001"]
    assert rooms_of(backends().office()) == ["845 9999 9999"]      # a process that starts now reads them
    office_service.add_room(store, NOW, "test", "zoom", "845 0000 0002")
    assert rooms_of(store) == ["845 9999 9999", "845 0000 0002"]


def test_each_office_has_its_own_version(backends):
    backend = backends()
    from kiosk.domain.offices import Office
    backend.save_office(Office("kobe", "ハローワーク神戸", "Hello Work Kobe", "078-000-0000", NOW))
    main, kobe = backend.office(), backend.office("kobe")
    office_service.add_room(main, NOW, "test", "zoom", "845 0000 0001")
    assert rooms_of(kobe) == [] and rooms_of(main) == ["845 0000 0001"]
    office_service.add_room(kobe, NOW, "test", "zoom", "845 0000 0002")
    assert rooms_of(main) == ["845 0000 0001"] and rooms_of(kobe) == ["845 0000 0002"]


def version_of(database, office_id: int) -> int:
    with as_app(database, office_id) as conn:
        return conn.execute("SELECT coalesce((SELECT version FROM setup_versions), 0)").fetchone()[0]


def test_after_waiting_for_the_days_lock_the_rooms_are_read_as_they_are_now(backends):
    """A reschedule reads the closures, waits for the day's lock, then picks a room: a room
    disabled by another process while it waited is not picked."""
    here, there = backends().office(), backends().office()
    office_service.add_room(here, NOW, "test", "zoom", "845 0000 0001")
    office_service.add_room(here, NOW, "test", "zoom", "845 0000 0002")
    assert rooms_of(here) == ["845 0000 0001", "845 0000 0002"]     # kept by this process
    with here.transaction():
        assert here.closures() == {}                      # the setup version is read here
        office_service.set_room_active(there, NOW, "test", "r1", False)
        here.lock_units(date(2026, 12, 3))
        assert [r.id for r in here.rooms() if r.active] == ["r2"]


def test_settings_other_than_the_rules_leave_the_version_alone(backends, database):
    store = backends().office()
    with store.transaction():
        store.save_rules({"max_active_bookings": 2})
    before = version_of(database, store.office_id)
    with store.transaction():
        store.set_meta("purged_before", "2026-11-01")
    assert version_of(database, store.office_id) == before
    with store.transaction():
        store.save_rules({"max_active_bookings": 3})
    assert version_of(database, store.office_id) > before


def test_a_number_rolled_back_is_never_given_again(backends, database):
    store = backends().office()
    with pytest.raises(RuntimeError), store.transaction():
        store.save_closure(date(2026, 12, 28), "年末")
        rolled_back = store._rows("SELECT version FROM setup_versions WHERE office_id = %s")[0][0]
        raise RuntimeError("the use case fails")
    with store.transaction():
        store.save_closure(date(2026, 12, 29), "年末")
    assert version_of(database, store.office_id) != rolled_back


def test_the_app_role_cannot_delete_an_offices_number(backends, database):
    import psycopg
    store = backends().office()
    office_service.add_room(store, NOW, "test", "zoom", "845 0000 0001")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), as_app(database, store.office_id) as conn:
        conn.execute("DELETE FROM setup_versions")
