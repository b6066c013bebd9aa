"""Booking throughput and latency against what an office would pick instead, side by side in one run.

Three servers, each in a process of its own under waitress with 8 threads, measured one after
another (never at once), each from a fresh, empty office of 60 rooms:

  madoguchi   this app (`python app.py`, TinyDB data directory): POST /api/v1/bookings
  sqlite      bench/baseline_sqlite.py, a minimal Flask + SQLite app (WAL, synchronous=FULL)
              taking the same request
  hello       the same Flask app's /healthz: what waitress + Flask cost with no storage at all
  pg1, pg3    with --postgres: this app on PostgreSQL (a throwaway cluster, fsync on), one `python
              app.py`, then three on the same database with the connections spread over them:
              every booking in the one office
  pref1/3     the same, with the bookings spread over the 15 offices of a prefecture in turn
              (/o/<slug>/api/v1/bookings): how far a prefecture's app servers scale

The load comes from a separate, spawned process: 1 keep-alive connection, then 8, for a few
seconds each, the order alternating across repeats. Only 2xx answers count. Printed: requests
per second, p50 and p99, and the ratios. Targets (issue 12): booking throughput >= 1.0x the SQLite
baseline's; p99 at one connection <= 2x the baseline's. With --postgres (issue 15): three app
processes >= 1.4x one at 8 connections for the prefecture (pref3 / pref1), and PostgreSQL / TinyDB
printed as a ratio. pg3 / pg1 is printed too: one office's bookings take turns on its audit chain
head and on the day's units lock, each held until the commit is durable, so one office gains less.

Run from the repository root:  .venv/bin/python bench/throughput.py [--seconds 4] [--repeats 2] [--postgres] [--check]
"""
import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import add_rooms, baseline, consent_of, load, madoguchi, ms, office_starts  # noqa: E402

ROOMS = 60
OFFICES = tuple(f"office{n:02d}" for n in range(1, 16))
CLUSTER = None


def servers_for(kind: str, folder: Path) -> list:
    if kind == "madoguchi":
        add_rooms(folder / "data", ROOMS)
        return [madoguchi(folder / "data")]
    if kind in ("pg1", "pg3", "pref1", "pref3"):
        database = CLUSTER.create_database()
        add_rooms(None, ROOMS, database.app_url, offices_of(kind))
        return [madoguchi(folder / f"data{i}", DATABASE_URL=database.app_url) for i in range(int(kind[-1]))]
    return [baseline(folder / "bookings.db", ROOMS)]


def offices_of(kind: str) -> tuple:
    return OFFICES if kind.startswith("pref") else ("",)


def measure(kind: str, connections: int, seconds: float, starts) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{kind}-"))
    try:
        servers = servers_for(kind, folder)
        try:
            urls = [s.url for s in servers]
            consent = consent_of(urls[0]) if kind not in ("sqlite", "hello") else {"terms": []}
            what = "health" if kind == "hello" else "booking"
            offices = offices_of(kind)
            load(urls, what, connections, 0.5, starts, consent, first=1, offices=offices)               # warm-up
            return load(urls, what, connections, seconds, starts, consent, first=100_000, offices=offices)
        finally:
            for server in servers:
                server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL, with one and three app processes")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--only", default="", help="measure only these servers (comma-separated), print no ratios")
    args = parser.parse_args()
    global CLUSTER
    if args.postgres:
        from tests.postgres import Cluster
        CLUSTER = Cluster(durable=True).start()
    try:
        return run(args)
    finally:
        if CLUSTER is not None:
            CLUSTER.stop()


def run(args) -> int:
    starts = office_starts(ROOMS)
    results = {}
    kinds = ("madoguchi", "sqlite", "hello") + (("pg1", "pg3", "pref1", "pref3") if args.postgres else ())
    if args.only:
        kinds = tuple(k for k in kinds if k in args.only.split(","))
    for repeat in range(args.repeats):
        order = kinds if repeat % 2 == 0 else kinds[::-1]
        for connections in (1, 8):
            for kind in order:
                r = measure(kind, connections, args.seconds, starts)
                results.setdefault((kind, connections), []).append(r)
                bad = {s: n for s, n in r["statuses"].items() if not 200 <= s < 300}
                print(f"  round {repeat + 1}: {kind:9} {connections} conn  {r['rate']:7.0f} req/s  "
                      f"p50 {ms(r['p50'])} ms  p99 {ms(r['p99'])} ms{'  non-2xx ' + str(bad) if bad else ''}", flush=True)
    print(f"\n{'server':10} {'conns':>5} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}")
    summary = {}
    for (kind, connections), rs in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        s = summary[(kind, connections)] = {k: statistics.median(r[k] for r in rs) for k in ("rate", "p50", "p99")}
        print(f"{kind:10} {connections:5} {s['rate']:8.0f} {ms(s['p50']):>7} {ms(s['p99']):>7}")
    if args.only:
        return 0
    ok = True
    for connections in (1, 8):
        ours, theirs = summary[("madoguchi", connections)], summary[("sqlite", connections)]
        ratio = ours["rate"] / theirs["rate"]
        print(f"\nbooking throughput, {connections} connection(s): madoguchi / sqlite = {ratio:.2f}  (target >= 1.0)"
              f"   madoguchi / hello-world = {ours['rate'] / summary[('hello', connections)]['rate']:.2f}")
        ok &= ratio >= 1.0
    p99 = summary[("madoguchi", 1)]["p99"] / summary[("sqlite", 1)]["p99"]
    print(f"booking p99 at 1 connection: madoguchi / sqlite = {p99:.2f}  (target <= 2.0)")
    ok &= p99 <= 2.0
    if args.postgres:
        for connections in (1, 8):
            pg1, pg3 = summary[("pg1", connections)], summary[("pg3", connections)]
            pref1, pref3 = summary[("pref1", connections)], summary[("pref3", connections)]
            print(f"PostgreSQL, {connections} connection(s): 1 process / TinyDB = "
                  f"{pg1['rate'] / summary[('madoguchi', connections)]['rate']:.2f}; 3 processes / 1: one office "
                  f"{pg3['rate'] / pg1['rate']:.2f}, {len(OFFICES)} offices {pref3['rate'] / pref1['rate']:.2f}"
                  f"{'  (target >= 1.4)' if connections == 8 else ''}")
        ok &= summary[("pref3", 8)]["rate"] / summary[("pref1", 8)]["rate"] >= 1.4
    print("PASS" if ok else "FAIL")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
