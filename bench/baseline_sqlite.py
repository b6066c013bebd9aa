"""What an office might pick instead of Madoguchi's storage: a minimal Flask + SQLite app that takes
the same requests (the same JSON in, the same shape out) and answers the same way:

  POST /api/v1/bookings        a phone's booking
  GET  /api/v1/calendar        free units per slot
  GET  /api/v1/join/<token>    a booking's live page data
  POST /api/v1/kiosk/enroll    a kiosk's code for a device token
  POST /api/v1/sync            a kiosk's outbox (booking.create ops, on a lease or not), receipts per
                               (kiosk, op_id), leases topped up to N units per day, each new lease's
                               slip QR as SVG (the same qrcode library)

SQLite in WAL mode with synchronous=FULL (every commit fsynced, as our journal is), one connection
per server thread, BEGIN IMMEDIATE around every read-then-write so that two requests never take
one room. It checks the fields a booking needs, not our whole rule book (consent digests,
eligibility, restrictions, cut-offs, holidays, audit chain...), so it is the cheaper of the two per
request: a fair denominator, never sharing our code or our storage. It does keep the rule everyone
builds first, one future booking per 求職番号, so a returning visitor costs it a lookup too.

    DB=/tmp/b.db ROOMS=40 PORT=8001 THREADS=8 LEASE_UNITS_PER_DAY=2 LEASE_DAYS=5 python bench/baseline_sqlite.py
"""
import hashlib
import hmac
import io
import json
import os
import re
import secrets
import sqlite3
import threading
import uuid
from datetime import date, datetime, timedelta, timezone

import qrcode
import qrcode.image.svg
from flask import Flask, jsonify, request

app = Flask(__name__)
DB = os.environ.get("DB", "/tmp/baseline.db")
ROOMS = [f"r{i + 1}" for i in range(int(os.environ.get("ROOMS", "40")))]
UNITS_PER_DAY = int(os.environ.get("LEASE_UNITS_PER_DAY", "2"))
LEASE_DAYS = int(os.environ.get("LEASE_DAYS", "5"))
NUMBER = re.compile(r"^\d{5}-\d{4,8}$")
TOKYO = timezone(timedelta(hours=9))
KEY = b"baseline"
_local = threading.local()


def db() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = sqlite3.connect(DB, isolation_level=None, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    return conn


def setup() -> None:
    db().executescript("""
        CREATE TABLE IF NOT EXISTS bookings (booking_id TEXT PRIMARY KEY, start TEXT NOT NULL, room TEXT NOT NULL,
            name TEXT NOT NULL, jobseeker_no TEXT NOT NULL, language TEXT, status TEXT NOT NULL DEFAULT 'confirmed',
            lease TEXT, created_at TEXT, UNIQUE (start, room));
        CREATE INDEX IF NOT EXISTS bookings_by_visitor ON bookings (jobseeker_no);
        CREATE TABLE IF NOT EXISTS kiosks (token TEXT PRIMARY KEY, name TEXT, last_seen TEXT, status TEXT);
        CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, kiosk TEXT NOT NULL, start TEXT NOT NULL,
            room TEXT NOT NULL, expires_at TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0, UNIQUE (start, room));
        CREATE INDEX IF NOT EXISTS leases_by_kiosk ON leases (kiosk);
        CREATE TABLE IF NOT EXISTS receipts (kiosk TEXT NOT NULL, op_id TEXT NOT NULL, result TEXT NOT NULL,
            PRIMARY KEY (kiosk, op_id));
    """)


def refusal(code: str, status: int):
    return jsonify({"error": {"code": code, "message": code}}), status


def slot_starts(day: date) -> list[str]:
    return [datetime(day.year, day.month, day.day, 10 + m // 60, m % 60, tzinfo=TOKYO).isoformat()
            for m in range(0, 360, 30)]


def bookable_days(today: date, count: int) -> list[date]:
    days, day = [], today + timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def token_for(booking_id: str) -> str:
    return f"{booking_id}.{hmac.new(KEY, booking_id.encode(), hashlib.sha256).hexdigest()[:20]}"


def result_of(booking_id: str, start: str, room: str) -> dict:
    return {"booking_id": booking_id, "status": "confirmed", "service": "counseling", "start": start,
            "end": (datetime.fromisoformat(start) + timedelta(minutes=30)).isoformat(), "room_id": room,
            "meeting_app": "zoom", "join_url": f"{request.host_url}j/{token_for(booking_id)}"}


def taken_at(conn, start: str) -> set:
    rooms = {r for (r,) in conn.execute("SELECT room FROM bookings WHERE start = ? AND status = 'confirmed'", (start,))}
    rooms |= {r for (r,) in conn.execute("SELECT room FROM leases WHERE start = ? AND used = 0", (start,))}
    return rooms


def valid_booking(body) -> tuple | None:
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in ("booking_id", "name", "jobseeker_no", "start")):
        return None
    if not NUMBER.match(body["jobseeker_no"]) or not body["name"].strip():
        return None
    try:
        start = datetime.fromisoformat(body["start"])
    except ValueError:
        return None
    if start.weekday() >= 5 or start.minute not in (0, 30) or not 10 <= start.hour < 16:
        return None
    return start.isoformat(), body


def book(conn, start: str, body: dict, lease_room: str | None = None) -> tuple[dict | None, str | None]:
    """Inside BEGIN IMMEDIATE: (result, None), or (None, refusal code)."""
    row = conn.execute("SELECT start, room FROM bookings WHERE booking_id = ?", (body["booking_id"],)).fetchone()
    if row:
        return result_of(body["booking_id"], row[0], row[1]), None
    if conn.execute("SELECT 1 FROM bookings WHERE jobseeker_no = ? AND start > ? AND status = 'confirmed' LIMIT 1",
                    (body["jobseeker_no"], datetime.now(TOKYO).isoformat())).fetchone():
        return None, "too_many_bookings"                          # one future booking per 求職番号
    room = lease_room or next((r for r in ROOMS if r not in taken_at(conn, start)), None)
    if room is None:
        return None, "slot_full"
    conn.execute("INSERT INTO bookings (booking_id, start, room, name, jobseeker_no, language, lease, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (body["booking_id"], start, room, body["name"], body["jobseeker_no"], body.get("language"),
                  body.get("lease_unit_id"), datetime.now(TOKYO).isoformat()))
    return result_of(body["booking_id"], start, room), None


@app.post("/api/v1/bookings")
def phone_booking():
    checked = valid_booking(request.get_json(silent=True))
    if checked is None:
        return refusal("invalid_request", 400)
    start, body = checked
    conn = db()
    conn.execute("BEGIN IMMEDIATE")
    try:
        existed = conn.execute("SELECT 1 FROM bookings WHERE booking_id = ?", (body["booking_id"],)).fetchone()
        result, refused = book(conn, start, body)
        conn.execute("COMMIT" if result else "ROLLBACK")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if refused:
        return refusal(refused, 409)
    return jsonify({"booking": result}), 200 if existed else 201


@app.get("/api/v1/calendar")
def calendar():
    first = date.fromisoformat(request.args.get("from") or (datetime.now(TOKYO).date() + timedelta(days=1)).isoformat())
    days = min(int(request.args.get("days", "7")), 60)
    conn = db()
    counts = {}
    last = (first + timedelta(days=days)).isoformat()
    for (start, n) in conn.execute("SELECT start, count(*) FROM bookings WHERE start >= ? AND start < ? AND "
                                   "status = 'confirmed' GROUP BY start", (first.isoformat(), last)):
        counts[start] = counts.get(start, 0) + n
    for (start, n) in conn.execute("SELECT start, count(*) FROM leases WHERE start >= ? AND start < ? AND used = 0 "
                                   "GROUP BY start", (first.isoformat(), last)):
        counts[start] = counts.get(start, 0) + n
    out = []
    for i in range(days):
        day = first + timedelta(days=i)
        open_ = day.weekday() < 5
        out.append({"date": day.isoformat(), "open": open_, "bookable": open_,
                    "slots": [{"start": s, "free": len(ROOMS) - counts.get(s, 0)} for s in slot_starts(day)] if open_ else []})
    return jsonify({"days": out})


@app.get("/api/v1/join/<token>")
def join(token):
    booking_id, _, mac = token.rpartition(".")
    if not hmac.compare_digest(token_for(booking_id), token):
        return refusal("invalid_link", 404)
    row = db().execute("SELECT status, start, room FROM bookings WHERE booking_id = ?", (booking_id,)).fetchone()
    if row is None:
        return refusal("invalid_link", 404)
    return jsonify({"booking": {"status": row[0], "service": "counseling", "start": row[1], "room_id": row[2],
                                "meeting_app": "zoom"}, "server_time": datetime.now(TOKYO).isoformat()})


@app.post("/api/v1/kiosk/enroll")
def enroll():
    token = secrets.token_urlsafe(24)
    conn = db()
    conn.execute("INSERT INTO kiosks (token, name) VALUES (?, ?)", (token, str((request.get_json(silent=True) or {}).get("code"))))
    return jsonify({"kiosk_id": token[:8], "name": "kiosk", "token": token})


def slip_svg(url: str) -> str:
    out = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage).save(out)
    return out.getvalue().decode()


def top_up(conn, kiosk: str) -> None:
    today = datetime.now(TOKYO).date()
    for day in bookable_days(today, LEASE_DAYS):
        starts = slot_starts(day)
        held = conn.execute("SELECT count(*) FROM leases WHERE kiosk = ? AND used = 0 AND start >= ? AND start <= ?",
                            (kiosk, starts[0], starts[-1])).fetchone()[0]
        for start in starts:
            if held >= UNITS_PER_DAY:
                break
            free = [r for r in ROOMS if r not in taken_at(conn, start)]
            if free:
                conn.execute("INSERT INTO leases (id, kiosk, start, room, expires_at) VALUES (?, ?, ?, ?, ?)",
                             (f"lu_{uuid.uuid4().hex}", kiosk, start, free[0],
                              datetime(day.year, day.month, day.day, tzinfo=TOKYO).isoformat()))
                held += 1


@app.post("/api/v1/sync")
def sync():
    auth = request.headers.get("Authorization", "")
    kiosk = auth.removeprefix("Bearer ")
    conn = db()
    if not conn.execute("SELECT 1 FROM kiosks WHERE token = ?", (kiosk,)).fetchone():
        return refusal("unauthorized", 401)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("ops"), list):
        return refusal("invalid_request", 400)
    results = []
    for op in body["ops"]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            seen = conn.execute("SELECT result FROM receipts WHERE kiosk = ? AND op_id = ?", (kiosk, op.get("op_id"))).fetchone()
            if seen:
                conn.execute("ROLLBACK")
                results.append({"op_id": op["op_id"], "status": "duplicate", "result": json.loads(seen[0])})
                continue
            checked = valid_booking(op.get("payload"))
            lease_room = None
            if checked and checked[1].get("lease_unit_id"):
                row = conn.execute("SELECT room FROM leases WHERE id = ? AND kiosk = ? AND used = 0",
                                   (checked[1]["lease_unit_id"], kiosk)).fetchone()
                if row:
                    lease_room = row[0]
                    conn.execute("UPDATE leases SET used = 1 WHERE id = ?", (checked[1]["lease_unit_id"],))
            result, refused = book(conn, *checked, lease_room) if checked else (None, "invalid_request")
            if result:
                conn.execute("INSERT INTO receipts VALUES (?, ?, ?)", (kiosk, op["op_id"], json.dumps(result)))
                conn.execute("COMMIT")
                results.append({"op_id": op["op_id"], "status": "applied", "result": result})
            else:
                conn.execute("ROLLBACK")
                results.append({"op_id": op.get("op_id"), "status": "rejected", "error": {"code": refused}})
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    conn.execute("BEGIN IMMEDIATE")
    try:
        top_up(conn, kiosk)
        conn.execute("UPDATE kiosks SET last_seen = ?, status = ? WHERE token = ?",
                     (datetime.now(TOKYO).isoformat(), json.dumps(body.get("status")), kiosk))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    have = set(body.get("have_leases") or ())
    leases = []
    for lease_id, start, room, expires in conn.execute("SELECT id, start, room, expires_at FROM leases WHERE kiosk = ? "
                                                       "AND used = 0 ORDER BY start", (kiosk,)):
        lease = {"lease_unit_id": lease_id, "start": start, "room_id": room, "expires_at": expires,
                 "join_url": f"{request.host_url}j/{token_for(lease_id)}"}
        if lease_id not in have:
            lease["slip_svg"] = slip_svg(lease["join_url"])
        leases.append(lease)
    return jsonify({"server_time": datetime.now(TOKYO).isoformat(), "results": results, "leases": leases})


@app.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


if __name__ == "__main__":
    import waitress
    setup()
    waitress.serve(app, host="127.0.0.1", port=int(os.environ["PORT"]), threads=int(os.environ.get("THREADS", "8")),
                   connection_limit=500, ident="baseline")   # as ours (CONNECTION_LIMIT)
