"""Three `python app.py` processes on one database, the documented way to scale (X8): a race for the
last unit through all three, a kill -9 of one of them mid-stream, and the no-show sweep once."""
import signal
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import requests

from kiosk.domain.calendar import TOKYO
from kiosk.services import kiosks as kiosk_service
from kiosk.services import office as office_service
from tests.factories import NOW, make_booking, make_payload
from tests.kiosk_client import Kiosk
from tests.live_api import bookable_starts, live_consent
from tests.server_process import start_server, stop


def three(database, tmp_path, **env):
    return [start_server(tmp_path / f"instance-{n}", DATABASE_URL=database.app_url, DEMO=0,
                         RATE_LIMIT_BOOKINGS_PER_MINUTE=0, **env) for n in range(3)]


def test_forty_clients_racing_through_three_servers_for_the_last_unit_book_it_exactly_once(database, backend, tmp_path):
    office_service.add_room(backend.office(), NOW, "test", "zoom", "845 0000 0001")
    servers = three(database, tmp_path)
    try:
        start = bookable_starts(servers[0].url, 28)[0]
        consent = live_consent(servers[0].url)
        barrier = threading.Barrier(40)

        def attempt(n):
            payload = make_payload(start=start, consent=consent, jobseeker_no=f"28010-{n:05d}", language="en")
            barrier.wait()
            return requests.post(f"{servers[n % 3].url}/api/v1/bookings", json=payload, timeout=30)

        with ThreadPoolExecutor(40) as pool:
            answers = list(pool.map(attempt, range(40)))
        codes = sorted(a.status_code for a in answers)
        print("race answers:", {c: codes.count(c) for c in set(codes)})
        assert codes.count(201) == 1 and all(c in (201, 409, 503) for c in codes), codes
        assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} <= {"slot_full"}
        store = backend.office()
        with store.transaction():
            assert len(store.bookings_starting(datetime.fromisoformat(start))) == 1
    finally:
        for server in servers:
            stop(server)


def test_a_kill_9_of_one_of_three_servers_loses_no_acknowledged_booking_or_op(database, backend, tmp_path):
    for n in range(10):
        office_service.add_room(backend.office(), NOW, "test", "zoom", f"845 0000 {n:04d}")
    code = kiosk_service.enroll(backend.office(), datetime.now(TOKYO), "test", "入口")["code"]
    servers = three(database, tmp_path, LEASE_UNITS_PER_DAY=0)   # leases would take the phones' units
    victim = servers[1]
    try:
        units = bookable_starts(servers[0].url, 28, each_free_unit=True)
        consent = live_consent(servers[0].url)
        kiosk = Kiosk.enrolled(servers[2].url, code)
        acknowledged, sent = {}, []
        ops = [kiosk.op("booking.create", make_payload(start=units[-1 - n], consent=consent,
                                                       jobseeker_no=f"41000-{n:04d}")) for n in range(30)]

        def phones(n0):
            session = requests.Session()
            for n in range(n0, 120, 4):
                payload = make_payload(booking_id=str(uuid.uuid4()), start=units[n], consent=consent,
                                       jobseeker_no=f"40000-{n:04d}")
                sent.append(payload)
                try:
                    r = session.post(f"{servers[n % 3].url}/api/v1/bookings", json=payload, timeout=10)
                except requests.RequestException:
                    continue
                if r.status_code == 201:
                    acknowledged[payload["booking_id"]] = r.json()["booking"]

        def kiosk_syncs():
            while kiosk.outbox:
                try:
                    kiosk.push(limit=3)
                except requests.RequestException:
                    pass

        workers = [threading.Thread(target=phones, args=(w,)) for w in range(4)] + [threading.Thread(target=kiosk_syncs)]
        for w in workers:
            w.start()
        while len(acknowledged) < 25:
            threading.Event().wait(0.01)
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        for w in workers:
            w.join(60)
        store = backend.office()
        with store.transaction():
            for booking_id, answer in acknowledged.items():
                assert store.booking(booking_id).room_id == answer["room_id"]
            for op_id, result in kiosk.confirmed.items():
                assert store.booking(result["booking_id"]) is not None
        for payload in sent:                                  # everything sent, again: none doubled
            r = requests.post(f"{servers[0].url}/api/v1/bookings", json=payload, timeout=10)
            assert r.status_code in (200, 201), r.text
        with store.transaction():
            every = list(store.bookings_between(date.min, date.max))
        assert len(every) == len({b.booking_id for b in every}) == len(sent) + len(ops)
        assert len({(b.start, b.room) for b in every}) == len(every)
    finally:
        for server in servers:
            stop(server)


def test_three_servers_sweep_each_no_show_once(database, backend, tmp_path):
    store = backend.office()
    started = datetime.now(TOKYO) - timedelta(minutes=40)
    missed = [make_booking(start=started, room=f"r{n}", jobseeker_no=f"28010-{n:05d}") for n in range(5)]
    with store.transaction():
        for booking in missed:
            store.save_booking(booking)
    servers = three(database, tmp_path, SWEEP_INTERVAL_SECONDS=1)
    try:
        for _ in range(100):
            with store.transaction():
                if all(store.booking(b.booking_id).status == "no_show" for b in missed):
                    break
            threading.Event().wait(0.1)
        threading.Event().wait(2.5)                          # two more rounds in each server
        with store.transaction():
            assert all(store.booking(b.booking_id).status == "no_show" for b in missed)
            marks = [e for e in store.audit_entries() if e["action"] == "booking.no_show"]
        assert sorted(e["details"]["booking_id"] for e in marks) == sorted(b.booking_id for b in missed)
    finally:
        for server in servers:
            stop(server)
