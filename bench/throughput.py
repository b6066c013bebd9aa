"""Booking throughput and latency against what an office would pick instead, side by side in one run.

Three servers, each in a process of its own under waitress with 8 threads, measured one after
another (never at once), each from a fresh, empty office of 60 rooms:

  madoguchi   this app (`python app.py`, TinyDB data directory): POST /api/v1/bookings
  sqlite      bench/baseline_sqlite.py, a minimal Flask + SQLite app (WAL, synchronous=FULL)
              taking the same request
  hello       the same Flask app's /healthz: what waitress + Flask cost with no storage at all
  pg1         with --postgres: this app on PostgreSQL (a throwaway cluster, fsync on), one
              `python app.py`: PostgreSQL / TinyDB is printed as a ratio

The load comes from a separate, spawned process: 1 keep-alive connection, then 8, for a few
seconds each, the order alternating across repeats. Only 2xx answers count. Printed: requests
per second, p50 and p99, and the ratios. Targets (issue 12): booking throughput >= 1.0x the SQLite
baseline's; p99 at one connection <= 2x the baseline's.

Scaling (--postgres, issue 15: three app processes >= 1.4x one, at 8 connections). One process
and three, each set on a database of its own, all running at once; the load goes to one set,
then the other, in windows of --seconds, 3 pairs per repeat in the order ABBA..., so that a
slower or faster moment of the machine falls on both alike. Printed: each window, the median
of each, and the median of the pairs' ratios (the target's figure). Two such comparisons:

  pref1/3     the bookings spread over the 15 offices of a prefecture in turn
              (/o/<slug>/api/v1/bookings): how far a prefecture's app servers scale (the target)
  pg1/3       every booking in one office: its bookings of one day take turns on the day's units
              lock and its audit chain head, each held until the commit, so one office gains less

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


def scaling(args, starts, pair: tuple, connections: int = 8) -> float:
    """Interleaved windows on two server sets running at once; the median of the pairs' ratios."""
    folder = Path(tempfile.mkdtemp(prefix="bench-scaling-"))
    sets = {}
    try:
        for kind in pair:
            (folder / kind).mkdir()
            sets[kind] = servers_for(kind, folder / kind)
        urls = {kind: [s.url for s in servers] for kind, servers in sets.items()}
        consent, offices = consent_of(urls[pair[0]][0]), offices_of(pair[0])
        first = dict.fromkeys(pair, 100_000)
        rates = {kind: [] for kind in pair}

        def window(kind: str, seconds: float) -> dict:
            r = load(urls[kind], "booking", connections, seconds, starts, consent, first=first[kind], offices=offices)
            first[kind] += sum(r["statuses"].values())     # the next window books other units, other visitors
            return r

        for kind in pair:
            window(kind, 0.5)                               # warm-up
        for n in range(3 * args.repeats):
            for kind in (pair if n % 2 == 0 else pair[::-1]):
                r = window(kind, args.seconds)
                rates[kind].append(r["rate"])
                bad = {s: k for s, k in r["statuses"].items() if not 200 <= s < 300}
                print(f"  window {n + 1}: {kind:6} {connections} conn  {r['rate']:7.0f} req/s  p50 {ms(r['p50'])} ms  "
                      f"p99 {ms(r['p99'])} ms{'  non-2xx ' + str(bad) if bad else ''}", flush=True)
    finally:
        for servers in sets.values():
            for server in servers:
                server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    one, three = rates[pair[0]], rates[pair[1]]
    ratio = statistics.median(b / a for a, b in zip(one, three))
    prefecture = offices != ("",)
    print(f"3 processes / 1, {f'{len(offices)} offices' if prefecture else 'one office'}, {connections} connections: "
          f"{statistics.median(three):.0f} / {statistics.median(one):.0f} req/s (medians); pairs' ratios "
          f"{', '.join(f'{b / a:.2f}' for a, b in zip(one, three))}; median {ratio:.2f}"
          f"{'  (target >= 1.4)' if prefecture else ''}", flush=True)
    return ratio


def scalings(args, starts) -> float:
    """One office's comparison (printed), then the prefecture's: its ratio is the target's figure."""
    scaling(args, starts, ("pg1", "pg3"))
    return scaling(args, starts, ("pref1", "pref3"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL, with one and three app processes")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--only", default="", help="measure only these servers (comma-separated; \"scaling\": the 1/3 process comparisons), no targets")
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
    kinds = ("madoguchi", "sqlite", "hello") + (("pg1",) if args.postgres else ())
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
        if "scaling" in args.only.split(","):
            scalings(args, starts)
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
            print(f"PostgreSQL, {connections} connection(s): 1 process / TinyDB = "
                  f"{summary[('pg1', connections)]['rate'] / summary[('madoguchi', connections)]['rate']:.2f}")
        ok &= scalings(args, starts) >= 1.4
    print("PASS" if ok else "FAIL")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
