"""Booking create through waitress: throughput at least 30% of /healthz throughput, same run.

The real app (create_app, DEMO off, a fixed clock at tests.factories.NOW so the calendar is
deterministic) is served by waitress in this process on 127.0.0.1, on a free port, threads=8.
The load comes from a separate process (multiprocessing, spawn context), as an office's clients
are other machines: in the same process the client threads would compete with the server for
the GIL and inflate the time the server holds its storage lock. In that load process a pool of
8 client threads, each with its own requests.Session, alternates rounds of a few seconds on the
parent's command: GET /healthz, POST /api/v1/bookings, GET /healthz, ... so machine noise hits
both kinds alike; each round's 2xx count and duration come back through a Pipe. Only 2xx
responses count; any non-2xx booking is reported.

The load is an office's, not an absurd day: every booking has a fresh booking_id and a fresh
job seeker number and goes round robin over all the bookable days first and their slots second
(booking n: day n mod D, slot (n div D) mod 12), so the day files (bookings/YYYY-MM/YYYY-MM-DD.json)
grow evenly (the load process makes the payloads; its numbers run on across rounds, so every
booking_id and job seeker number is unique). The office has ROOMS rooms, a large office: a day file can never hold more than
ROOMS x 12 bookings, and the report states how many the largest day file held. If a run were
fast enough to fill every unit, the further bookings would fail and be reported.

Each round also reports the storage lock (one lock, taken by every booking and every /healthz),
metered in the server's process: the mean time a transaction held it, waited for it, and how
busy it was over the round.

--profile N then times N more bookings (and N /healthz) through the Flask test client under
cProfile, on the same data, in the server's process once the load process has ended, and prints
the top server-side costs in ms per request.

Run from the repository root:  .venv/bin/python bench/throughput.py [--check] [--seconds 3] [--profile 300]
Exit code is 0 (it is a report) unless --check is given and the target is missed.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import itertools  # noqa: E402
import logging  # noqa: E402
import pstats  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from contextlib import contextmanager  # noqa: E402

import orjson  # noqa: E402
import requests  # noqa: E402
import waitress  # noqa: E402

from app import create_app  # noqa: E402
from bench.loadproc import LoadProcess, serve  # noqa: E402
from kiosk.domain.calendar import OfficeCalendar  # noqa: E402
from kiosk.services.office import add_room  # noqa: E402
from tests.factories import NOW, make_payload  # noqa: E402

TARGET = 0.30
ROOMS = 40                 # a very large office: 40 meeting rooms x 12 slots = at most 480 bookings a day
SLOTS_PER_DAY = 12
CLIENTS = 8
SERVER_THREADS = 8
REPEATS = 3


class LockMeter:
    """Times the store's storage lock (outermost holds only): wait to get it, time held.

    Every booking and every /healthz is one transaction under this one lock, so the time a
    booking holds it bounds the booking rate, whatever the number of threads.
    """

    def __init__(self, lock):
        self._inner = lock.held
        self._local = threading.local()
        self.samples = []           # (wait seconds, held seconds); list.append is atomic
        lock.held = self.held       # the instance attribute shadows the method

    @contextmanager
    def held(self):
        if getattr(self._local, "depth", 0):
            self._local.depth += 1
            try:
                with self._inner():
                    yield
            finally:
                self._local.depth -= 1
            return
        t0 = time.perf_counter()
        with self._inner():
            t1 = time.perf_counter()
            self._local.depth = 1
            try:
                yield
            finally:
                self._local.depth = 0
                t2 = time.perf_counter()
        self.samples.append((t1 - t0, t2 - t1))

    def take(self) -> list:
        samples, self.samples = self.samples, []
        return samples


class Payloads:
    """Booking payloads for an office day after day: fresh ids, round robin over days then slots.

    Numbers start at `first` and never repeat: the load process starts at 1, and the parent
    (for --profile) carries on from the number the load process hands back when it ends.
    """

    def __init__(self, first: int = 1):
        calendar = OfficeCalendar()
        self.days = [calendar.slot_starts(d) for d in calendar.bookable_days(NOW, 366)]
        assert all(len(d) == SLOTS_PER_DAY for d in self.days)
        self.capacity = len(self.days) * SLOTS_PER_DAY * ROOMS
        self.template = make_payload()
        self.numbers = itertools.count(first)  # next() on a count is atomic under the GIL

    def booking_payload(self) -> dict:
        n = next(self.numbers)
        if n > self.capacity:
            raise RuntimeError(f"office full: all {self.capacity:,} units booked")
        day = self.days[n % len(self.days)]
        start = day[(n // len(self.days)) % SLOTS_PER_DAY]
        return dict(self.template, booking_id=str(uuid.uuid4()), jobseeker_no=f"{20000 + n // 10000:05d}-{n % 10000:04d}",
                    start=start.isoformat())

    def sent(self) -> int:
        """About how many bookings were sent so far (uses up one number, which is harmless)."""
        return next(self.numbers) - 1


class Load:
    """In the load process: bounded rounds of requests from CLIENTS threads, each with its own Session."""

    def __init__(self, base: str):
        self.base = base
        self.sessions = []
        for _ in range(CLIENTS):
            s = requests.Session()
            s.trust_env = False  # loopback only: never a proxy from the environment
            self.sessions.append(s)
        self.pool = ThreadPoolExecutor(max_workers=CLIENTS)
        self.payloads = Payloads(first=1)
        self.failures = Counter()           # (kind, status or exception) -> count, this round
        self.examples = {}

    def _client(self, session, kind: str, deadline: float) -> int:
        ok = 0
        while time.perf_counter() < deadline:
            try:
                if kind == "healthz":
                    r = session.get(f"{self.base}/healthz", timeout=10)
                else:
                    r = session.post(f"{self.base}/api/v1/bookings", json=self.payloads.booking_payload(), timeout=10)
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

    def round(self, kind: str, seconds: float) -> dict:
        """One round of `seconds`: 2xx count, its duration, bookings sent before it, failures."""
        self.failures, self.examples = Counter(), {}
        before = self.payloads.sent()
        start = time.perf_counter()
        deadline = start + seconds
        futures = [self.pool.submit(self._client, s, kind, deadline) for s in self.sessions]
        ok = sum(f.result() for f in futures)
        elapsed = time.perf_counter() - start
        return {"ok": ok, "elapsed": elapsed, "before": before, "after": self.payloads.sent(),
                "failures": self.failures, "examples": self.examples}

    def close(self):
        self.pool.shutdown(wait=True)
        for s in self.sessions:
            s.close()


def load_process(conn, base: str) -> None:
    """The load process: ("round", kind, seconds) -> round report; ("stop",) -> next free number."""
    def setup():
        load = Load(base)

        def handle(message):
            if message[0] == "round":
                return load.round(message[1], message[2]), True
            return next(load.payloads.numbers), False

        return handle, load.close

    serve(conn, setup)


class ThroughputLoad(LoadProcess):
    """Rounds of requests from the load process; on close it hands back the next unused booking number."""

    def __init__(self, base: str):
        super().__init__(load_process, base)
        self.next_number = None

    def round(self, kind: str, seconds: float) -> dict:
        return self.ask(("round", kind, seconds), timeout=seconds + 60)

    def close(self) -> None:
        self.next_number = super().close(answer_timeout=30)


def day_files_report(data_dir: Path) -> tuple[int, int, Path | None, int]:
    """(number of day files, total bookings, largest file by size, bookings in it)."""
    files = sorted((data_dir / "bookings").glob("*/*.json"))
    counts = {f: len(orjson.loads(f.read_bytes()).get("bookings", {})) for f in files}
    largest = max(files, key=lambda f: f.stat().st_size, default=None)
    return len(files), sum(counts.values()), largest, counts.get(largest, 0)


def profile_requests(app, load: Payloads, meter: LockMeter, count: int) -> None:
    """Server side only: `count` bookings and `count` /healthz through the Flask test client."""
    client = app.test_client()
    count = min(count, (load.capacity - load.sent()) // 2 - 20)  # never more bookings than free units
    if count < 10:
        print(f"\n(no profile: the office has fewer than {2 * 10 + 20} free units left)")
        return
    for kind in ("healthz", "booking"):
        for _ in range(20):  # warm-up, not profiled
            r = client.get("/healthz") if kind == "healthz" else client.post("/api/v1/bookings", json=load.booking_payload())
        # One thread, no profiler: the request's own cost and its time under the storage lock.
        payloads = [load.booking_payload() for _ in range(count)] if kind == "booking" else None
        meter.take()
        t0 = time.perf_counter()
        for k in range(count):
            r = client.get("/healthz") if kind == "healthz" else client.post("/api/v1/bookings", json=payloads[k])
        wall = time.perf_counter() - t0
        held = [h for _, h in meter.take()]
        print(f"\n{kind}: one thread, no profiler, test client: {wall / count * 1000:.2f} ms per request, "
              f"of which {statistics.mean(held) * 1000:.2f} ms under the storage lock (median "
              f"{statistics.median(held) * 1000:.2f})")
        payloads = [load.booking_payload() for _ in range(count)] if kind == "booking" else None
        profiler = cProfile.Profile()
        bad = 0
        t0 = time.perf_counter()
        profiler.enable()
        for k in range(count):
            r = client.get("/healthz") if kind == "healthz" else client.post("/api/v1/bookings", json=payloads[k])
            bad += not 200 <= r.status_code < 300
        profiler.disable()
        wall = time.perf_counter() - t0
        stats = pstats.Stats(profiler)
        rows = []
        for (file, line, name), (_, ncalls, tottime, cumtime, _) in stats.stats.items():
            if file.endswith(("werkzeug/test.py", "flask/testing.py")):
                continue  # the test client building the request: client side
            rows.append((cumtime, tottime, ncalls, f"{Path(file).name}:{line}({name})" if line else name))
        rows.sort(reverse=True)
        print(f"\n--- cProfile, server side through the Flask test client: {count} x {kind} "
              f"({wall / count * 1000:.2f} ms per request wall under the profiler; non-2xx: {bad}) ---")
        print(f"  {'cum ms/req':>10} {'own ms/req':>10} {'calls/req':>9}  function")
        top = 40 if kind == "booking" else 12
        for cum, own, ncalls, where in [r for r in rows if "lsprof" not in r[3]][:top]:
            print(f"  {cum / count * 1000:10.3f} {own / count * 1000:10.3f} {ncalls / count:9.1f}  {where}")
        print("  top own time:")
        for own, cum, ncalls, where in sorted(((r[1], r[0], r[2], r[3]) for r in rows), reverse=True)[:top // 2]:
            print(f"  {cum / count * 1000:10.3f} {own / count * 1000:10.3f} {ncalls / count:9.1f}  {where}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the ratio is below the target")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one round (default 3)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="afterwards, cProfile N bookings and N /healthz through the Flask test client")
    args = parser.parse_args()
    logging.getLogger("waitress").setLevel(logging.ERROR)

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="madoguchi-bench-"))
    data_dir = tmp / "instance"
    server = thread = load = app = None
    try:
        app = create_app({"KIOSK_DATA_DIR": str(data_dir), "DEMO": False, "RATE_LIMIT_BOOKINGS_PER_MINUTE": 0,
                          "SECRET_KEY": "bench-secret", "CLOCK": lambda: NOW})
        store = app.extensions["madoguchi"].store
        for r in range(ROOMS):
            add_room(store, NOW, "bench", "zoom", f"845 {2000 + r:04d} 0001")
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=SERVER_THREADS)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.effective_port}"
        recipe = Payloads()  # the load process's recipe, here for the header (and --profile)
        load = ThroughputLoad(base)
        meter = LockMeter(store._lock)
        days = len(recipe.days)
        print(f"server {base} (waitress, threads={SERVER_THREADS}, in this process); load from a separate "
              f"process (multiprocessing spawn, pid {load.proc.pid}): {CLIENTS} client threads over loopback")
        print(f"office: {ROOMS} rooms x {SLOTS_PER_DAY} slots x {days} bookable days = {recipe.capacity:,} units; "
              f"bookings go round robin over the {days} days, then the slots: a day file holds at most "
              f"{ROOMS * SLOTS_PER_DAY} bookings")

        load.round("healthz", 0.5)  # warm-up, not counted; its failures are not reported either
        warm_bookings = load.round("booking", 0.5)["after"]

        rates = {"healthz": [], "booking": []}
        failures, examples = Counter(), {}
        for i in range(REPEATS):
            for kind in ("healthz", "booking") if i % 2 == 0 else ("booking", "healthz"):
                meter.take()
                t0 = time.perf_counter()
                report = load.round(kind, args.seconds)
                locks = meter.take() or [(0.0, 0.0)]
                rate = report["ok"] / report["elapsed"]
                before = report["before"] if kind == "booking" else None
                failures.update(report["failures"])
                for key, text in report["examples"].items():
                    examples.setdefault(key, text)
                busy = sum(h for _, h in locks) / (time.perf_counter() - t0)
                rates[kind].append(rate)
                note = (f"   (~{before:,} bookings made, ~{before / days:.0f} per day file, at the round's start)"
                        if before is not None else "")
                print(f"  round {i + 1} {kind:8s} {rate:8.1f} req/s   storage lock: held "
                      f"{statistics.mean(h for _, h in locks) * 1000:.2f} ms/txn (median "
                      f"{statistics.median(h for _, h in locks) * 1000:.2f}), waited "
                      f"{statistics.mean(w for w, _ in locks) * 1000:.2f} ms/txn, busy {busy:.0%}{note}")

        med = {k: statistics.median(v) for k, v in rates.items()}
        ratio = med["booking"] / med["healthz"]
        print()
        print(f"GET  /healthz          median {med['healthz']:8.1f} req/s  (rounds: "
              f"{', '.join(f'{r:.0f}' for r in rates['healthz'])})")
        print(f"POST /api/v1/bookings  median {med['booking']:8.1f} req/s  (rounds: "
              f"{', '.join(f'{r:.0f}' for r in rates['booking'])})")
        print(f"ratio booking / healthz       {ratio:8.2f}")
        nfiles, stored, largest, largest_count = day_files_report(data_dir)
        print(f"bookings stored: {stored:,} (about {warm_bookings} of them in the warm-up) in {nfiles} day files")
        if largest:
            print(f"largest day file: {largest.relative_to(data_dir)}, {largest.stat().st_size / 1e3:.0f} kB, "
                  f"{largest_count} bookings (a day holds at most {ROOMS * SLOTS_PER_DAY} here)")
        if failures:
            print("non-2xx responses or errors (there should be none):")
            for (kind, what), count in failures.most_common():
                print(f"  {kind} {what}: {count}  e.g. {examples[(kind, what)]!r}")
        else:
            print("non-2xx responses or errors: none")

        verdict = "PASS" if ratio >= TARGET and not any(k == "booking" for k, _ in failures) else "FAIL"
        print(f"\ntarget >= {TARGET:.2f}: {verdict}   (ratio {ratio:.2f}; run took {time.perf_counter() - started:.0f} s)")

        if args.profile:
            load.close()  # the load process ends first and hands back its next unused booking number
            if load.next_number is None:
                raise RuntimeError("load process did not hand back its next booking number")
            server.close()
            thread.join(timeout=5)
            server = thread = None
            profile_requests(app, Payloads(first=load.next_number), meter, args.profile)
            nfiles, stored, largest, largest_count = day_files_report(data_dir)
            print(f"\nafter profiling: {stored:,} bookings in {nfiles} day files; largest "
                  f"{largest.relative_to(data_dir)} with {largest_count} bookings")
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
