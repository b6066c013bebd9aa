"""An office's day as its devices make it, run from a load process of its own: kiosks that sync
every 5-15 s with the real wire format (`sync.md`: ops, `have_leases`, `status`; now and then a
visitor books on one of the kiosk's leases, and sometimes a time without one, with `confirm_by`),
and phones that read the calendar, book a free time and open their booking's page.

Each device is a thread with its own keep-alive connection; each request goes to the next server
of the list (an nginx upstream's round robin). What comes back: per endpoint, the latencies and
the answers by status, and the errors (a 5xx, a broken connection, an applied op refused later).
"""
import http.client
import json
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

TOKYO = timezone(timedelta(hours=9))
SYNC_EVERY = (5.0, 15.0)
PHONE_THINK = (1.0, 3.0)
BOOK_ON_LEASE = 0.15          # a sync carries a visitor's booking on one of the kiosk's leases
BOOK_WITHOUT_LEASE = 0.05     # ... or for a time it holds no lease for (online only, confirm_by)


class Servers:
    """Round robin over the app servers, one keep-alive connection per server per device."""

    def __init__(self, urls: list[str]):
        self.addresses = [(u.rsplit("//", 1)[1].split(":")[0], int(u.rsplit(":", 1)[1])) for u in urls]
        self._next = 0
        self._lock = threading.Lock()

    def pick(self) -> int:
        with self._lock:
            self._next = (self._next + 1) % len(self.addresses)
            return self._next


class Device:
    def __init__(self, servers: Servers, record):
        self.servers, self.record = servers, record
        self.conns = {}

    def request(self, name: str, method: str, path: str, body=None, headers=None):
        """(status, parsed JSON or None); the latency goes to `record` under `name`."""
        i = self.servers.pick()
        data = json.dumps(body).encode() if body is not None else None
        hdrs = {"Content-Type": "application/json", **(headers or {})} if data is not None else dict(headers or {})
        t0 = time.perf_counter()
        for attempt in (1, 2):
            conn = self.conns.get(i)
            if conn is None:
                conn = self.conns[i] = http.client.HTTPConnection(*self.servers.addresses[i], timeout=30)
            try:
                conn.request(method, path, body=data, headers=hdrs)
                r = conn.getresponse()
                raw = r.read()
                break
            except (http.client.HTTPException, OSError):
                conn.close()
                self.conns.pop(i, None)
                if attempt == 2:
                    self.record(name, time.perf_counter() - t0, "error", 0)
                    return None, None
        self.record(name, time.perf_counter() - t0, r.status, len(raw))
        try:
            return r.status, json.loads(raw) if raw else None
        except ValueError:
            return r.status, None

    def close(self):
        for conn in self.conns.values():
            conn.close()


def visitor_number(n: int) -> str:
    return f"{30000 + n // 10000:05d}-{n % 10000:04d}"


class Numbers:
    """Fresh visitors (a 求職番号 each), across every device of the load process."""

    def __init__(self, first: int):
        self._n, self._lock = first, threading.Lock()

    def next(self) -> int:
        with self._lock:
            self._n += 1
            return self._n


def payload(consent: dict, start: str, n: int, lease: str | None = None) -> dict:
    body = {"booking_id": str(uuid.uuid4()), "service": "counseling", "start": start, "name": "山田 花子",
            "jobseeker_no": visitor_number(n), "language": "ja", "meeting_app": "zoom", "needs_interpreter": False,
            "needs_assistant": False, "consent": consent,
            "eligibility": {"registered": True, "has_camera_device": True, "wants_continuous_counseling": True}}
    if lease:
        body["lease_unit_id"] = lease
    return body


def sync_body(now, outbox, stats, leases) -> dict:
    return {"schema": 1, "client_sent_at": now.isoformat(), "ops": outbox[:50],
            "status": {"outbox": len(outbox), "dead_letters": stats["dead_letters"], "persisted": True,
                       "app_version": "bench"},
            "have_leases": [lid for lid, lease in leases.items() if lease.get("slip")], "slips_for": []}


def kept_leases(answer, leases) -> dict:
    """The kiosk's leases after an answer: the slips it already has are not kept twice."""
    fresh = {}
    for lease in answer.get("leases", []):
        known = leases.get(lease["lease_unit_id"], {})
        fresh[lease["lease_unit_id"]] = {**lease, "slip": known.get("slip") or "slip_svg" in lease}
        fresh[lease["lease_unit_id"]].pop("slip_svg", None)
    return fresh


def first_sync(device: Device, token: str, stats) -> dict:
    """A kiosk's first sync after its enrollment (its leases and their slips). An office enrolls its
    kiosks one by one, so the fleet does these before the measured minutes, a few at a time."""
    status, answer = device.request("first sync", "POST", "/api/v1/sync",
                                    sync_body(datetime.now(TOKYO), [], stats, {}), {"Authorization": f"Bearer {token}"})
    return kept_leases(answer, {}) if status == 200 and answer else {}


def kiosk(device: Device, base: str, token: str, consent, numbers: Numbers, deadline: float, rng, stats, leases):
    """One kiosk after its first sync: one every 5-15 s until the deadline."""
    auth = {"Authorization": f"Bearer {token}"}
    seq, outbox = 0, []
    time.sleep(rng.uniform(0, SYNC_EVERY[0]))
    while time.perf_counter() < deadline:
        now = datetime.now(TOKYO)
        if leases and rng.random() < BOOK_ON_LEASE:
            lease = leases.pop(rng.choice(sorted(leases)))
            seq += 1
            outbox.append({"op_id": str(uuid.uuid4()), "seq": seq, "type": "booking.create",
                           "created_at": now.isoformat(), "payload": payload(consent, lease["start"], numbers.next(),
                                                                            lease["lease_unit_id"])})
        elif leases and rng.random() < BOOK_WITHOUT_LEASE / (1 - BOOK_ON_LEASE):
            start = max(lease["start"] for lease in leases.values())     # a time the kiosk saw on its calendar
            seq += 1
            outbox.append({"op_id": str(uuid.uuid4()), "seq": seq, "type": "booking.create",
                           "created_at": now.isoformat(), "confirm_by": (now + timedelta(seconds=60)).isoformat(),
                           "payload": payload(consent, start, numbers.next())})
        name = "sync+op" if outbox else "sync"
        status, answer = device.request(name, "POST", "/api/v1/sync", sync_body(now, outbox, stats, leases), auth)
        if status == 200 and answer:
            for result in answer.get("results", []):
                outbox = [op for op in outbox if op["op_id"] != result["op_id"]]
                stats[result["status"]] += 1
                if result["status"] == "rejected":
                    stats["dead_letters"] += 1
                    stats[f"rejected:{result['error']['code']}"] += 1
            leases = kept_leases(answer, leases)
        time.sleep(rng.uniform(*SYNC_EVERY))


def phone(device: Device, base: str, consent, numbers: Numbers, deadline: float, rng, stats):
    """One phone after another (the same thread): the calendar, a booking, its page, now and then again."""
    mine = []
    while time.perf_counter() < deadline:
        what = rng.random()
        if what < 0.4 or not mine and what < 0.7:
            status, answer = device.request("calendar", "GET", f"{base}/api/v1/calendar?days=14")
            if status == 200 and answer and rng.random() < 0.6:
                free = [s["start"] for d in answer["days"] if d.get("bookable") for s in d["slots"] if s["free"] > 0]
                if free:
                    status, answer = device.request("booking", "POST", f"{base}/api/v1/bookings",
                                                    payload(consent, rng.choice(free), numbers.next()))
                    if status in (200, 201):
                        mine.append(answer["booking"]["join_url"].rsplit("/j/", 1)[1])
                    stats[f"booking:{status}"] += 1
        elif mine:
            device.request("join", "GET", f"{base}/api/v1/join/{rng.choice(mine)}")
        time.sleep(rng.uniform(*PHONE_THINK))


def run(urls, offices, seconds: float, first_number: int, seed: int = 1) -> dict:
    """`offices`: [{"base": "" or "/o/<slug>", "tokens": [...], "phones": n, "consent": {...}}].
    Returns {"latencies": {name: [s]}, "statuses": {name: {status: n}}, "bytes": {name: n}, "ops": {...}}."""
    servers = Servers(urls)
    lock = threading.Lock()
    latencies, statuses, sizes = defaultdict(list), defaultdict(Counter), Counter()

    def record(name, seconds_taken, status, size):
        with lock:
            latencies[name].append(seconds_taken)
            statuses[name][status] += 1
            sizes[name] += size

    numbers = Numbers(first_number)
    stats = Counter()
    threads, devices = [], []
    rng_seed = random.Random(seed)
    kiosks = [(office, token, Device(servers, record)) for office in offices for token in office["tokens"]]
    with ThreadPoolExecutor(4) as pool:
        first = list(pool.map(lambda k: first_sync(k[2], k[1], stats), kiosks))
    deadline = time.perf_counter() + seconds
    for (office, token, d), leases in zip(kiosks, first):
        devices.append(d)
        threads.append(threading.Thread(target=kiosk, args=(d, office["base"], token, office["consent"], numbers,
                                                            deadline, random.Random(rng_seed.random()), stats, leases)))
    for office in offices:
        for _ in range(office["phones"]):
            d = Device(servers, record)
            devices.append(d)
            threads.append(threading.Thread(target=phone, args=(d, office["base"], office["consent"], numbers,
                                                                deadline, random.Random(rng_seed.random()), stats)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for d in devices:
        d.close()
    return {"latencies": dict(latencies), "statuses": {k: dict(v) for k, v in statuses.items()},
            "bytes": dict(sizes), "ops": dict(stats)}


def load_main(conn, urls, offices, seconds, first_number):
    conn.send(run(urls, offices, seconds, first_number))
    conn.close()


def run_elsewhere(urls, offices, seconds: float, first_number: int = 1) -> dict:
    """`run` in a spawned process (its threads never compete with a server for the interpreter)."""
    import multiprocessing as mp
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=load_main, args=(child, urls, offices, seconds, first_number))
    proc.start()
    result = parent.recv()
    proc.join()
    return result
