"""Kiosk sync: a 1,000-op outbox replayed, then replayed again (all duplicates); and the
throughput of 1-op sync batches against /healthz, measured side by side in one run.

Targets (issue: offline-first sync):
  * first replay of 1,000 ops under 10 s on this 2-core machine;
  * the duplicate replay at most 0.5 of the first;
  * (reported) sync throughput for 1-op batches as a ratio of /healthz throughput.

The server is the real app behind waitress (threads=8) in this process, on 127.0.0.1, with a
fixed clock (2026-12-01 09:00 Tokyo) so the bookable days are the same on every run. The load
(both replays and every throughput round) comes from a separate process (multiprocessing, spawn
context) over loopback, as a kiosk is another machine: client threads in the server's process
would compete with it for the GIL and slow the server down. That process gets the URL, the
kiosk's token and the free units, makes the ops itself (one op counter and one list of units
for the whole run, so every op, booking and job seeker number is unique), runs what the parent
asks for and sends back times and counts through a Pipe. Ops are sent in batches of 50, as the
kiosk's pusher does; the throughput rounds use 4 client threads in the load process. Leases are
off (LEASE_UNITS_PER_DAY=0) so that every op books a unit of its own and none is refused.

Run from the repository root:  .venv/bin/python bench/sync_replay.py [--check]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import requests  # noqa: E402
import waitress  # noqa: E402

from app import create_app  # noqa: E402
from kiosk.services import kiosks as kiosk_service  # noqa: E402
from kiosk.services import office as office_service  # noqa: E402
from tests.factories import NOW, make_payload  # noqa: E402

from bench.loadproc import SILENT, LoadProcess, serve  # noqa: E402

OPS, BATCH, ROOMS = 1000, 50, 30
ROUND_SECONDS, ROUNDS, CLIENTS = 3.0, 3, 4


def start(tmp):
    """The server, in this process; returns its URL and an enrolled kiosk's token (set-up, not timed)."""
    app = create_app({"KIOSK_DATA_DIR": str(Path(tmp) / "instance"), "DEMO": False, "SECRET_KEY": "bench",
                      "CLOCK": lambda: NOW, "LEASE_UNITS_PER_DAY": 0})
    store = app.extensions["madoguchi"].store
    for i in range(ROOMS):
        office_service.add_room(store, NOW, "bench", "zoom", f"8453000{i:04d}")
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}"
    code = kiosk_service.enroll(store, NOW, "bench", "bench-kiosk")["code"]
    token = requests.post(f"{url}/api/v1/kiosk/enroll", json={"code": code}, timeout=10).json()["token"]
    return url, token


def units(url, count):
    days = requests.get(f"{url}/api/v1/calendar?days=30", timeout=10).json()["days"]
    found = [s["start"] for d in days if d.get("bookable") for s in d["slots"] for _ in range(s["free"])]
    assert len(found) >= count, f"only {len(found)} free units"
    return found


def op(n, start):
    return {"op_id": str(uuid.uuid4()), "seq": n, "type": "booking.create", "created_at": NOW.isoformat(),
            "payload": make_payload(start=start, jobseeker_no=f"{50000 + n // 10000:05d}-{n % 10000:04d}")}


def replay(session, url, token, ops):
    statuses = {}
    started = time.perf_counter()
    for i in range(0, len(ops), BATCH):
        body = {"schema": 1, "client_sent_at": NOW.isoformat(), "ops": ops[i:i + BATCH]}
        r = session.post(f"{url}/api/v1/sync", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        r.raise_for_status()
        for result in r.json()["results"]:
            statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    return time.perf_counter() - started, statuses


def hammer(url, seconds, make_request):
    """Successful requests from CLIENTS threads, each with its own Session, in one round of `seconds`."""
    stop = time.perf_counter() + seconds
    counts = []

    def client(_):
        session, n = requests.Session(), 0
        while time.perf_counter() < stop:
            if make_request(session):
                n += 1
        return n

    with ThreadPoolExecutor(CLIENTS) as pool:
        counts = list(pool.map(client, range(CLIENTS)))
    return sum(counts)


def load_process(conn, url, token, free):
    """The load process: makes the ops, runs ("replay",) and ("round", name) on the parent's word."""
    def setup():
        units = iter(free)
        ops = [op(n + 1, next(units)) for n in range(OPS)]
        seq = [OPS + 1]
        lock = threading.Lock()

        def one_op_sync(s):
            with lock:
                seq[0] += 1
                n = seq[0]
                start_at = next(units)
            body = {"schema": 1, "client_sent_at": NOW.isoformat(), "ops": [op(n, start_at)]}
            r = s.post(f"{url}/api/v1/sync", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
            return r.ok and r.json()["results"][0]["status"] == "applied"

        def healthz(s):
            return s.get(f"{url}/healthz", timeout=30).ok

        requests_for = {"healthz": healthz, "sync": one_op_sync}
        session = requests.Session()

        def handle(message):
            if message[0] == "replay":
                return replay(session, url, token, ops), True
            if message[0] == "round":
                return hammer(url, ROUND_SECONDS, requests_for[message[1]]), True
            return SILENT, False

        return handle, session.close

    serve(conn, setup)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="madoguchi-sync-bench-") as tmp:
        url, token = start(tmp)
        load = LoadProcess(load_process, url, token, units(url, OPS + 4000))
        try:
            print(f"server {url} (waitress, threads=8, in this process); load from a separate process "
                  f"(multiprocessing spawn, pid {load.proc.pid}) over loopback: one session for the replays, "
                  f"{CLIENTS} client threads for the rounds")
            first, first_statuses = load.ask(("replay",))
            again, again_statuses = load.ask(("replay",))
            print(f"1,000-op outbox, batches of {BATCH}, one kiosk:")
            print(f"  first replay   {first:6.2f} s   {first_statuses}")
            print(f"  replay again   {again:6.2f} s   {again_statuses}")
            print(f"  ratio again / first            {again / first:.2f}")

            rates = {"healthz": [], "sync": []}
            for round_no in range(ROUNDS):
                order = ["healthz", "sync"]
                for name in (order if round_no % 2 == 0 else order[::-1]):
                    rates[name].append(load.ask(("round", name), timeout=ROUND_SECONDS + 120) / ROUND_SECONDS)
        finally:
            load.close()
        h, s = statistics.median(rates["healthz"]), statistics.median(rates["sync"])
        print(f"throughput, {CLIENTS} client threads in the load process, {ROUNDS} interleaved rounds of {ROUND_SECONDS:.0f} s:")
        print(f"  GET /healthz                {h:7.1f} req/s  (rounds: {', '.join(f'{x:.0f}' for x in rates['healthz'])})")
        print(f"  POST /api/v1/sync (1 op)    {s:7.1f} req/s  (rounds: {', '.join(f'{x:.0f}' for x in rates['sync'])})")
        print(f"  ratio sync / healthz        {s / h:.2f}")
        ok_first, ok_ratio = first < 10, again / first <= 0.5
        print(f"target first replay < 10 s: {'PASS' if ok_first else 'FAIL'}")
        print(f"target duplicate replay <= 0.5 of the first: {'PASS' if ok_ratio else 'FAIL'}")
        if args.check and not (ok_first and ok_ratio):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
