"""Row-level security is a second line of isolation: the app role, with one office set, sees and
writes that office's rows only, whatever its queries say."""
import psycopg
import pytest
from psycopg import errors

from kiosk.domain.offices import Office
from kiosk.domain.rooms import Room
from kiosk.storage.postgres.schema import OFFICE_TABLES
from tests.factories import NOW, make_booking
from tests.postgresql.conftest import as_app


@pytest.fixture
def two_offices(backend):
    """Itami (the default office) and Kobe, each with a room, a booking and an audit line."""
    backend.save_office(Office("kobe", "ハローワーク神戸", "Hello Work Kobe", created_at=NOW))
    stores = [backend.office(), backend.office("kobe")]
    for n, store in enumerate(stores):
        with store.transaction():
            store.save_room(Room(f"r{n}", "zoom", f"845 0000 000{n}"))
            store.save_booking(make_booking(booking_id=f"b-{n}", room=f"r{n}", reference=f"REF00{n}"))
            store.set_meta("seeded", "yes")
            store.audit(NOW, "test", "room.add", room=f"r{n}")
    return [s.office_id for s in stores]


def test_the_app_role_with_office_a_set_sees_no_row_of_office_b(database, two_offices):
    a, b = two_offices
    with as_app(database, a) as conn:
        for table in ("bookings", "rooms", "meta", "audit_log", "audit_heads"):
            offices = {row[0] for row in conn.execute(f"SELECT office_id FROM {table}")}
            assert offices == {a}, table
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE office_id = %s", (b,)).fetchone()[0] == 0


def test_the_app_role_cannot_write_a_row_for_another_office(database, two_offices):
    a, b = two_offices
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        with as_app(database, a) as conn:
            conn.execute("INSERT INTO rooms (office_id, id, record) VALUES (%s, 'r9', '{}')", (b,))
    with as_app(database, a) as conn:
        assert conn.execute("UPDATE rooms SET record = '{}' WHERE office_id = %s", (b,)).rowcount == 0
        assert conn.execute("DELETE FROM bookings WHERE office_id = %s", (b,)).rowcount == 0


def test_the_app_role_without_an_office_set_sees_nothing(database, two_offices):
    with as_app(database, None) as conn:
        assert all(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0 for t in OFFICE_TABLES)


def test_every_table_with_an_office_column_forces_row_level_security(database, backend):
    with psycopg.connect(database.owner_url) as conn:
        scoped = {row[0] for row in conn.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'office_id' "
            "AND table_schema = current_schema()")}
        forced = {row[0] for row in conn.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity AND relkind = 'r'")}
    assert scoped == set(OFFICE_TABLES) and scoped <= forced


def test_the_app_role_can_neither_rewrite_nor_remove_an_audit_line(database, two_offices):
    a, _ = two_offices
    for statement in ("UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log"):
        with pytest.raises(errors.InsufficientPrivilege), as_app(database, a) as conn:
            conn.execute(statement)


def test_the_app_role_cannot_change_the_schema(database, backend):
    for statement in ("CREATE TABLE notes (x int)", "DROP TABLE bookings",
                      "ALTER TABLE bookings DISABLE ROW LEVEL SECURITY"):
        with pytest.raises(errors.InsufficientPrivilege), as_app(database, None) as conn:
            conn.execute(statement)
