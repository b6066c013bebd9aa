"""What the benches share: servers in processes of their own, load from another process, percentiles.

The load never runs in a server's process (its threads would compete for the interpreter lock
and slow what is measured); servers are measured one after another, never at the same time, so
neither is the other's noise. `load()` sends requests made before its clock starts from one
asyncio loop: the load shares the machine's cores with what it measures, and costs it little.
"""
import http.client
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process on a free port: Madoguchi (`python app.py`) or the SQLite baseline."""

    def __init__(self, args, env, log: Path):
        self.port = free_port()
        environ = {**os.environ, "PORT": str(self.port), "HOST": "127.0.0.1", **{k: str(v) for k, v in env.items()}}
        self.log = log
        with open(log, "w") as out:
            self.proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        self.wait()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait(self, timeout=60.0) -> float:
        """Seconds until /healthz answers."""
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                status, _ = get(self.url, "/healthz")
                if status in (200, 503):
                    return time.perf_counter() - t0
            except OSError:
                time.sleep(0.01)
        raise TimeoutError(self.log.read_text()[-2000:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def madoguchi(data_dir: Path, **env) -> Server:
    return Server(["app.py"], {"KIOSK_DATA_DIR": data_dir, "DEMO": 0, "SECRET_KEY": "bench", "THREADS": 8,
                               "RATE_LIMIT_BOOKINGS_PER_MINUTE": 0, "RATE_LIMIT_CANCELS_PER_MINUTE": 0, "RATE_LIMIT_ENROLLMENTS_PER_MINUTE": 0, **env},
                  data_dir.parent / f"{data_dir.name}.log")


def baseline(db: Path, rooms: int) -> Server:
    return Server(["bench/baseline_sqlite.py"], {"DB": db, "ROOMS": rooms, "THREADS": 8}, db.parent / f"{db.name}.log")


def get(url: str, path: str):
    host, port = url.rsplit("//", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, json.loads(r.read() or b"null")
    finally:
        conn.close()


def percentile(values, p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


class Connection:
    """One keep-alive HTTP connection, as a phone or kiosk holds one."""

    def __init__(self, url: str):
        host, port = url.rsplit("//", 1)[1].split(":")
        self.host, self.port = host, int(port)
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def request(self, method: str, path: str, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        hdrs = {"Content-Type": "application/json", **(headers or {})} if data is not None else dict(headers or {})
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 2:
                    raise

    def close(self):
        self.conn.close()


def booking_payloads(starts: list, consent: dict, first: int):
    """Endless booking payloads: fresh IDs and 求職番号, round robin over the units' starts."""
    template = {"service": "counseling", "name": "山田 花子", "language": "ja", "meeting_app": "zoom",
                "needs_interpreter": False, "needs_assistant": False, "consent": consent,
                "eligibility": {"registered": True, "has_camera_device": True, "wants_continuous_counseling": True}}
    n = first
    while True:
        yield dict(template, booking_id=str(uuid.uuid4()), start=starts[n % len(starts)],
                   jobseeker_no=f"{20000 + n // 10000:05d}-{n % 10000:04d}")
        n += 1


TIMEOUT = 30.0      # seconds a request (or a connection) may take before it counts as broken


def _requests(kind: str, host: str, paths: list, starts: list, consent, first: int, headers: dict):
    """Endless raw HTTP/1.1 requests: GET /healthz, or booking POSTs to the `paths` in turn."""
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    if kind != "booking":
        request = f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode()
        yield from itertools.repeat(request)
    for body, path in zip(booking_payloads(starts, consent, first), itertools.cycle(paths)):
        data = json.dumps(body).encode()
        yield (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(data)}\r\n{extra}\r\n").encode() + data


async def _read_response(reader) -> tuple[int, bool]:
    """One response off a keep-alive connection: (status, whether the server keeps it open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").lower().split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    if fields.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    else:
        await reader.readexactly(int(fields.get("content-length", 0)))
    return int(lines[0].split()[1]), fields.get("connection") != "close"


def _load_main(conn, url, kind, connections, seconds, starts, consent, first, headers, paths):
    """In the load process: `connections` keep-alive connections on one asyncio loop, for
    `seconds`; sends back (status counts, latencies in seconds). The requests' bytes are made
    before the clock starts, so the load costs the machine little while it is measured (it
    shares the cores with the servers)."""
    import asyncio
    from collections import Counter
    urls = url if isinstance(url, (list, tuple)) else [url]
    addresses = [tuple(u.rsplit("//", 1)[1].split(":")) for u in urls]
    made = _requests(kind, addresses[0][0], paths, starts, consent, first, headers)
    queue = itertools.chain(list(itertools.islice(made, int(seconds * 1500) + 100)), made)
    latencies, statuses = [], Counter()

    async def exchange(reader, writer, request: bytes):
        writer.write(request)
        return await _read_response(reader)

    async def client(host: str, port: str, deadline: float):
        reader = writer = None
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), TIMEOUT)
                status, open_ = await asyncio.wait_for(exchange(reader, writer, next(queue)), TIMEOUT)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ValueError):
                statuses[0] += 1                # counted as broken (status 0); a new connection, as a client makes
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            latencies.append(time.perf_counter() - t0)
            statuses[status] += 1
            if not open_:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    async def main():
        deadline = time.perf_counter() + seconds
        # Connections spread over the servers, as nginx does.
        await asyncio.gather(*(client(*addresses[i % len(addresses)], deadline) for i in range(connections)))

    asyncio.run(main())
    conn.send((dict(statuses), latencies))
    conn.close()


def load(url, kind, connections, seconds, starts=(), consent=None, first=1, headers=None, offices=("",)) -> dict:
    """Run a load from a spawned process; {"rate", "ok", "statuses", "p50", "p99"} (2xx only count).
    `url` may be a list of servers: the connections are spread over them. Bookings go to the
    `offices` in turn ("" the default office's unprefixed API, else a slug: /o/<slug>/api/v1/...)."""
    import multiprocessing as mp
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    paths = [f"/o/{slug}/api/v1/bookings" if slug else "/api/v1/bookings" for slug in offices]
    proc = ctx.Process(target=_load_main, args=(child, url, kind, connections, seconds, list(starts), consent, first,
                                                headers or {}, paths))
    proc.start()
    child.close()          # the load process's end: if it dies, recv() raises instead of waiting forever
    statuses, latencies = parent.recv()
    proc.join()
    ok = sum(n for s, n in statuses.items() if 200 <= s < 300)
    return {"rate": ok / seconds, "ok": ok, "statuses": statuses,
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}


def office_starts(rooms: int, days: int = 40) -> list:
    """Every unit of the bookable days from now, as starts (one per room)."""
    from datetime import datetime
    from kiosk.domain.calendar import TOKYO, OfficeCalendar
    calendar = OfficeCalendar(horizon_days=days)
    now = datetime.now(TOKYO)
    return [s.isoformat() for d in calendar.bookable_days(now, days) for s in calendar.slot_starts(d) for _ in range(rooms)]


def add_rooms(data_dir: Path | None, rooms: int, database_url: str = "", offices=("",)) -> None:
    """`rooms` rooms in each of `offices` ("": the default office; a slug: a new office)."""
    from datetime import datetime
    from kiosk.config import load_settings
    from kiosk.domain.calendar import TOKYO
    from kiosk.services.office import add_room
    from kiosk.services.offices import add_office
    from kiosk.storage import open_backend
    where = {"DATABASE_URL": database_url} if database_url else {"KIOSK_DATA_DIR": str(data_dir)}
    backend = open_backend(load_settings(where, environ={}))
    now = datetime.now(TOKYO)
    try:
        for slug in offices:
            if slug:
                add_office(backend, now, "bench", slug, f"ハローワーク {slug}")
            store = backend.office(slug or None)
            with store.transaction():
                for i in range(rooms):
                    add_room(store, now, "bench", "zoom", f"8459{i:07d}")
    finally:
        backend.close()


def consent_of(url: str) -> dict:
    _, body = get(url, "/api/v1/terms")
    return {"terms": [{"doc": t["doc"], "version": t["version"], "sha256": t["sha256"]}
                      for t in body["terms"] if t["lang"] == "ja"]}
