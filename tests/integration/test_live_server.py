"""Against the live waitress server: concurrency, a second server, and a crash (kill -9)."""
import json
import signal
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from datetime import date

from kiosk.services import office as office_service
from tests.factories import NOW, make_payload
from tests.stores import open_backend, stored_bookings
from tests.live_api import bookable_starts, live_consent
from tests.server_process import start_server, stop


def test_twenty_threads_racing_for_the_last_unit_book_it_exactly_once(live_server, office, data_dir):
    office_service.add_room(office.store, NOW, "test", "zoom", "84500000001")
    barrier = threading.Barrier(20)

    def attempt(i):
        payload = make_payload(jobseeker_no=f"28010-{i:05d}", language="en")
        barrier.wait()
        return requests.post(f"{live_server}/api/v1/bookings", json=payload, timeout=30)

    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(attempt, range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 19
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"slot_full"}
    assert len(stored_bookings(data_dir, date(2026, 12, 3))) == 1


def test_the_same_booking_id_sent_twice_at_once_gives_one_booking(live_server, office, data_dir):
    office_service.add_room(office.store, NOW, "test", "zoom", "84500000001")
    payload = make_payload()
    barrier = threading.Barrier(2)

    def send(_):
        barrier.wait()
        return requests.post(f"{live_server}/api/v1/bookings", json=payload, timeout=30)

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(send, range(2))
    assert sorted([a.status_code, b.status_code]) == [200, 201]
    assert a.json() == b.json()
    assert len(stored_bookings(data_dir, date(2026, 12, 3))) == 1


def test_a_second_server_on_the_same_data_directory_refuses_to_start(tmp_path):
    first = start_server(tmp_path / "data")
    try:
        second = start_server(tmp_path / "data", wait=False)
        assert second.wait(timeout=20) == 1
        err = second.log.read_text()
        assert "already using the data directory" in err and str(first.pid) in err
        assert requests.get(first.url + "/healthz", timeout=5).json()["status"] == "ok"
    finally:
        stop(first)


def test_every_acknowledged_booking_survives_a_kill_9(tmp_path):
    data_dir = tmp_path / "data"
    backend = open_backend(data_dir)
    for i in range(6):
        office_service.add_room(backend.office(), NOW, "test", "zoom", f"8450000{i:04d}")
    backend.close()
    server = start_server(data_dir, DEMO=0, RATE_LIMIT_BOOKINGS_PER_MINUTE=0)
    slots = bookable_starts(server.url, 28, each_free_unit=True)
    agreed = live_consent(server.url)
    acknowledged, sent, stop_streaming = {}, [], threading.Event()

    def stream(worker):
        session = requests.Session()
        for n in range(worker, len(slots), 4):
            if stop_streaming.is_set():
                return
            payload = make_payload(booking_id=str(uuid.uuid4()), start=slots[n], consent=agreed,
                                   jobseeker_no=f"{30000 + n:05d}-{n:04d}")
            sent.append(payload)
            try:
                r = session.post(f"{server.url}/api/v1/bookings", json=payload, timeout=10)
            except requests.RequestException:
                return  # the server died under us: this one may or may not have been written
            if r.status_code in (200, 201):
                acknowledged[payload["booking_id"]] = r.json()["booking"]

    workers = [threading.Thread(target=stream, args=(w,)) for w in range(4)]
    for w in workers:
        w.start()
    while len(acknowledged) < 60 and any(w.is_alive() for w in workers):
        threading.Event().wait(0.01)
    server.send_signal(signal.SIGKILL)
    server.wait(10)
    stop_streaming.set()
    for w in workers:
        w.join(15)
    assert len(acknowledged) >= 60

    for path in data_dir.glob("offices/main/bookings/*/*.json"):
        json.loads(path.read_text())  # never a torn file

    restarted = start_server(data_dir, port=int(server.url.rsplit(":", 1)[1]), DEMO=0, RATE_LIMIT_BOOKINGS_PER_MINUTE=0)
    try:
        reopened = open_backend(data_dir).office()
        with reopened.transaction():
            for booking_id, answer in acknowledged.items():
                stored = reopened.booking(booking_id)
                assert stored is not None, f"acknowledged booking {booking_id} was lost"
                assert stored.room_id == answer["room_id"]
        # Replaying everything that was sent: acknowledged ones are duplicates, none is doubled.
        for payload in sent:
            r = requests.post(f"{restarted.url}/api/v1/bookings", json=payload, timeout=10)
            assert r.status_code in (200, 201), r.text
            if payload["booking_id"] in acknowledged:
                assert r.status_code == 200 and r.json()["booking"] == acknowledged[payload["booking_id"]]
        with reopened.transaction():
            ids = [b.booking_id for b in reopened.bookings_between(date.min, date.max)]
        assert len(ids) == len(set(ids)) == len(sent)
        assert not list(data_dir.rglob(".*.tmp"))  # a temp file left by the crash is cleared at start
    finally:
        stop(restarted)


def test_the_server_sweeps_no_shows_by_itself(tmp_path):
    from datetime import datetime, timedelta

    from kiosk.domain.calendar import TOKYO
    from tests.factories import make_booking

    data_dir = tmp_path / "data"
    store = open_backend(data_dir).office()
    started = datetime.now(TOKYO) - timedelta(minutes=30)
    missed = make_booking(start=started)
    recent = make_booking(start=datetime.now(TOKYO) - timedelta(minutes=2))
    with store.transaction():
        store.save_booking(missed)
        store.save_booking(recent)
    server = start_server(data_dir, SWEEP_INTERVAL_SECONDS=1)
    try:
        for _ in range(100):
            with store.transaction():
                if store.booking(missed.booking_id).status == "no_show":
                    break
            threading.Event().wait(0.1)
        with store.transaction():
            assert store.booking(missed.booking_id).status == "no_show"
            assert store.booking(recent.booking_id).status == "confirmed"  # still inside its 10 minutes
    finally:
        stop(server)


def test_a_fresh_server_prints_a_code_that_enrolls_the_demo_kiosk(tmp_path):
    server = start_server(tmp_path / "data")
    try:
        import re
        for _ in range(50):
            found = re.search(r"enroll with the code ([A-Z0-9]{4}-[A-Z0-9]{4})", server.log.read_text())
            if found:
                break
            threading.Event().wait(0.1)
        r = requests.post(f"{server.url}/api/v1/kiosk/enroll", json={"code": found.group(1)}, timeout=10)
        assert r.status_code == 201 and r.json()["name"] == "デモ受付"
        days = requests.get(f"{server.url}/api/v1/calendar?days=10", timeout=10).json()["days"]
        assert any(s["free"] == 2 for d in days for s in d["slots"])          # the two demo rooms
        assert len(requests.get(f"{server.url}/api/v1/events", timeout=10).json()["events"]) == 1
    finally:
        stop(server)


def test_a_stopped_server_has_written_everything_into_its_files(tmp_path):
    data_dir = tmp_path / "data"
    backend = open_backend(data_dir)
    office_service.add_room(backend.office(), NOW, "test", "zoom", "84500000001")
    backend.close()
    server = start_server(data_dir, DEMO=0)
    booked = requests.post(f"{server.url}/api/v1/bookings", timeout=10, json=make_payload(
        start=bookable_starts(server.url, 28)[0], consent=live_consent(server.url))).json()["booking"]
    assert any(p.stat().st_size for p in (data_dir / "journal").glob("*.log"))   # journaled, not yet in its file
    stop(server)                                                                  # SIGTERM
    assert server.returncode == 0
    assert all(p.stat().st_size == 0 for p in (data_dir / "journal").glob("*.log"))
    day = booked["start"][:10]
    assert booked["booking_id"] in (data_dir / "offices/main/bookings" / day[:7] / f"{day}.json").read_text()


def test_an_office_of_a_hundred_and_twenty_open_connections_is_still_answered(tmp_path):
    """Every kiosk keeps its connection alive; waitress's own limit (100) left the 101st client waiting."""
    import http.client
    proc = start_server(tmp_path / "data", DEMO=0)
    port = int(proc.url.rsplit(":", 1)[1])
    kept = []
    try:
        for _ in range(120):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/healthz")
            assert conn.getresponse().read()
            kept.append(conn)   # answered and kept open, as a kiosk's connection is
        assert requests.get(f"{proc.url}/healthz", timeout=10).status_code == 200
    finally:
        for conn in kept:
            conn.close()
        stop(proc)
