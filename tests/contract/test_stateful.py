"""A Hypothesis state machine over the contract: phones and a kiosk book, cancel, lease and sync,
answers get lost and are replayed, the store is closed and opened again; after every step no unit
is booked twice, no slot or event holds more than it can, each op applied once with a stable
result, and every change has its audit line."""
import shutil
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from kiosk.config import Settings, load_settings
from kiosk.domain.decisions import Asker
from kiosk.domain.errors import DomainError
from kiosk.domain.policy import Policy
from kiosk.services import kiosks as kiosk_service
from kiosk.services import office as office_service
from kiosk.services.bookings import Context, cancel_booking, create_booking
from kiosk.services.sync import sync
from kiosk.storage import open_backend
from tests.contract.conftest import BACKENDS
from tests.factories import NOW, make_payload

POLICY = replace(Policy.from_settings(Settings()), lease_units_per_day=1, lease_days=2)
STARTS = [datetime(2026, 12, day, hour, minute, tzinfo=NOW.tzinfo) for day in (2, 3) for hour, minute in ((10, 0), (10, 30))]
VISITORS = [f"28010-{n:05d}" for n in range(6)]
CTX = Context(POLICY, "stateful", "http://office.test")


class Office(RuleBasedStateMachine):
    def __init__(self, fresh):
        """`fresh()` gives a new store's settings and what to call when the example is over."""
        super().__init__()
        self.settings, self._forget = fresh()
        self.backend = open_backend(self.settings)
        store = self.store
        for i in range(2):
            office_service.add_room(store, NOW, "test", "zoom", f"845 0000 000{i}")
        self.event = office_service.add_event(store, NOW, "test", "seminar", "セミナー", STARTS[-1], STARTS[-1] + timedelta(hours=1),
                                              2, "zoom", "845 9999 0000")
        code = kiosk_service.enroll(store, NOW, "test", "入口")["code"]
        self.kiosk = kiosk_service.authenticate(store, kiosk_service.exchange_code(store, NOW, code)["token"])
        self.payloads = {}           # booking_id -> the phone payload sent
        self.ops = {}                # op_id -> the op, and the result first returned (None: answer lost)
        self.first_result = {}
        self.changes = Counter()     # audit actions the steps expect
        self.ids = iter(range(1, 10**6))   # IDs in order: the steps must not depend on chance

    @property
    def store(self):
        return self.backend.office()

    def teardown(self):
        self.backend.close()
        self._forget()

    def _book(self, payload, asker=Asker()):
        try:
            booking, created = create_booking(self.store, replace(CTX, asker=asker), payload, NOW)
        except DomainError:
            return None
        if created:
            self.changes["booking.create"] += 1
        return booking

    @rule(slot=st.integers(0, len(STARTS) - 1), visitor=st.integers(0, len(VISITORS) - 1))
    def a_phone_books(self, slot, visitor):
        payload = make_payload(booking_id=f"b-{next(self.ids):06d}", start=STARTS[slot].isoformat(),
                               jobseeker_no=VISITORS[visitor])
        if self._book(payload) is not None:
            self.payloads[payload["booking_id"]] = payload

    @rule(visitor=st.integers(0, len(VISITORS) - 1))
    def a_phone_books_the_event(self, visitor):
        payload = make_payload(booking_id=f"b-{next(self.ids):06d}", service="event", event_id=self.event.id,
                               start=None, jobseeker_no=VISITORS[visitor], eligibility={})
        payload.pop("start")
        if self._book(payload) is not None:
            self.payloads[payload["booking_id"]] = payload

    @precondition(lambda self: self.payloads)
    @rule(data=st.data())
    def a_phone_sends_the_same_booking_again(self, data):
        booking_id = data.draw(st.sampled_from(sorted(self.payloads)))
        again, created = create_booking(self.store, CTX, self.payloads[booking_id], NOW)
        assert not created and again.booking_id == booking_id

    @precondition(lambda self: self.payloads)
    @rule(data=st.data())
    def staff_cancel_a_booking(self, data):
        booking_id = data.draw(st.sampled_from(sorted(self.payloads)))
        try:
            cancel_booking(self.store, booking_id, NOW, "staff:test")
        except DomainError:
            return
        self.changes["booking.cancel"] += 1

    @rule(slot=st.integers(0, len(STARTS) - 1), visitor=st.integers(0, len(VISITORS) - 1),
          on_lease=st.booleans(), answer_lost=st.booleans())
    def the_kiosk_syncs_a_booking(self, slot, visitor, on_lease, answer_lost):
        payload = make_payload(booking_id=f"b-{next(self.ids):06d}", start=STARTS[slot].isoformat(),
                               jobseeker_no=VISITORS[visitor])
        if on_lease:
            with self.store.transaction():
                held = [l for l in self.store.leases_of(self.kiosk.id) if l.holds(NOW)]
            if not held:
                return
            payload.update(start=held[0].start.isoformat(), lease_unit_id=held[0].id)
        op = {"op_id": f"op-{next(self.ids):06d}", "seq": len(self.ops) + 1, "type": "booking.create",
              "created_at": NOW.isoformat(), "payload": payload}
        self.ops[op["op_id"]] = op
        self._sync([op], answer_lost)

    @precondition(lambda self: self.ops)
    @rule(data=st.data())
    def the_kiosk_replays_an_op(self, data):
        """A lost answer, a retry, a reset kiosk: the same op again."""
        op_id = data.draw(st.sampled_from(sorted(self.ops)))
        self._sync([self.ops[op_id]], answer_lost=False)

    def _sync(self, ops, answer_lost):
        """`answer_lost`: the kiosk never hears the answer (it will replay the op); the server does
        the same either way, which is the point."""
        body = {"schema": 1, "client_sent_at": NOW.isoformat(), "ops": ops}
        answer = sync(self.store, CTX, self.kiosk, body, NOW, lambda err, lang: err.code)
        for op, result in zip(ops, answer["results"]):
            first = self.first_result.get(op["op_id"])
            if result["status"] == "applied":
                assert first is None
                if op["type"] == "booking.create":
                    self.changes["booking.create"] += 1
                self.first_result[op["op_id"]] = result["result"]
            elif result["status"] == "duplicate":
                assert first is not None and result["result"] == first

    @rule()
    def the_kiosk_lets_its_leases_go(self):
        with self.store.transaction():
            held = [l.id for l in self.store.leases_of(self.kiosk.id) if l.holds(NOW)]
        if held:
            op = {"op_id": f"op-{next(self.ids):06d}", "seq": len(self.ops) + 1, "type": "lease.release",
                  "created_at": NOW.isoformat(), "payload": {"lease_unit_ids": held}}
            self._sync([op], answer_lost=False)

    @rule()
    def the_store_is_closed_and_opened_again(self):
        self.backend.close()
        self.backend = open_backend(self.settings)

    @invariant()
    def no_unit_is_booked_twice_and_nothing_holds_more_than_it_can(self):
        with self.store.transaction():
            active = [b for b in self.store.bookings_between(date.min, date.max) if b.is_active]
            rooms = len([r for r in self.store.rooms() if r.active])
        units = [(b.start, b.room) for b in active if b.room]
        assert len(units) == len(set(units))
        assert all(n <= rooms for n in Counter(b.start for b in active if b.service == "counseling").values())
        assert sum(1 for b in active if b.event_id == self.event.id) <= self.event.capacity

    @invariant()
    def each_applied_op_has_its_receipt_with_the_first_result(self):
        with self.store.transaction():
            for op_id, result in self.first_result.items():
                assert self.store.receipt(self.kiosk.id, op_id).result == result

    @invariant()
    def every_change_has_its_audit_line(self):
        with self.store.transaction():
            actions = Counter(e["action"] for e in self.store.audit_entries())
            assert self.store.verify_audit().ok
        for action, count in self.changes.items():
            assert actions[action] == count, (action, actions[action], count)


# PostgreSQL pays a database per example (a copy of the template) and a round trip per read.
EXAMPLES = {"tinydb": 60, "postgresql": 20}


def _fresh_factory(request, kind: str):
    def fresh():
        folder = tempfile.mkdtemp()
        overrides = {"KIOSK_DATA_DIR": folder, "SECRET_KEY": "stateful"}
        database = None
        if kind == "postgresql":
            cluster = request.getfixturevalue("postgres_cluster")
            database = cluster.create_database()
            overrides["DATABASE_URL"] = database.app_url

        def forget():
            shutil.rmtree(folder, ignore_errors=True)
            if database is not None:
                cluster.drop_database(database)
        return load_settings(overrides, environ={}), forget
    return fresh


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_office_keeps_its_invariants_whatever_happens(request, kind):
    fresh = _fresh_factory(request, kind)
    run_state_machine_as_test(lambda: Office(fresh), settings=settings(
        max_examples=EXAMPLES[kind], stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]))
