"""The schema itself keeps a unit to one booking, an event to its seats, an ID to one booking: raw
INSERTs that bypass every check of the application are refused, and the store turns the refusal of
one of its own writes into a TransactionConflict (the use case runs again and decides afresh)."""
from dataclasses import replace
from datetime import timedelta

import orjson
import pytest
from psycopg import errors
from psycopg.types.json import Jsonb

from kiosk.domain.events import Event
from kiosk.storage import TransactionConflict
from tests.factories import NOW, make_booking
from tests.postgresql.conftest import as_app

START = make_booking().start


def insert_booking(conn, office_id, booking_id, *, room="r1", status="confirmed", event_id=None, reference=None):
    """A booking row written straight into the table, as no code of ours would."""
    record = make_booking(booking_id=booking_id, room=room, status=status, event_id=event_id).to_record()
    conn.execute("INSERT INTO bookings (office_id, booking_id, start, room, status, event_id, reference, record) "
                 "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                 (office_id, booking_id, START, room, status, event_id, reference, Jsonb(record, dumps=orjson.dumps)))


def test_the_schema_refuses_a_second_active_booking_on_one_unit(database, store):
    with as_app(database, store.office_id) as conn:
        insert_booking(conn, store.office_id, "b-1")
        insert_booking(conn, store.office_id, "b-2", status="cancelled")     # a cancelled one holds nothing
        insert_booking(conn, store.office_id, "b-3", room="r2")
    with pytest.raises(errors.UniqueViolation, match="bookings_one_per_unit"), as_app(database, store.office_id) as conn:
        insert_booking(conn, store.office_id, "b-4")
    with pytest.raises(errors.UniqueViolation, match="bookings_one_per_unit"), as_app(database, store.office_id) as conn:
        conn.execute("UPDATE bookings SET status = 'confirmed' WHERE booking_id = 'b-2'")


def test_the_schema_refuses_an_event_seat_over_capacity(database, store):
    event = Event("ev-1", "seminar", "セミナー", START, START + timedelta(hours=1), 1, "zoom", "845 0000 1111")
    with store.transaction():
        store.save_event(event)
    with as_app(database, store.office_id) as conn:
        insert_booking(conn, store.office_id, "b-1", room=None, event_id="ev-1")
    with pytest.raises(errors.CheckViolation, match="events_seats_within_capacity"), \
            as_app(database, store.office_id) as conn:
        insert_booking(conn, store.office_id, "b-2", room=None, event_id="ev-1")
    with as_app(database, store.office_id) as conn:
        conn.execute("UPDATE bookings SET status = 'cancelled' WHERE booking_id = 'b-1'")   # frees the seat
        insert_booking(conn, store.office_id, "b-2", room=None, event_id="ev-1")
        assert conn.execute("SELECT seats_taken FROM events WHERE id = 'ev-1'").fetchone()[0] == 1


def test_an_event_saved_after_its_bookings_counts_their_seats(database, store):
    event = Event("ev-1", "seminar", "セミナー", START, START + timedelta(hours=1), 1, "zoom", "845 0000 1111")
    with store.transaction():
        store.save_booking(make_booking(booking_id="b-1", service="event", room=None, event_id="ev-1"))
        store.save_event(event)
        store.save_event(replace(event, title="新しい題"))
    with pytest.raises(TransactionConflict), store.transaction():
        store.save_booking(make_booking(booking_id="b-2", service="event", room=None, event_id="ev-1"))


def test_a_booking_id_and_a_reference_are_one_booking_each_per_office(database, store):
    with as_app(database, store.office_id) as conn:
        insert_booking(conn, store.office_id, "b-1", reference="ABC234")
    with pytest.raises(errors.UniqueViolation), as_app(database, store.office_id) as conn:
        insert_booking(conn, store.office_id, "b-1", room="r2")
    with pytest.raises(errors.UniqueViolation, match="bookings_reference"), as_app(database, store.office_id) as conn:
        insert_booking(conn, store.office_id, "b-2", room="r2", reference="ABC234")


def test_a_unit_taken_behind_the_stores_back_makes_its_write_a_conflict(database, store):
    with as_app(database, store.office_id) as conn:
        insert_booking(conn, store.office_id, "b-1")
    with pytest.raises(TransactionConflict), store.transaction():
        store.save_booking(make_booking(booking_id="b-2"))
    with store.transaction():
        assert [b.booking_id for b in store.bookings_starting(START)] == ["b-1"]


def test_a_booking_changed_by_another_process_since_it_was_read_is_not_overwritten(backends):
    mine, theirs = backends().office(), backends().office()
    booking = make_booking(booking_id="b-1")
    with mine.transaction():
        mine.save_booking(booking)
    with pytest.raises(TransactionConflict), mine.transaction():
        read = mine.booking("b-1")
        with theirs.transaction():
            theirs.save_booking(theirs.booking("b-1").cancel(NOW, "staff"))
        mine.save_booking(read.mark_no_show(NOW, "sweeper"))
    with mine.transaction():
        assert mine.booking("b-1").status == "cancelled"


def test_a_booking_looked_up_as_absent_and_then_made_by_another_process_is_not_overwritten(backends):
    mine, theirs = backends().office(), backends().office()
    with pytest.raises(TransactionConflict), mine.transaction():
        assert mine.booking("b-1") is None
        with theirs.transaction():
            theirs.save_booking(make_booking(booking_id="b-1", name="先の人"))
        mine.save_booking(make_booking(booking_id="b-1", name="後の人", room="r2"))
    with mine.transaction():
        assert mine.booking("b-1").name == "先の人"
