"""The same office with 1,000 and with 300,000 bookings of history (25 years at 1,000 a month), as
`python app.py` on TinyDB and as the Flask + SQLite baseline (bench/baseline_sqlite.py), side by
side in one run, each server in a process of its own, the requests from another process:

  start       server start until /healthz answers, and until its first booking is answered
  memory      the server's resident memory after the bookings below
  new         200 bookings by new visitors, one connection: p50 / p99
  returning   200 bookings by visitors with history (each 求職番号 has about ten past bookings,
              kept as if retention were off: the worst case): p50 / p99
  cli         one command while the server runs (ours: `flask --app app room list`; the baseline's:
              a Python script that opens the database and counts its bookings)
  backup      `flask --app app backup DEST` (the baseline: SQLite's online backup API) while a
              client books and reads the calendar every 10 ms: how long it took, and the longest
              request during it

Targets at 300k (issue 12): start < 1.5 s; a CLI command < 1 s; no request stalled > 250 ms by a
backup; returning-visitor p99 <= 2x the 1k figure.

History is written through the storage contract (save_booking in transactions of 5,000, then a
checkpoint), so it is in the layout the server reads, not a hand-made copy.

Run from the repository root:  .venv/bin/python bench/storage_growth.py [--sizes 1000,300000] [--check]
"""
import argparse
import json
import multiprocessing as mp
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import fleet  # noqa: E402
from bench.harness import ROOT, Connection, Server, consent_of, ms, percentile  # noqa: E402

ROOMS, TIMED, VISITORS_PER = 40, 200, 10
ENV = {"DEMO": 0, "SECRET_KEY": "bench", "THREADS": 8, "RATE_LIMIT_BOOKINGS_PER_MINUTE": 0,
       "RATE_LIMIT_CANCELS_PER_MINUTE": 0, "RATE_LIMIT_ENROLLMENTS_PER_MINUTE": 0, "LEASE_UNITS_PER_DAY": 0,
       "RETENTION_DAYS": 20000}          # history kept with its 求職番号 (the worst case for a returning visitor)


def history(n: int):
    """(start, room, status, 求職番号) of `n` past bookings, 1,000 a month going back from last month."""
    from kiosk.domain.calendar import TOKYO
    rng = random.Random(n)
    day = datetime.now(TOKYO).date().replace(day=1) - timedelta(days=1)
    made = 0
    while made < n:
        if day.weekday() < 5:
            for k in range(min(48, n - made)):
                start = datetime(day.year, day.month, day.day, 10 + (k % 12) // 2, 30 * (k % 2), tzinfo=TOKYO)
                yield start, f"r{k // 12 + 1}", rng.choice(("attended", "attended", "attended", "no_show", "cancelled")), \
                    f"{40000 + (made // VISITORS_PER) // 10000:05d}-{(made // VISITORS_PER) % 10000:04d}"
                made += 1
        day -= timedelta(days=1)


def fill_madoguchi(data_dir: Path, n: int) -> None:
    from kiosk.config import load_settings
    from kiosk.domain.bookings import Booking, new_reference
    from kiosk.services.office import add_room
    from kiosk.storage import open_backend
    backend = open_backend(load_settings({"KIOSK_DATA_DIR": str(data_dir)}, environ={}))
    store = backend.office()
    now = datetime.now(fleet.TOKYO)
    for r in range(ROOMS):
        add_room(store, now, "bench", "zoom", f"845{r:07d}")
    with store.transaction():
        rooms = {room.id: room for room in store.rooms()}
    batch = []

    def flush():
        with store.transaction():
            for b in batch:
                store.save_booking(b)
        batch.clear()

    for start, room, status, number in history(n):
        batch.append(Booking(booking_id=str(uuid.uuid4()), service="counseling", start=start, end=start + timedelta(minutes=30),
                             status=status, name="山田 花子", jobseeker_no=number, meeting_app="zoom", room=room,
                             room_id=rooms[room].meeting_id if room in rooms else None, created_at=start - timedelta(days=3),
                             reference=new_reference(os.urandom(6)), channel="kiosk"))
        if len(batch) == 5000:
            flush()
    flush()
    backend.close()


def fill_sqlite(db: Path, n: int) -> None:
    env = dict(os.environ, DB=str(db), ROOMS=str(ROOMS))
    subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'bench'); import baseline_sqlite as b; b.setup()"],
                   cwd=ROOT, env=env, check=True)
    conn = sqlite3.connect(db)
    conn.executemany("INSERT INTO bookings (booking_id, start, room, name, jobseeker_no, language, status, created_at) "
                     "VALUES (?, ?, ?, '山田 花子', ?, 'ja', ?, ?)",
                     ((str(uuid.uuid4()), s.isoformat(), room, number, status if status != "attended" else "confirmed",
                       (s - timedelta(days=3)).isoformat()) for s, room, status, number in history(n)))
    conn.commit()
    conn.close()


def returning_numbers(n: int) -> list[str]:
    return sorted({number for *_, number in history(n)})[:TIMED]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def book_main(pipe, url, payloads):
    conn, times, statuses = Connection(url), [], {}
    for p in payloads:
        t0 = time.perf_counter()
        status, _ = conn.request("POST", "/api/v1/bookings", p)
        times.append(time.perf_counter() - t0)
        statuses[status] = statuses.get(status, 0) + 1
    conn.close()
    pipe.send((times, statuses))


def probe_main(pipe, url, payloads):
    """Every 10 ms a booking or a calendar read, until told to stop: each request's latency."""
    conn, times = Connection(url), []
    stop = threading.Event()
    threading.Thread(target=lambda: (pipe.recv(), stop.set()), daemon=True).start()
    i = 0
    while not stop.is_set():
        t0 = time.perf_counter()
        if i % 2 and i // 2 < len(payloads):
            conn.request("POST", "/api/v1/bookings", payloads[i // 2])
        else:
            conn.request("GET", "/api/v1/calendar?days=7")
        times.append(time.perf_counter() - t0)
        i += 1
        time.sleep(0.01)
    conn.close()
    pipe.send(times)


def in_process(target, *args):
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=target, args=(child, *args))
    proc.start()
    return proc, parent


def payloads_for(consent, starts, numbers) -> list[dict]:
    return [fleet.payload(consent, start, 0) | {"jobseeker_no": number} for start, number in zip(starts, numbers)]


def measure(kind: str, n: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-growth-{kind}-"))
    try:
        t0 = time.perf_counter()
        if kind == "madoguchi":
            fill_madoguchi(folder / "data", n)
        else:
            fill_sqlite(folder / "b.db", n)
        filled = time.perf_counter() - t0
        t0 = time.perf_counter()
        if kind == "madoguchi":
            server = Server(["app.py"], dict(ENV, KIOSK_DATA_DIR=folder / "data"), folder / "server.log")
        else:
            server = Server(["bench/baseline_sqlite.py"], {"DB": folder / "b.db", "ROOMS": ROOMS, "THREADS": 8,
                                                           "LEASE_UNITS_PER_DAY": 0}, folder / "server.log")
        start_s = time.perf_counter() - t0
        try:
            consent = consent_of(server.url) if kind == "madoguchi" else {"terms": []}
            conn = Connection(server.url)
            _, raw = conn.request("GET", "/api/v1/calendar?days=40")
            conn.close()
            starts = [s["start"] for d in json.loads(raw)["days"] if d.get("bookable") for s in d["slots"]
                      for _ in range(s["free"])]
            random.Random(1).shuffle(starts)
            first = payloads_for(consent, starts[:1], ["29999-0001"])
            t1 = time.perf_counter()
            proc, pipe = in_process(book_main, server.url, first)
            pipe.recv()
            proc.join()
            first_booking = start_s + time.perf_counter() - t1
            new = payloads_for(consent, starts[1:1 + TIMED], [f"29998-{i:04d}" for i in range(TIMED)])
            back = payloads_for(consent, starts[1 + TIMED:1 + 2 * TIMED], returning_numbers(n))
            results = {}
            for name, payloads in (("new", new), ("returning", back)):
                proc, pipe = in_process(book_main, server.url, payloads)
                results[name] = pipe.recv()
                proc.join()
            rss = rss_kb(server.pid)
            t1 = time.perf_counter()
            if kind == "madoguchi":
                subprocess.run([sys.executable, "-m", "flask", "--app", "app", "room", "list"], cwd=ROOT, check=True,
                               env=dict(os.environ, KIOSK_DATA_DIR=str(folder / "data"), DEMO="0"), capture_output=True)
            else:
                subprocess.run([sys.executable, "-c", f"import sqlite3, flask; print(sqlite3.connect({str(folder / 'b.db')!r})"
                                ".execute('SELECT count(*) FROM bookings').fetchone())"], check=True, capture_output=True)
            cli = time.perf_counter() - t1
            probe_payloads = payloads_for(consent, starts[1 + 2 * TIMED:], [f"29997-{i:04d}" for i in range(2000)])
            proc, pipe = in_process(probe_main, server.url, probe_payloads)
            time.sleep(0.5)
            t1 = time.perf_counter()
            if kind == "madoguchi":
                subprocess.run([sys.executable, "-m", "flask", "--app", "app", "backup", str(folder / "copy")], cwd=ROOT,
                               check=True, env=dict(os.environ, KIOSK_DATA_DIR=str(folder / "data"), DEMO="0"),
                               capture_output=True)
            else:
                subprocess.run([sys.executable, "-c", f"import sqlite3; s = sqlite3.connect({str(folder / 'b.db')!r}); "
                                f"d = sqlite3.connect({str(folder / 'copy.db')!r}); s.backup(d); d.close()"], check=True)
            backup_s = time.perf_counter() - t1
            time.sleep(0.3)
            pipe.send("stop")
            probe = pipe.recv()
            proc.join()
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"fill": filled, "start": start_s, "first_booking": first_booking, "rss_mb": rss / 1024,
            "new": results["new"], "returning": results["returning"], "cli": cli, "backup": backup_s,
            "stall": max(probe) if probe else float("nan"), "probe_p99": percentile(probe, 99)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,300000")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    results = {}
    for n in sizes:
        for kind in ("madoguchi", "sqlite"):
            r = results[(kind, n)] = measure(kind, n)
            bad = {s: c for name in ("new", "returning") for s, c in r[name][1].items() if s not in (200, 201)}
            print(f"{kind:9} {n:>7} history (filled in {r['fill']:.0f} s): start {ms(r['start'])} ms, first booking "
                  f"{ms(r['first_booking'])} ms, {r['rss_mb']:.0f} MB; new p50 {ms(percentile(r['new'][0], 50))} "
                  f"p99 {ms(percentile(r['new'][0], 99))} ms; returning p50 {ms(percentile(r['returning'][0], 50))} "
                  f"p99 {ms(percentile(r['returning'][0], 99))} ms; cli {ms(r['cli'])} ms; backup {r['backup']:.2f} s, "
                  f"longest request during it {ms(r['stall'])} ms{'; refused ' + str(bad) if bad else ''}", flush=True)
    big, small = max(sizes), min(sizes)
    ours, theirs = results[("madoguchi", big)], results[("sqlite", big)]
    p99 = lambda r: percentile(r["returning"][0], 99)  # noqa: E731
    print(f"\nat {big:,}: start ours / sqlite {ours['start'] / theirs['start']:.2f}; returning p99 ours / sqlite "
          f"{p99(ours) / p99(theirs):.2f}; longest request during a backup ours / sqlite {ours['stall'] / theirs['stall']:.2f}")
    growth = p99(ours) / p99(results[("madoguchi", small)])
    checks = {f"start < 1.5 s ({ours['start']:.2f})": ours["start"] < 1.5,
              f"a CLI command < 1 s ({ours['cli']:.2f})": ours["cli"] < 1.0,
              f"no request stalled > 250 ms by a backup ({ms(ours['stall'])} ms)": ours["stall"] < 0.25,
              f"returning-visitor p99 at {big:,} <= 2x at {small:,} ({growth:.2f}x)": growth <= 2.0}
    for what, fine in checks.items():
        print(f"target {what}: {'PASS' if fine else 'FAIL'}")
    ok = all(checks.values())
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
