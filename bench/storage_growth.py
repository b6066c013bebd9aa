"""Booking-create time as the history grows: 100,000 past bookings versus 1,000.

Target: median create time with 100,000 historical bookings / the same with 1,000 <= 1.5.
(Plain TinyDB in one file measures about 100 here: every insert re-reads and rewrites it all.)

How it measures, so noise on a small shared machine hits both sides equally:
  * two data directories are filled FAST by writing day files directly, in the layout and
    TinyDB JSON format the Store uses (bookings/YYYY-MM/YYYY-MM-DD.json, written with orjson):
    1,000 history = one past month (2026-11) of 1,000 bookings, 100,000 history = 100 past
    months of 1,000 each (2026-11 back to 2018-08); each month's 1,000 are spread over its
    weekdays (about 50 a day), one file per day;
  * each store runs in its own spawned worker process (so the large store's 100,000-entry
    index and its parsed days do not slow the small store's garbage collection or caches);
  * both workers add the same rooms, then open a FRESH Store (the start-up index build is
    timed separately, for information);
  * the parent sends the timed creates alternately (small, large, large, small, ...) and
    each worker times only its `create_booking` call.

Also measured, for information only (not part of the target):
  * returning visitors: creates by job seeker numbers that already have a past booking
    somewhere in the history (their past day files may not be in memory);
  * the naive baseline: plain `tinydb.TinyDB` (default JSONStorage, one file), inserting into a
    table of 1,000 versus 10,000 documents (100,000 would take far too long to fill and time).

Run from the repository root:  .venv/bin/python bench/storage_growth.py [--check] [--profile]
Exit code is 0 (it is a report) unless --check is given and the ratio is above the target.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse  # noqa: E402
import json  # noqa: E402
from collections import defaultdict  # noqa: E402
import multiprocessing as mp  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import uuid  # noqa: E402
from datetime import date, datetime, timedelta  # noqa: E402

TARGET = 1.5
PER_MONTH = 1000           # an office fills at most about 1,000 bookings a month
SMALL_MONTHS = 1           # 1,000 history
LARGE_MONTHS = 100         # 100,000 history
ROOMS = 40
DAYS = 5                   # bookable days the timed creates are spread over
WARMUP = 10                # untimed creates per store first (creates the Dec day files)
TIMED = 200                # timed creates per store (new visitors): the target
RETURNING = 60             # timed creates per store by returning visitors: information only
NAIVE_SMALL, NAIVE_LARGE, NAIVE_INSERTS = 1_000, 10_000, 15


# -- history, written straight into day files -----------------------------------------------

def _months_back(first: str, count: int) -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def history_number(i: int) -> str:
    """Distinct 求職番号 of the form NNNNN-NNNN for history booking number i (< 100,000)."""
    return f"{10000 + i // 10000:05d}-{i % 10000:04d}"


def history_records(month: str, month_index: int):
    """1,000 past bookings in `month`: weekdays, every slot, statuses attended/cancelled/no_show."""
    from kiosk.domain.calendar import TOKYO
    from tests.factories import consent, make_booking

    year, mon = map(int, month.split("-"))
    weekdays = [d for d in range(1, 29) if date(year, mon, d).weekday() < 5]
    agreed = consent()
    eligibility = {"registered": True, "has_camera_device": True, "wants_continuous_counseling": True}
    statuses = ["attended"] * 7 + ["cancelled"] * 2 + ["no_show"]
    records = {}
    for j in range(PER_MONTH):
        i = month_index * PER_MONTH + j
        day = weekdays[j % len(weekdays)]
        slot = (j // len(weekdays)) % 12
        start = datetime(year, mon, day, 10, 0, tzinfo=TOKYO) + timedelta(minutes=30 * slot)
        created = start - timedelta(days=3 + j % 10)
        status = statuses[j % len(statuses)]
        history = ({"at": created.isoformat(), "by": "phone", "status": "confirmed"},
                   {"at": (start + timedelta(minutes=40)).isoformat(), "by": "staff", "status": status})
        booking = make_booking(
            booking_id=str(uuid.UUID(int=i + 1, version=4)), start=start, jobseeker_no=history_number(i),
            status=status, room=f"r{1 + j % ROOMS}", room_id=f"845 {1000 + j % ROOMS:04d} 0001",
            created_at=created, consent=dict(agreed, language="ja", channel="phone", kiosk_id=None),
            eligibility=eligibility, request_hash=f"{i:064x}", history=history,
        )
        record = booking.to_record()
        record["receipts"] = {}
        records[str(j + 1)] = record
    return records


def fill_history(data_dir: Path, months: int) -> None:
    """One file per Tokyo day of `start`: <data_dir>/bookings/YYYY-MM/YYYY-MM-DD.json (orjson)."""
    import orjson

    from kiosk.domain.calendar import tokyo

    data_dir.mkdir(parents=True)
    for k, month in enumerate(_months_back("2026-11", months)):
        by_day = defaultdict(dict)
        for record in history_records(month, k).values():
            day = tokyo(datetime.fromisoformat(record["start"])).date().isoformat()
            docs = by_day[day]
            docs[str(len(docs) + 1)] = record
        folder = data_dir / "bookings" / month
        folder.mkdir(parents=True)
        for day, docs in by_day.items():
            (folder / f"{day}.json").write_bytes(orjson.dumps({"bookings": docs}))


def day_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "bookings").glob("*/*.json"))


# -- the worker: one store per process ----------------------------------------------------

def worker(conn, data_dir: str, profile: bool) -> None:
    """Add rooms, open a fresh Store, then time each create the parent sends."""
    import cProfile
    import io
    import pstats

    from kiosk.config import load_settings
    from kiosk.services.bookings import Context, create_booking
    from kiosk.services.office import add_room
    from kiosk.storage import Store
    from tests.factories import NOW

    try:
        setup = Store(data_dir)
        for r in range(ROOMS):
            add_room(setup, NOW, "bench", "zoom", f"845 {1000 + r:04d} 0001")
        setup.close()

        t0 = time.perf_counter()
        store = Store(data_dir)
        with store.transaction():
            days = len(store.booking_days())
        open_seconds = time.perf_counter() - t0
        ctx = Context(load_settings({"DEMO": False}), "bench-secret", "http://bench.invalid/")
        profilers = {"new": cProfile.Profile(), "returning": cProfile.Profile()} if profile else {}
        conn.send(("ready", open_seconds, days))
    except Exception:
        conn.send(("error", traceback.format_exc()))
        return

    while True:
        message = conn.recv()
        if message[0] == "empty-transactions":
            # The fixed per-transaction cost: the lock plus the freshness check (one read of the
            # generation number in .storage.lock; no rescan, as no other process writes).
            times = []
            for _ in range(message[1]):
                t0 = time.perf_counter()
                with store.transaction():
                    pass
                times.append(time.perf_counter() - t0)
            conn.send(("ok", statistics.median(times)))
            continue
        if message[0] == "stop":
            reports = {}
            for phase, profiler in profilers.items():
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"kiosk|tinydb|json|posix", 24)
                reports[phase] = out.getvalue()
            store.close()
            conn.send(("stopped", reports))
            return
        _, payload, phase = message
        profiler = profilers.get(phase)
        try:
            if profiler:
                profiler.enable()
            t0 = time.perf_counter()
            _, created = create_booking(store, ctx, payload, NOW)
            elapsed = time.perf_counter() - t0
            if profiler:
                profiler.disable()
            conn.send(("ok" if created else "not-created", elapsed))
        except Exception as err:  # report, keep going
            if profiler:
                profiler.disable()
            conn.send(("error", f"{type(err).__name__}: {err}"))


# -- the naive baseline: plain TinyDB, one file ---------------------------------------------

def naive_baseline(tmp: Path, records: list[dict]) -> tuple[float, float]:
    from tinydb import TinyDB

    def make(n):
        path = tmp / f"naive-{n}.json"
        docs = {str(i + 1): records[i % len(records)] for i in range(n)}
        path.write_text(json.dumps({"bookings": docs}), encoding="utf-8")
        return TinyDB(path).table("bookings")

    small, large = make(NAIVE_SMALL), make(NAIVE_LARGE)
    times = {NAIVE_SMALL: [], NAIVE_LARGE: []}
    for k in range(NAIVE_INSERTS):
        order = [(NAIVE_SMALL, small), (NAIVE_LARGE, large)]
        if k % 2:
            order.reverse()
        for n, table in order:
            record = dict(records[k], booking_id=str(uuid.uuid4()))
            t0 = time.perf_counter()
            table.insert(record)
            times[n].append(time.perf_counter() - t0)
    return statistics.median(times[NAIVE_SMALL]), statistics.median(times[NAIVE_LARGE])


# -- the run --------------------------------------------------------------------------------

def slots() -> list[datetime]:
    from kiosk.domain.calendar import OfficeCalendar
    from tests.factories import NOW

    calendar = OfficeCalendar()
    days = calendar.bookable_days(NOW, DAYS)
    return [s for d in days for s in calendar.slot_starts(d)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the ratio is above the target")
    parser.add_argument("--profile", action="store_true", help="cProfile the timed creates in both workers")
    args = parser.parse_args()

    from tests.factories import make_payload

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="madoguchi-bench-"))
    workers = {}
    try:
        t0 = time.perf_counter()
        dirs = {"small": tmp / "history-1k", "large": tmp / "history-100k"}
        fill_history(dirs["small"], SMALL_MONTHS)
        fill_history(dirs["large"], LARGE_MONTHS)
        files = {k: day_files(d) for k, d in dirs.items()}
        size = {k: sum(p.stat().st_size for p in f) for k, f in files.items()}
        print(f"history written in {time.perf_counter() - t0:.1f} s: "
              f"small {SMALL_MONTHS * PER_MONTH:,} bookings in {len(files['small']):,} day files "
              f"({SMALL_MONTHS} month folder, {size['small'] / 1e6:.1f} MB), "
              f"large {LARGE_MONTHS * PER_MONTH:,} in {len(files['large']):,} day files "
              f"({LARGE_MONTHS} month folders, {size['large'] / 1e6:.1f} MB)")

        spawn = mp.get_context("spawn")
        for name, d in dirs.items():
            parent_end, child_end = spawn.Pipe()
            proc = spawn.Process(target=worker, args=(child_end, str(d), args.profile), daemon=True)
            proc.start()
            workers[name] = (proc, parent_end)
        for name, (_, conn) in workers.items():
            reply = conn.recv()
            if reply[0] == "error":
                print(f"{name} worker failed to start:\n{reply[1]}")
                return 1 if args.check else 0
            print(f"{name:5s} store: fresh Store open + index build of {reply[2]:,} day files: "
                  f"{reply[1] * 1000:.0f} ms (information, not timed below)")

        starts = slots()
        errors = []

        def run(payloads, phase):
            """Send each payload to both stores, alternating which goes first; return times."""
            times = {"small": [], "large": []}
            for k, pair in enumerate(payloads):
                order = ["small", "large"] if k % 2 == 0 else ["large", "small"]
                for name in order:
                    conn = workers[name][1]
                    conn.send(("create", pair[name], phase))
                    status, value = conn.recv()
                    if status == "ok":
                        times[name].append(value)
                    else:
                        errors.append(f"{name}: {status} {value}")
            return times

        counter = iter(range(10_000))

        def new_visitor_pair():
            n = next(counter)
            payload = make_payload(booking_id=str(uuid.uuid4()), jobseeker_no=f"90000-{n:04d}",
                                   start=starts[n % len(starts)].isoformat())
            return {"small": payload, "large": payload}

        run([new_visitor_pair() for _ in range(WARMUP)], phase=None)
        new = run([new_visitor_pair() for _ in range(TIMED)], phase="new")

        rng = random.Random(7)
        small_numbers = rng.sample(range(SMALL_MONTHS * PER_MONTH), RETURNING)
        large_numbers = rng.sample(range(LARGE_MONTHS * PER_MONTH), RETURNING)
        returning_pairs = []
        for a, b in zip(small_numbers, large_numbers):
            pair = new_visitor_pair()
            returning_pairs.append({"small": dict(pair["small"], jobseeker_no=history_number(a)),
                                    "large": dict(pair["large"], booking_id=str(uuid.uuid4()),
                                                  jobseeker_no=history_number(b))})
        returning = run(returning_pairs, phase="returning")

        empty = {}
        for name, (_, conn) in workers.items():
            conn.send(("empty-transactions", 300))
            empty[name] = conn.recv()[1]

        for name, (proc, conn) in workers.items():
            conn.send(("stop",))
            _, reports = conn.recv()
            proc.join(timeout=10)
            for phase, report in reports.items():
                print(f"\n--- cProfile: {name} store, {phase}-visitor creates (cumulative, top entries) ---\n{report}")

        med = {k: statistics.median(v) for k, v in new.items()}
        ratio = med["large"] / med["small"]
        print()
        print(f"booking create, new visitors ({len(new['small'])} + {len(new['large'])} timed, interleaved, "
              f"spread over {len(starts)} slots on {DAYS} days, {ROOMS} rooms):")
        print(f"  median with   1,000 history  {ms(med['small'])}")
        print(f"  median with 100,000 history  {ms(med['large'])}")
        for name in ("small", "large"):
            q = statistics.quantiles(new[name], n=10)
            print(f"  {name:5s} p10 {q[0] * 1000:.2f} ms, p90 {q[-1] * 1000:.2f} ms")
        print(f"  ratio 100,000 / 1,000        {ratio:8.2f}")

        print(f"  of which an empty store.transaction() (lock + generation check in .storage.lock): "
              f"{empty['small'] * 1000:.3f} ms vs {empty['large'] * 1000:.3f} ms")

        if returning["small"] and returning["large"]:
            rmed = {k: statistics.median(v) for k, v in returning.items()}
            print(f"\nbooking create, returning visitors (information only; {RETURNING} each, number already "
                  f"has a past booking in some day file):")
            print(f"  median with   1,000 history  {ms(rmed['small'])}")
            print(f"  median with 100,000 history  {ms(rmed['large'])}")
            print(f"  ratio 100,000 / 1,000        {rmed['large'] / rmed['small']:8.2f}")

        if errors:
            print(f"\n{len(errors)} creates did not succeed (there should be none), first few:")
            for e in errors[:5]:
                print(f"  {e}")

        sample = [r for r in history_records("2026-11", 0).values()][:NAIVE_INSERTS]
        nsmall, nlarge = naive_baseline(tmp, sample)
        print(f"\nnaive baseline (information only): plain tinydb.TinyDB, default JSONStorage, one file, "
              f"median of {NAIVE_INSERTS} interleaved inserts")
        print(f"  table of {NAIVE_SMALL:>6,} docs  {ms(nsmall)}")
        print(f"  table of {NAIVE_LARGE:>6,} docs  {ms(nlarge)}")
        print(f"  ratio {NAIVE_LARGE:,} / {NAIVE_SMALL:,}  {nlarge / nsmall:8.2f}   (100,000 docs not measured: "
              f"too slow to fill and time here; cost grows linearly, so about "
              f"{nlarge / nsmall * 100_000 / NAIVE_LARGE:.0f}x by extrapolation)")

        verdict = "PASS" if ratio <= TARGET and not errors else "FAIL"
        print(f"\ntarget <= {TARGET}: {verdict}   (ratio {ratio:.2f}; run took {time.perf_counter() - started:.0f} s)")
        return 1 if args.check and verdict == "FAIL" else 0
    finally:
        for proc, conn in workers.values():
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
