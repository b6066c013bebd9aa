"""What an office might pick instead of Madoguchi's storage: a minimal Flask + SQLite app that takes
the same booking request (POST /api/v1/bookings, the same JSON) and answers the same way.

SQLite in WAL mode with synchronous=FULL (every commit fsynced, as our journal is), one connection
per server thread, BEGIN IMMEDIATE around the booking so that two requests never take one room;
rooms and slots as our office has them. It checks the fields a booking needs, not our whole rule
book (consent digests, eligibility, restrictions...), so it is the cheaper of the two per request.

    DB=/tmp/b.db ROOMS=40 PORT=8001 THREADS=8 python bench/baseline_sqlite.py
"""
import os
import re
import sqlite3
import threading
from datetime import datetime

from flask import Flask, jsonify, request

app = Flask(__name__)
DB = os.environ["DB"]
ROOMS = [f"r{i + 1}" for i in range(int(os.environ.get("ROOMS", "40")))]
NUMBER = re.compile(r"^\d{5}-\d{4,8}$")
_local = threading.local()


def db() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = sqlite3.connect(DB, isolation_level=None, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    return conn


def setup() -> None:
    conn = db()
    conn.executescript("""
        CREATE TABLE IF NOT EXISTS bookings (booking_id TEXT PRIMARY KEY, start TEXT NOT NULL, room TEXT NOT NULL,
            name TEXT NOT NULL, jobseeker_no TEXT NOT NULL, language TEXT, created_at TEXT, UNIQUE (start, room));
        CREATE INDEX IF NOT EXISTS bookings_by_visitor ON bookings (jobseeker_no);
    """)


def refusal(code: str, status: int):
    return jsonify({"error": {"code": code, "message": code}}), status


@app.post("/api/v1/bookings")
def book():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in ("booking_id", "name", "jobseeker_no", "start")):
        return refusal("invalid_request", 400)
    if not NUMBER.match(body["jobseeker_no"]) or not body["name"].strip():
        return refusal("invalid_request", 422)
    try:
        start = datetime.fromisoformat(body["start"])
    except ValueError:
        return refusal("invalid_request", 400)
    if start.weekday() >= 5 or start.minute not in (0, 30) or not 10 <= start.hour < 16:
        return refusal("not_a_slot", 422)
    conn = db()
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute("SELECT start, room FROM bookings WHERE booking_id = ?", (body["booking_id"],)).fetchone()
        if row:
            conn.execute("COMMIT")
            return jsonify({"booking": {"booking_id": body["booking_id"], "start": row[0], "room": row[1]}}), 200
        taken = {r for (r,) in conn.execute("SELECT room FROM bookings WHERE start = ?", (start.isoformat(),))}
        free = next((r for r in ROOMS if r not in taken), None)
        if free is None:
            conn.execute("ROLLBACK")
            return refusal("slot_full", 409)
        conn.execute("INSERT INTO bookings VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (body["booking_id"], start.isoformat(), free, body["name"], body["jobseeker_no"],
                      body.get("language"), datetime.now().isoformat()))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return jsonify({"booking": {"booking_id": body["booking_id"], "status": "confirmed", "start": start.isoformat(),
                                "room": free}}), 201


@app.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


if __name__ == "__main__":
    import waitress
    setup()
    waitress.serve(app, host="127.0.0.1", port=int(os.environ["PORT"]), threads=int(os.environ.get("THREADS", "8")),
                   ident="baseline")
