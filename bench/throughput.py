"""Booking create through waitress: throughput at least 30% of /healthz throughput, same run.

The real app (create_app, DEMO off, a fixed clock at tests.factories.NOW so the calendar is
deterministic) is served by waitress in this process on 127.0.0.1, on a free port, threads=8,
with enough rooms that bookings spread over every slot of every bookable day never hit
slot_full. A pool of client threads, each with its own requests.Session, then alternates
rounds of a few seconds: GET /healthz, POST /api/v1/bookings, GET /healthz, ... so machine
noise hits both kinds alike. Only 2xx responses count; any non-2xx booking is reported.

Every booking has a fresh booking_id and a fresh job seeker number and goes to the next slot,
round robin over the bookable days, so all land in the Dec 2026 month file, which grows as
the run goes (as an office's current month does).

Run from the repository root:  .venv/bin/python bench/throughput.py [--check] [--seconds 3]
Exit code is 0 (it is a report) unless --check is given and the target is missed.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse  # noqa: E402
import itertools  # noqa: E402
import logging  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import requests  # noqa: E402
import waitress  # noqa: E402

from app import create_app  # noqa: E402
from kiosk.domain.calendar import OfficeCalendar  # noqa: E402
from kiosk.services.office import add_room  # noqa: E402
from tests.factories import NOW, make_payload  # noqa: E402

TARGET = 0.30
ROOMS = 60
CLIENTS = 8
SERVER_THREADS = 8
REPEATS = 3


class Load:
    """Bounded rounds of requests from CLIENTS threads, each with its own Session."""

    def __init__(self, base: str):
        self.base = base
        self.sessions = []
        for _ in range(CLIENTS):
            s = requests.Session()
            s.trust_env = False  # loopback only: never a proxy from the environment
            self.sessions.append(s)
        self.pool = ThreadPoolExecutor(max_workers=CLIENTS)
        calendar = OfficeCalendar()
        self.slots = [s for d in calendar.bookable_days(NOW, 60) for s in calendar.slot_starts(d)]
        self.capacity = len(self.slots) * ROOMS
        self.template = make_payload()
        self.numbers = itertools.count(1)  # next() on a count is atomic under the GIL
        self.failures = Counter()           # (kind, status or exception) -> count
        self.examples = {}

    def booking_payload(self) -> dict:
        n = next(self.numbers)
        if n > self.capacity:
            raise RuntimeError("out of free slots")
        return dict(self.template, booking_id=str(uuid.uuid4()), jobseeker_no=f"{20000 + n // 10000:05d}-{n % 10000:04d}",
                    start=self.slots[n % len(self.slots)].isoformat())

    def sent(self) -> int:
        """About how many bookings were sent so far (uses up one number, which is harmless)."""
        return next(self.numbers) - 1

    def _client(self, session, kind: str, deadline: float) -> int:
        ok = 0
        while time.perf_counter() < deadline:
            try:
                if kind == "healthz":
                    r = session.get(f"{self.base}/healthz", timeout=10)
                else:
                    r = session.post(f"{self.base}/api/v1/bookings", json=self.booking_payload(), timeout=10)
            except Exception as err:  # counted, never raised
                self.failures[(kind, type(err).__name__)] += 1
                self.examples.setdefault((kind, type(err).__name__), str(err)[:200])
                continue
            if 200 <= r.status_code < 300:
                ok += 1
            else:
                self.failures[(kind, r.status_code)] += 1
                self.examples.setdefault((kind, r.status_code), r.text[:200])
        return ok

    def round(self, kind: str, seconds: float) -> float:
        """Requests per second (2xx only) for one round of `seconds`."""
        start = time.perf_counter()
        deadline = start + seconds
        futures = [self.pool.submit(self._client, s, kind, deadline) for s in self.sessions]
        ok = sum(f.result() for f in futures)
        return ok / (time.perf_counter() - start)

    def close(self):
        self.pool.shutdown(wait=True)
        for s in self.sessions:
            s.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the ratio is below the target")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one round (default 3)")
    args = parser.parse_args()
    logging.getLogger("waitress").setLevel(logging.ERROR)

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="madoguchi-bench-"))
    server = thread = load = app = None
    try:
        app = create_app({"KIOSK_DATA_DIR": str(tmp / "instance"), "DEMO": False,
                          "SECRET_KEY": "bench-secret", "CLOCK": lambda: NOW})
        store = app.extensions["madoguchi"].store
        for r in range(ROOMS):
            add_room(store, NOW, "bench", "zoom", f"845 {2000 + r:04d} 0001")
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=SERVER_THREADS)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.effective_port}"
        load = Load(base)
        print(f"server {base} (waitress, threads={SERVER_THREADS}, in this process); {CLIENTS} client threads; "
              f"{ROOMS} rooms x {len(load.slots)} slots = {load.capacity:,} bookable units")

        load.round("healthz", 0.5)  # warm-up, not counted
        load.round("booking", 0.5)
        warm_bookings = load.sent()
        load.failures.clear()

        rates = {"healthz": [], "booking": []}
        for i in range(REPEATS):
            for kind in ("healthz", "booking") if i % 2 == 0 else ("booking", "healthz"):
                before = load.sent() if kind == "booking" else None
                rate = load.round(kind, args.seconds)
                rates[kind].append(rate)
                note = f"   (the month file held ~{before:,} bookings at the round's start)" if before is not None else ""
                print(f"  round {i + 1} {kind:8s} {rate:8.1f} req/s{note}")
        made = load.sent()

        med = {k: statistics.median(v) for k, v in rates.items()}
        ratio = med["booking"] / med["healthz"]
        print()
        print(f"GET  /healthz          median {med['healthz']:8.1f} req/s  (rounds: "
              f"{', '.join(f'{r:.0f}' for r in rates['healthz'])})")
        print(f"POST /api/v1/bookings  median {med['booking']:8.1f} req/s  (rounds: "
              f"{', '.join(f'{r:.0f}' for r in rates['booking'])})")
        print(f"ratio booking / healthz       {ratio:8.2f}")
        print(f"bookings sent: {made:,} ({warm_bookings} in warm-up); all in the Dec 2026 month file, "
              f"{(tmp / 'instance' / 'bookings-2026-12.json').stat().st_size / 1e6:.1f} MB at the end")
        if load.failures:
            print("non-2xx responses or errors (there should be none):")
            for (kind, what), count in load.failures.most_common():
                print(f"  {kind} {what}: {count}  e.g. {load.examples[(kind, what)]!r}")
        else:
            print("non-2xx responses or errors: none")

        verdict = "PASS" if ratio >= TARGET and not any(k == "booking" for k, _ in load.failures) else "FAIL"
        print(f"\ntarget >= {TARGET:.2f}: {verdict}   (ratio {ratio:.2f}; run took {time.perf_counter() - started:.0f} s)")
        return 1 if args.check and verdict == "FAIL" else 0
    finally:
        if load:
            load.close()
        if server:
            server.close()
        if thread:
            thread.join(timeout=5)
        if app:
            app.extensions["madoguchi"].store.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
