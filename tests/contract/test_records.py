"""Every record comes back as it was saved, found by each of its keys."""
from dataclasses import replace
from datetime import date, timedelta

from kiosk.domain.events import Event
from kiosk.domain.kiosks import Kiosk
from kiosk.domain.leases import Lease
from kiosk.domain.ops import DeadLetter, Receipt
from kiosk.domain.staff import Challenge, Credential, StaffLink, StaffMember, StaffSession
from kiosk.domain.terms import PublishedTerms
from kiosk.domain.visitors import Restriction
from tests.factories import NOW, make_booking

DAY = date(2026, 12, 3)


def lease(**overrides) -> Lease:
    start = make_booking().start
    values = dict(id="lu_1", kiosk_id="k_1", day=DAY, start=start, end=start + timedelta(minutes=30), room="r1",
                  room_id="845 0000 0001", meeting_app="zoom", expires_at=NOW + timedelta(days=1), granted_at=NOW,
                  reference="LEASE1")
    values.update(overrides)
    return Lease(**values)


def test_a_booking_is_found_by_its_id_its_reference_its_day_its_slot_and_its_visitor(store):
    booking = make_booking(booking_id="b-1", reference="ABC234", jobseeker_no="28010-12345")
    with store.transaction():
        store.save_booking(booking)
    with store.transaction():
        assert store.booking("b-1") == booking
        assert store.booking_by_reference("ABC234") == booking and store.reference_taken("ABC234")
        assert store.bookings_on(DAY) == [booking] and store.bookings_starting(booking.start) == [booking]
        assert store.bookings_of("28010-12345") == [booking]
        assert [v.booking_id for v in store.visits_of("28010-12345")] == ["b-1"]
        assert store.booking_days() == [DAY]
        assert list(store.bookings_between(DAY, DAY)) == [booking]
        assert store.booking("nope") is None and store.booking_by_reference("ZZZZZZ") is None


def test_a_booking_moved_to_another_day_is_on_that_day_only(opened, store):
    booking = make_booking(booking_id="b-1", reference="ABC234", jobseeker_no="28010-12345")
    moved = booking.reschedule(NOW, "staff", booking.start + timedelta(days=1), booking.end + timedelta(days=1))
    with store.transaction():
        store.save_booking(booking)
    with store.transaction():
        store.save_booking(moved)
    again = opened.reopen()
    with again.transaction():
        assert again.bookings_on(DAY) == [] and again.bookings_on(DAY + timedelta(days=1)) == [moved]
        assert again.booking("b-1") == moved and again.booking_by_reference("ABC234") == moved
        assert [v.start for v in again.visits_of("28010-12345")] == [moved.start]


def test_a_purged_booking_leaves_its_visitors_index(store):
    booking = make_booking(booking_id="b-1", jobseeker_no="28010-12345")
    with store.transaction():
        store.save_booking(booking)
        store.save_booking(booking.purged(NOW))
    with store.transaction():
        assert store.visits_of("28010-12345") == [] and store.booking("b-1").jobseeker_no is None


def test_a_booking_on_a_lease_is_found_by_the_lease(store):
    with store.transaction():
        store.save_lease(lease())
        store.save_booking(make_booking(booking_id="b-1", lease_unit_id="lu_1", reference="LEASE1"))
    with store.transaction():
        assert store.booking_on_lease("lu_1").booking_id == "b-1" and store.booking_on_lease("lu_2") is None


def test_leases_are_records_found_by_id_day_and_kiosk_and_old_ones_are_dropped(store):
    kept, old = lease(), lease(id="lu_2", kiosk_id="k_2", reference="LEASE2", expires_at=NOW - timedelta(days=3))
    with store.transaction():
        store.save_lease(kept)
        store.save_lease(old)
        assert store.reference_taken("LEASE1")
    with store.transaction():
        assert store.lease("lu_1") == kept and store.leases_of("k_1") == [kept] and store.leases_on(DAY) == [kept, old]
        assert store.drop_leases_before(NOW - timedelta(days=2)) == 1
    with store.transaction():
        assert store.leases_on(DAY) == [kept]


def test_receipts_belong_to_their_kiosk(store):
    receipt = Receipt("k_1", "op-1", NOW, {"booking_id": "b-1"})
    with store.transaction():
        store.save_receipt(receipt)
    with store.transaction():
        assert store.receipt("k_1", "op-1") == receipt
        assert store.receipt("k_2", "op-1") is None      # another kiosk's op with the same ID is a new op
        assert store.drop_receipts_before(NOW + timedelta(seconds=1)) == 1
    with store.transaction():
        assert store.receipt("k_1", "op-1") is None


def test_dead_letters_are_kept_per_kiosk_and_op(store):
    letter = DeadLetter(op_id="op-1", kiosk_id="k_1", kiosk_name="入口", seq=3, type="booking.create",
                        created_at=NOW.isoformat(), received_at=NOW, error={"code": "slot_full", "message": "満席"},
                        payload={"name": "山田"})
    with store.transaction():
        store.save_dead_letter(letter)
        store.save_dead_letter(replace(letter, kiosk_id="k_2"))
    with store.transaction():
        assert store.dead_letter("k_1", "op-1") == letter and len(store.dead_letters()) == 2
        assert store.dead_letters("k_2") == [replace(letter, kiosk_id="k_2")]


def test_kiosks_are_found_by_name_token_and_code(store):
    kiosk = Kiosk(id="k_1", name="入口", created_at=NOW, token_hash="t" * 64, code_hash="c" * 64,
                  status={"outbox": 2}, commands=({"id": "c1", "kind": "reset"},))
    with store.transaction():
        store.save_kiosk(kiosk)
    with store.transaction():
        assert store.kiosk("k_1") == kiosk == store.kiosk_named("入口") == store.kiosk_with_token("t" * 64)
        assert store.kiosk_with_code("c" * 64) == kiosk and store.kiosk_with_token("x") is None
        assert store.kiosks() == [kiosk]


def test_staff_keys_links_sessions_and_single_use_challenges(store):
    member = StaffMember(id="s1", name="山田 管理者", role="admin", created_at=NOW)
    key = Credential(id="cred", staff_id="s1", public_key="pk", sign_count=3, name="青", created_at=NOW)
    link = StaffLink(id="h" * 64, purpose="setup", role="admin", created_at=NOW, expires_at=NOW + timedelta(minutes=15))
    session = StaffSession(id="s" * 64, staff_id="s1", created_at=NOW, last_seen_at=NOW, credential_id="cred")
    challenge = Challenge(id="ch", kind="signin", challenge="AAAA", expires_at=NOW + timedelta(minutes=5),
                          context={"staff_id": "s1"})
    with store.transaction():
        for save, record in ((store.save_staff, member), (store.save_credential, key), (store.save_staff_link, link),
                             (store.save_session, session), (store.save_challenge, challenge)):
            save(record)
    with store.transaction():
        assert store.staff_member("s1") == member == store.staff_named("山田 管理者") and store.staff_members() == [member]
        assert store.credential("cred") == key and store.credentials("s1") == [key] and store.credentials("s2") == []
        assert store.staff_link("h" * 64) == link and store.session("s" * 64) == session
        assert store.sessions_of("s1") == [session]
        assert store.take_challenge("ch") == challenge
    with store.transaction():
        assert store.take_challenge("ch") is None                     # single use


def test_the_office_setup_records(store):
    event = Event("ev-1", "seminar", "応募書類", NOW, NOW + timedelta(hours=1), 20, "zoom", "845 0000 1111",
                  titles={"ja": "応募書類", "en": "Application documents"})
    terms = PublishedTerms(doc="online-services", version="2027-04", effective_from=date(2027, 4, 1),
                           texts={"ja": "新しい規約"}, title={"ja": "規約"}, published_at=NOW, published_by="cli:x")
    restriction = Restriction("re-1", "28010-12345", "無断欠席", date(2027, 3, 31), NOW, "staff:s1")
    with store.transaction():
        store.save_event(event)
        store.save_terms(terms)
        store.save_restriction(restriction)
        store.save_closure(DAY, "庁舎点検")
        store.save_rules({"LEASE_DAYS": 3})
        store.set_meta("seeded", "yes")
    with store.transaction():
        assert store.events() == [event] and store.event("ev-1") == event
        assert store.published_terms() == [terms] and store.restrictions_for("28010-12345") == [restriction]
        assert store.closures() == {DAY: "庁舎点検"} and store.remove_closure(DAY) and not store.remove_closure(DAY)
        assert store.rules() == {"LEASE_DAYS": 3} and store.meta("seeded") == "yes" and store.meta("x", 1) == 1


def test_a_booking_changed_after_a_restart_and_one_added_leave_every_other_booking_of_the_day(opened, store):
    first, second = make_booking(booking_id="b-1"), make_booking(booking_id="b-2", room="r2")
    with store.transaction():
        store.save_booking(first)
        store.save_booking(second)
    store = opened.reopen()
    with store.transaction():
        store.save_booking(first.cancel(NOW, "staff"))
        store.save_booking(make_booking(booking_id="b-3", room="r3"))
    store = opened.reopen()
    with store.transaction():
        assert [b.booking_id for b in store.bookings_on(DAY)] == ["b-1", "b-2", "b-3"]
        assert store.booking("b-2") == second


def test_audit_entries_come_newest_first_across_months_read_as_they_are_taken(store):
    with store.transaction():
        for n in range(7):
            store.audit(NOW + timedelta(days=12 * n), "staff:s1", "booking.cancel", booking_id=f"b-{n}")
    with store.transaction():
        newest = store.newest_audit_entries()
        assert [next(newest)["details"]["booking_id"] for _ in range(2)] == ["b-6", "b-5"]
        assert [e["n"] for e in store.newest_audit_entries()] == [7, 6, 5, 4, 3, 2, 1]
        assert store.audit_entries() == list(store.newest_audit_entries()) and store.audit_entries(limit=3) == \
            store.audit_entries()[:3]
