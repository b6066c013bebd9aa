"""The booking rules over the contract: races, replays, leases (through the services, on every backend)."""
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest

from kiosk.domain.decisions import Asker
from kiosk.domain.errors import BookingIdReused, DomainError, SlotFull
from kiosk.domain.policy import Policy
from kiosk.config import Settings
from kiosk.services import kiosks as kiosk_service
from kiosk.services import office as office_service
from kiosk.services.bookings import Context, create_booking
from kiosk.services.units import taken_rooms_at
from tests.factories import NOW, make_payload

POLICY = Policy.from_settings(Settings())


def ctx(**asker) -> Context:
    return Context(POLICY, "contract", "http://office.test", Asker(**asker))


@pytest.fixture
def one_room(store):
    return office_service.add_room(store, NOW, "test", "zoom", "845 0000 0001")


def test_twenty_threads_racing_for_the_last_unit_book_it_exactly_once(store, one_room):
    barrier = threading.Barrier(20)

    def attempt(i):
        barrier.wait()
        try:
            return create_booking(store, ctx(), make_payload(jobseeker_no=f"28010-{i:05d}"), NOW)[0]
        except SlotFull:
            return None

    with ThreadPoolExecutor(20) as pool:
        won = [b for b in pool.map(attempt, range(20)) if b is not None]
    assert len(won) == 1
    with store.transaction():
        assert [b.booking_id for b in store.bookings_starting(won[0].start)] == [won[0].booking_id]


def test_the_same_booking_id_is_one_booking_and_another_request_with_it_is_refused(store, one_room):
    payload = make_payload()
    first, created = create_booking(store, ctx(), payload, NOW)
    again, created_again = create_booking(store, ctx(), payload, NOW)
    assert (created, created_again) == (True, False) and again == first
    with pytest.raises(BookingIdReused):
        create_booking(store, ctx(), dict(payload, name="別人"), NOW)
    with store.transaction():
        assert len(store.bookings_on(first.start.date())) == 1


def test_every_new_booking_is_audited_in_its_own_commit(store, one_room):
    booking, _ = create_booking(store, ctx(), make_payload(), NOW)
    with store.transaction():
        entry = store.audit_entries(limit=1)[0]
    assert entry["action"] == "booking.create" and entry["details"]["booking_id"] == booking.booking_id
    assert "jobseeker_no" not in str(entry) and booking.jobseeker_no not in str(entry)


def test_a_refused_booking_writes_nothing_at_all(store, one_room):
    create_booking(store, ctx(), make_payload(), NOW)
    with store.transaction():
        head = store.audit_head()
    with pytest.raises(SlotFull):
        create_booking(store, ctx(), make_payload(), NOW)
    with store.transaction():
        assert store.audit_head() == head


def _kiosk(store, name="入口"):
    code = kiosk_service.enroll(store, NOW, "test", name)["code"]
    token = kiosk_service.exchange_code(store, NOW, code)["token"]
    return kiosk_service.authenticate(store, token)


def test_a_leased_unit_is_nobody_elses_until_its_kiosk_books_it_or_lets_it_go(store, one_room):
    kiosk = _kiosk(store)
    leases = kiosk_service.top_up_leases(store, replace(ctx(), policy=replace(POLICY, lease_units_per_day=1)), kiosk, NOW)
    lease = leases[0]
    with store.transaction():
        assert taken_rooms_at(store, lease.start, NOW) == {lease.room}
    with pytest.raises(SlotFull):
        create_booking(store, ctx(), make_payload(start=lease.start.isoformat()), NOW)
    booked, _ = create_booking(store, ctx(channel="kiosk", kiosk_id=kiosk.id),
                               make_payload(start=lease.start.isoformat(), lease_unit_id=lease.id), NOW)
    assert booked.reference == lease.reference and booked.room == lease.room
    with store.transaction():
        assert store.lease(lease.id).booking_id == booked.booking_id and not store.lease(lease.id).holds(NOW)
        assert store.booking_on_lease(lease.id) == booked


def test_a_lease_is_only_its_own_kiosks(store, one_room):
    mine, other = _kiosk(store, "入口"), _kiosk(store, "二階")
    (lease, *_) = kiosk_service.top_up_leases(store, ctx(), mine, NOW)
    with pytest.raises(DomainError) as refused:
        create_booking(store, ctx(channel="kiosk", kiosk_id=other.id),
                       make_payload(start=lease.start.isoformat(), lease_unit_id=lease.id), NOW)
    assert refused.value.code == "lease_unknown"


def test_revoking_a_kiosk_frees_every_unit_it_held_at_once(store, one_room):
    kiosk = _kiosk(store)
    leases = kiosk_service.top_up_leases(store, ctx(), kiosk, NOW)
    assert leases
    kiosk_service.revoke(store, NOW, "staff:s1", kiosk)
    with store.transaction():
        assert all(not taken_rooms_at(store, lease.start, NOW) for lease in leases)
        assert store.kiosk(kiosk.id).revoked_at == NOW


def test_a_top_up_that_needs_nothing_writes_nothing(store, one_room):
    kiosk = _kiosk(store)
    first = kiosk_service.top_up_leases(store, ctx(), kiosk, NOW)
    with store.transaction():
        head = store.audit_head()
        before = store.leases_of(kiosk.id)
    again = kiosk_service.top_up_leases(store, ctx(), kiosk, NOW + timedelta(seconds=5))
    with store.transaction():
        assert store.leases_of(kiosk.id) == before and store.audit_head() == head
    assert [l.id for l in again] == [l.id for l in first]


def test_a_slots_booked_rooms_are_its_active_bookings_rooms_and_agree_with_the_days_units(store):
    for n in (1, 2, 3):
        office_service.add_room(store, NOW, "test", "zoom", f"845 0000 000{n}")
    made = [create_booking(store, ctx(), make_payload(jobseeker_no=f"28010-0000{n}", start=start), NOW)[0]
            for n, start in enumerate(("2026-12-03T10:30:00+09:00", "2026-12-03T10:30:00+09:00",
                                       "2026-12-03T11:00:00+09:00"))]
    with store.transaction():
        store.save_booking(replace(made[1], status="cancelled"))
    with store.transaction():
        at_1030 = store.booked_rooms_at(made[0].start)
        assert at_1030 == {made[0].room}
        assert store.booked_rooms_at(made[2].start) == {made[2].room}
        assert store.booked_rooms_at(made[2].start + timedelta(days=7)) == frozenset()
        assert sorted(store.booked_units(made[0].start.date())) == sorted(
            [(made[0].start, made[0].room), (made[2].start, made[2].room)])
