"""Faults an office meets, against a real server process (X9): short writes, a full disk, a failing
fsync, a torn audit line, a read-only data directory. Every acknowledged booking is there after a
restart, nothing refused ever appears, and the server serves again once the fault is gone."""
import resource
import signal
import subprocess
import threading
import uuid
from datetime import date

import requests

from kiosk.services import office as office_service
from tests.factories import NOW, make_payload
from tests.faults import build_shim
from tests.live_api import bookable_starts, live_consent
from tests.server_process import start_server, stop
from tests.stores import open_backend

SETTINGS = dict(DEMO=0, RATE_LIMIT_BOOKINGS_PER_MINUTE=0)


def office_with_rooms(tmp_path, rooms=8):
    data_dir = tmp_path / "data"
    backend = open_backend(data_dir)
    for i in range(rooms):
        office_service.add_room(backend.office(), NOW, "test", "zoom", f"8453000{i:04d}")
    backend.close()
    return data_dir


class Visitors:
    """Phones booking one unit after another; what each was told is kept."""

    def __init__(self, url):
        self.url = url
        self.units = bookable_starts(url, 28, each_free_unit=True)
        self.consent = live_consent(url)
        self.told = {}           # booking_id -> the answer's status code
        self.n = 0

    def book(self) -> requests.Response:
        payload = make_payload(booking_id=str(uuid.uuid4()), start=self.units[self.n], consent=self.consent,
                               jobseeker_no=f"{50000 + self.n:05d}-{self.n:04d}", language="en")
        self.n += 1
        r = requests.post(f"{self.url}/api/v1/bookings", json=payload, timeout=10, headers={"Accept-Language": "en"})
        self.told[payload["booking_id"]] = r.status_code
        return r

    def confirmed(self):
        return {b for b, code in self.told.items() if code == 201}

    def refused(self):
        return {b for b, code in self.told.items() if code != 201}


def stored_ids(data_dir) -> set:
    backend = open_backend(data_dir)
    try:
        store = backend.office()
        with store.transaction():
            assert store.verify_audit().ok
            return {b.booking_id for b in store.bookings_between(date.min, date.max)}
    finally:
        backend.close()


def health(url):
    r = requests.get(f"{url}/healthz", timeout=5)
    return r.status_code, r.json()["storage"]


def wait_until_healthy(url, seconds=15):
    for _ in range(seconds * 10):
        if health(url)[0] == 200:
            return
        threading.Event().wait(0.1)
    raise AssertionError(f"still unhealthy: {health(url)}")


def test_short_writes_are_finished_and_every_booking_is_whole(tmp_path):
    faults = tmp_path / "faults"
    faults.mkdir()
    data_dir = office_with_rooms(tmp_path)
    shim = dict(LD_PRELOAD=build_shim(tmp_path), FAULT_DIR=faults, **SETTINGS)
    server = start_server(data_dir, **shim)
    visitors = Visitors(server.url)
    (faults / "short-writes").touch()              # every write to a file now writes at most 7 bytes
    assert [visitors.book().status_code for _ in range(6)] == [201] * 6
    server.send_signal(signal.SIGKILL)             # only the journal has them: its lines must be whole
    server.wait(10)
    server = start_server(data_dir, port=int(visitors.url.rsplit(":", 1)[1]), **shim)
    try:
        assert [visitors.book().status_code for _ in range(3)] == [201] * 3
    finally:
        stop(server)                               # SIGTERM: the checkpoint is written 7 bytes at a time too
    assert stored_ids(data_dir) == visitors.confirmed() and len(visitors.confirmed()) == 9


def test_a_full_disk_refuses_cleanly_keeps_every_acknowledged_booking_and_recovers_by_itself(tmp_path):
    data_dir = office_with_rooms(tmp_path)
    server = start_server(data_dir, **SETTINGS)
    try:
        visitors = Visitors(server.url)
        assert visitors.book().status_code == 201
        journal = max((data_dir / "journal").glob("*.log"), key=lambda p: p.stat().st_size)
        limit = journal.stat().st_size + 12_000    # a few more bookings, then the file may grow no more
        resource.prlimit(server.pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))  # the soft limit
        answers = [visitors.book() for _ in range(12)]
        refused = [r for r in answers if r.status_code != 201]
        assert refused and all(r.status_code == 503 for r in refused)
        assert {r.json()["error"]["code"] for r in refused} == {"storage_unavailable"}
        assert "Nothing was changed" in refused[0].json()["error"]["message"]
        status, storage = health(server.url)
        assert status == 503 and storage["state"] == "disk-full"
        resource.prlimit(server.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        wait_until_healthy(server.url)             # the server tries the disk again by itself
        assert visitors.book().status_code == 201
    finally:
        server.send_signal(signal.SIGKILL)         # no clean stop: only what was durable counts
        server.wait(10)
    stored = stored_ids(data_dir)
    assert visitors.confirmed() <= stored and not (visitors.refused() & stored)


def test_a_failing_fsync_is_a_503_and_that_booking_never_appears(tmp_path):
    faults = tmp_path / "faults"
    faults.mkdir()
    data_dir = office_with_rooms(tmp_path)
    server = start_server(data_dir, LD_PRELOAD=build_shim(tmp_path), FAULT_DIR=faults, **SETTINGS)
    try:
        visitors = Visitors(server.url)
        assert visitors.book().status_code == 201
        (faults / "fail-sync").touch()
        failed = [visitors.book() for _ in range(3)]
        assert [r.status_code for r in failed] == [503] * 3
        status, storage = health(server.url)
        assert status == 503 and storage["state"] == "io-error"
        (faults / "fail-sync").unlink()
        wait_until_healthy(server.url)
        assert visitors.book().status_code == 201
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    stored = stored_ids(data_dir)
    assert stored == visitors.confirmed() and len(stored) == 2


def test_a_torn_audit_line_is_set_aside_at_start_and_audited_actions_go_on(tmp_path):
    data_dir = office_with_rooms(tmp_path, rooms=2)
    (log,) = (data_dir / "offices" / "main" / "audit").glob("*.jsonl")
    with open(log, "ab") as f:
        f.write(b'{"n": 3, "at": "2026-12-01T09:0')   # a crash in the middle of an append
    server = start_server(data_dir, **SETTINGS)
    try:
        assert Visitors(server.url).book().status_code == 201          # audited: booking.create
        status, storage = health(server.url)
        assert status == 200 and len(storage["set_aside"]) == 1
    finally:
        stop(server)
    assert (data_dir / storage["set_aside"][0]).read_bytes().startswith(b'{"n": 3')
    verify = subprocess.run(["flask", "--app", "app", "audit", "verify"], capture_output=True, text=True,
                            env={"KIOSK_DATA_DIR": str(data_dir), "PATH": _venv_path()})
    assert verify.returncode == 0 and "intact: 3 entries" in verify.stdout, verify.stdout + verify.stderr


def test_a_read_only_data_directory_at_start_is_one_clear_line(tmp_path):
    data_dir = office_with_rooms(tmp_path, rooms=1)
    subprocess.run(["chattr", "+i", str(data_dir)], check=True)   # even root may not write in it now
    try:
        server = start_server(data_dir, wait=False, **SETTINGS)
        assert server.wait(20) == 1
        output = server.log.read_text()
    finally:
        subprocess.run(["chattr", "-i", str(data_dir)], check=True)
    assert "is not writable" in output and "Traceback" not in output and len(output.strip().splitlines()) == 1


def _venv_path() -> str:
    import os
    import sys
    from pathlib import Path
    return f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"
