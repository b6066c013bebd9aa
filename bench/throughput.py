"""Booking throughput and latency against what an office would pick instead, side by side in one run.

Three servers, each in a process of its own under waitress with 8 threads, measured one after
another (never at once), each from a fresh, empty office of 60 rooms:

  madoguchi   this app (`python app.py`, TinyDB data directory): POST /api/v1/bookings
  sqlite      bench/baseline_sqlite.py, a minimal Flask + SQLite app (WAL, synchronous=FULL)
              taking the same request
  hello       the same Flask app's /healthz: what waitress + Flask cost with no storage at all

The load comes from a separate, spawned process: 1 keep-alive connection, then 8, for a few
seconds each, the order alternating across repeats. Only 2xx answers count. Printed: requests
per second, p50 and p99, and the ratios. Targets (issue 12): booking throughput >= 1.0x the SQLite
baseline's; p99 at one connection <= 2x the baseline's.

Run from the repository root:  .venv/bin/python bench/throughput.py [--seconds 4] [--repeats 2] [--check]
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


def measure(kind: str, connections: int, seconds: float, starts) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{kind}-"))
    try:
        if kind == "madoguchi":
            add_rooms(folder / "data", ROOMS)
            server = madoguchi(folder / "data")
        else:
            server = baseline(folder / "bookings.db", ROOMS)
        try:
            consent = consent_of(server.url) if kind == "madoguchi" else {"terms": []}
            what = "health" if kind == "hello" else "booking"
            load(server.url, what, connections, 0.5, starts, consent, first=1)               # warm-up
            return load(server.url, what, connections, seconds, starts, consent, first=100_000)
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    starts = office_starts(ROOMS)
    results = {}
    for repeat in range(args.repeats):
        order = ("madoguchi", "sqlite", "hello") if repeat % 2 == 0 else ("hello", "sqlite", "madoguchi")
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
    print("PASS" if ok else "FAIL")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
