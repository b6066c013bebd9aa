"""Kiosks coming back after an outage: 5 kiosks, leases on, each replaying an outbox of 200 ops at
once (its 10 leased units booked offline, the rest bookings whose times it saw), in batches of 50
with `have_leases`, `status` and a slip asked for the last op of each batch, as the kiosk's pusher
sends them; then every kiosk replays the same outbox again (a lost answer: all duplicates).

Side by side in one run, one after another: `python app.py` on TinyDB, and the Flask + SQLite
baseline (bench/baseline_sqlite.py) taking the same requests. Load from a separate process.
Printed: seconds for the first replay and the duplicate replay, ops per second, p50/p99 per batch,
and the ratios. Targets: the first replay of 1,000 ops under 10 s; the duplicate replay at most
0.5 of the first; no op lost (every op applied or duplicate, none rejected but those the rules
refuse).

Run from the repository root:  .venv/bin/python bench/sync_replay.py [--check]
"""
import argparse
import json
import multiprocessing as mp
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import fleet  # noqa: E402
from bench.harness import Connection, ms, percentile  # noqa: E402
from bench.office_load import Baseline, Madoguchi  # noqa: E402

KIOSKS, OPS_PER_KIOSK, BATCH, ROOMS = 5, 200, 50, 30


def outbox(kiosk: int, leases: list, free: list, consent) -> list:
    now = datetime.now(fleet.TOKYO)
    ops = []
    for n in range(OPS_PER_KIOSK):
        lease = leases[n] if n < len(leases) else None
        start = lease["start"] if lease else free[n - len(leases)]
        number = 100_000 * (kiosk + 1) + n
        ops.append({"op_id": str(uuid.uuid4()), "seq": n + 1, "type": "booking.create",
                    "created_at": (now - timedelta(minutes=5)).isoformat(),
                    "payload": fleet.payload(consent, start, number, lease["lease_unit_id"] if lease else None)})
    return ops


def replay(url, token, ops, have) -> tuple[list, Counter]:
    conn, times, results = Connection(url), [], Counter()
    for i in range(0, len(ops), BATCH):
        batch = ops[i:i + BATCH]
        body = {"schema": 1, "client_sent_at": datetime.now(fleet.TOKYO).isoformat(), "ops": batch,
                "status": {"outbox": len(ops) - i, "dead_letters": 0, "persisted": True, "app_version": "bench"},
                "have_leases": have, "slips_for": [batch[-1]["op_id"]]}
        t0 = time.perf_counter()
        status, raw = conn.request("POST", "/api/v1/sync", body, {"Authorization": f"Bearer {token}"})
        times.append(time.perf_counter() - t0)
        assert status == 200, (status, raw[:300])
        results.update(r["status"] if r["status"] != "rejected" else f"rejected:{r['error']['code']}"
                       for r in json.loads(raw)["results"])
    conn.close()
    return times, results


def load_main(pipe, url, tokens, consent, free):
    first_syncs = []
    for token in tokens:
        conn = Connection(url)
        status, raw = conn.request("POST", "/api/v1/sync", {"schema": 1, "ops": [],
                                                             "client_sent_at": datetime.now(fleet.TOKYO).isoformat()},
                                   {"Authorization": f"Bearer {token}"})
        first_syncs.append(json.loads(raw)["leases"])
        conn.close()
    outboxes = [outbox(k, leases, free[k::KIOSKS], consent) for k, leases in enumerate(first_syncs)]
    have = [[lease["lease_unit_id"] for lease in leases] for leases in first_syncs]
    answers = {}
    for phase in ("first", "again"):
        out = [None] * KIOSKS
        t0 = time.perf_counter()
        threads = [threading.Thread(target=lambda k=k: out.__setitem__(k, replay(url, tokens[k], outboxes[k], have[k])))
                   for k in range(KIOSKS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        answers[phase] = {"seconds": time.perf_counter() - t0, "batches": [x for o in out for x in o[0]],
                          "results": dict(sum((o[1] for o in out), Counter()))}
    pipe.send(answers)
    pipe.close()


def measure(make, label: str) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-replay-"))
    try:
        target = make(folder)
        try:
            url = target.urls[0]
            conn = Connection(url)
            _, raw = conn.request("GET", "/api/v1/calendar?days=30")
            conn.close()
            days = json.loads(raw)["days"]
            free = [s["start"] for d in days if d.get("bookable") for s in d["slots"] for _ in range(max(0, s["free"] - 2))]
            plan = target.plan[0]
            ctx = mp.get_context("spawn")
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=load_main, args=(child, url, plan["tokens"], plan["consent"], free))
            proc.start()
            answers = parent.recv()
            proc.join()
        finally:
            target.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{label}")
    for phase, a in answers.items():
        ops = sum(a["results"].values())
        print(f"  {phase:6} {a['seconds']:6.2f} s  {ops / a['seconds']:6.0f} ops/s  batch p50 {ms(percentile(a['batches'], 50))}"
              f" ms  p99 {ms(percentile(a['batches'], 99))} ms  {a['results']}")
    return answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    offices = [{"slug": "main", "rooms": ROOMS, "kiosks": KIOSKS, "phones": 0}]
    print(f"{KIOSKS} kiosks, leases on, {OPS_PER_KIOSK} ops each ({KIOSKS * OPS_PER_KIOSK} in all) replayed at once "
          f"in batches of {BATCH}, then again")
    ours = measure(lambda f: Madoguchi(f, offices), "madoguchi (TinyDB, 1 process)")
    theirs = measure(lambda f: Baseline(f, offices), "sqlite baseline (Flask + SQLite)")
    first, again = ours["first"]["seconds"], ours["again"]["seconds"]
    print(f"\nratios: first replay ours / sqlite {first / theirs['first']['seconds']:.2f}, duplicate replay ours / sqlite "
          f"{again / theirs['again']['seconds']:.2f}; ours again / first {again / first:.2f}")
    lost = sum(n for k, n in ours["first"]["results"].items() if k not in ("applied", "duplicate"))
    ok = first < 10 and again / first <= 0.5 and set(ours["again"]["results"]) <= {"duplicate", "rejected:slot_full"}
    print(f"refused by the rules on the first replay: {lost}; target first < 10 s, again <= 0.5 x first: "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
