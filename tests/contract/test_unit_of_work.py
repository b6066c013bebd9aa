"""A transaction commits everything or nothing, its audit line included; nested ones are savepoints."""
import pytest

from kiosk.domain.rooms import Room
from tests.factories import NOW, make_booking


class Boom(Exception):
    pass


def test_an_exception_inside_a_transaction_leaves_the_store_as_it_was(store):
    with pytest.raises(Boom), store.transaction():
        store.save_booking(make_booking(booking_id="b-1"))
        store.save_room(Room("r1", "zoom", "845 0000 0001"))
        raise Boom()
    with store.transaction():
        assert store.booking("b-1") is None and store.rooms() == [] and store.booking_days() == []
        assert store.bookings_on(make_booking().start.date()) == []


def test_an_exception_after_an_audited_write_keeps_neither_the_change_nor_its_audit_line(store):
    with store.transaction():
        store.save_booking(make_booking(booking_id="b-1"))
        store.audit(NOW, "staff:a", "booking.create", booking_id="b-1")
    head = store_head(store)
    with pytest.raises(Boom), store.transaction():
        store.save_booking(make_booking(booking_id="b-1").cancel(NOW, "staff:a"))
        store.audit(NOW, "staff:a", "booking.cancel", booking_id="b-1")
        raise Boom()
    with store.transaction():
        assert store.booking("b-1").status == "confirmed"
        assert store.audit_head() == head and [e["action"] for e in store.audit_entries()] == ["booking.create"]
        assert store.verify_audit().ok


def test_a_change_and_its_audit_line_survive_a_restart_together(opened, store):
    with store.transaction():
        store.save_booking(make_booking(booking_id="b-1").cancel(NOW, "visitor"))
        store.audit(NOW, "visitor", "booking.cancel", booking_id="b-1")
    again = opened.reopen()
    with again.transaction():
        assert again.booking("b-1").status == "cancelled"
        assert [e["action"] for e in again.audit_entries()] == ["booking.cancel"]
        assert again.verify_audit().ok and again.audit_head()["count"] == 1


def test_a_nested_transaction_that_raises_undoes_only_its_own_writes(store):
    with store.transaction():
        store.save_room(Room("r1", "zoom", "845 0000 0001"))
        with pytest.raises(Boom), store.transaction():
            store.save_room(Room("r2", "zoom", "845 0000 0002"))
            store.audit(NOW, "x", "room.add", room="r2")
            raise Boom()
        store.audit(NOW, "x", "room.add", room="r1")
    with store.transaction():
        assert [r.id for r in store.rooms()] == ["r1"]
        assert [e["details"]["room"] for e in store.audit_entries()] == ["r1"]


def test_what_a_transaction_wrote_is_there_after_the_store_is_closed_and_opened_again(opened, store):
    booking = make_booking(booking_id="b-1")
    with store.transaction():
        store.save_booking(booking)
        store.save_room(Room("r1", "zoom", "845 0000 0001", "佐藤"))
    again = opened.reopen()
    with again.transaction():
        assert again.booking("b-1") == booking and again.rooms() == [Room("r1", "zoom", "845 0000 0001", "佐藤")]


def test_reading_outside_a_transaction_is_refused(store):
    with pytest.raises(RuntimeError):
        store.rooms()


def store_head(store):
    with store.transaction():
        return store.audit_head()


def test_a_backend_that_was_closed_opens_again_at_its_next_transaction(backend, store):
    """What the app's state counts on: every CLI command closes the store it used."""
    with store.transaction():
        store.save_room(Room("r1", "zoom", "845 0000 0001"))
    backend.close()
    with store.transaction():
        assert [r.id for r in store.rooms()] == ["r1"]
        store.save_room(Room("r2", "zoom", "845 0000 0002"))
    backend.close()
    with backend.office().transaction():
        assert [r.id for r in backend.office().rooms()] == ["r1", "r2"]
