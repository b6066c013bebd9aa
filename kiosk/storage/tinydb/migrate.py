"""Format 1 (stop 11: config.json, leases.json with slip SVGs, receipts inside bookings, one office
at the top of the data directory) to format 2 (layout.py), once, when a server or command first
opens an old directory.

The new files are written and fsynced, then `FORMAT`; only then are the old files moved into
`format-1-<time>/` beside them (kept, never deleted). A crash before `FORMAT` repeats the migration
from the old files; a crash after it only leaves the old files to be moved at the next start.
"""
import json
import logging
import os
import secrets
import time
import zlib
from datetime import datetime
from pathlib import Path

import orjson

from ...domain.audit import empty_anchor
from ...domain.bookings import new_reference
from .files import fsync_dir, write_atomically
from .layout import FORMAT, OfficeLayout, key_of
from .locks import StorageLock

log = logging.getLogger("madoguchi.storage")
OLD_FILES = ("config.json", "leases.json", "dead_letters.json", "sessions.json", "journal.log", "bookings")


def migrate_if_needed(data_dir: Path, slug: str) -> bool:
    if (data_dir / "FORMAT").exists():
        _move_old(data_dir)
        return False
    if not (data_dir / "config.json").exists():
        return False
    lock = StorageLock(data_dir / ".storage.lock")
    lock.acquire()
    try:
        if (data_dir / "FORMAT").exists():
            return False
        log.warning("migrating %s from format 1 to %s", data_dir, FORMAT)
        files, logs = convert(data_dir, slug)
        for name, tables in files.items():
            path = data_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, orjson.dumps(tables), sync_dir=False)
        for name, content in logs.items():
            path = data_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, content, sync_dir=False)
        for folder in {(data_dir / n).parent for n in [*files, *logs]}:
            while folder != data_dir.parent:
                fsync_dir(folder)
                folder = folder.parent
        write_atomically(data_dir / "FORMAT", (FORMAT + "\n").encode())
    finally:
        lock.release(keep_file_lock=False)
        lock.close()
    _move_old(data_dir)
    return True


def _move_old(data_dir: Path) -> None:
    old = [n for n in OLD_FILES if (data_dir / n).exists()] + [p.name for p in data_dir.glob("audit-*.jsonl")]
    if not old:
        return
    keep = data_dir / f"format-1-{int(time.time())}"
    keep.mkdir()
    for name in old:
        os.replace(data_dir / name, keep / name)
    fsync_dir(data_dir)
    log.warning("the format-1 files are kept in %s", keep)


def _load(path: Path):
    raw = path.read_bytes() if path.exists() else b""
    return orjson.loads(raw) if raw.strip() else {}


def _old_journal(data_dir: Path) -> dict:
    """Format 1's journal replayed over its files (path -> content)."""
    contents = {}
    raw = (data_dir / "journal.log").read_bytes() if (data_dir / "journal.log").exists() else b""
    for line in raw.split(b"\n"):
        crc, _, body = line.partition(b" ")
        if len(crc) != 8 or not body or f"{zlib.crc32(body):08x}".encode() != crc:
            break
        for name, change in orjson.loads(body):
            content = contents[name] if name in contents else _load(data_dir / name)
            if "full" in change:
                content = change["full"]
            else:
                for table, doc_id, doc in change.get("put", ()):
                    content.setdefault(table, {})[str(doc_id)] = doc
                for table, doc_id in change.get("del", ()):
                    content.get(table, {}).pop(str(doc_id), None)
            contents[name] = content
    return contents


class _Files:
    def __init__(self):
        self.files = {}
        self._ids = {}

    def put(self, name: str, table: str, doc: dict) -> None:
        docs = self.files.setdefault(name, {}).setdefault(table, {})
        ids = self._ids.setdefault((name, table), {})
        key = key_of(table)(doc)
        doc_id = ids.setdefault(key, str(len(docs) + 1))
        docs[doc_id] = doc

    def get(self, name: str, table: str, key: str) -> dict | None:
        doc_id = self._ids.get((name, table), {}).get(key)
        return self.files[name][table][doc_id] if doc_id else None


def convert(data_dir: Path, slug: str) -> tuple[dict, dict]:
    """The format-2 files (name -> TinyDB content) and logs (name -> bytes) of a format-1 directory."""
    replayed = _old_journal(data_dir)
    read = lambda name: replayed[name] if name in replayed else _load(data_dir / name)  # noqa: E731
    layout, out = OfficeLayout(slug), _Files()
    config = read("config.json")
    for table in ("rooms", "events", "restrictions", "staff", "credentials", "staff_links"):
        for doc in config.get(table, {}).values():
            out.put(layout.office, table, doc)
    for doc in config.get("closures", {}).values():
        out.put(layout.office, "closures", {"day": doc["day"], "note": doc.get("note", "")})
    for doc in config.get("terms", {}).values():
        out.put(layout.office, "terms", dict(doc, key=f"{doc['doc']} {doc['version']}"))
    for doc in config.get("meta", {}).values():
        out.put(layout.office, "meta", {"key": doc["key"], "value": doc["value"]})
    for doc in config.get("kiosks", {}).values():
        out.put(layout.office, "kiosks", {k: v for k, v in doc.items() if v is not None})
    for doc in read("sessions.json").get("sessions", {}).values():
        out.put(layout.sessions, "sessions", doc)
    references = set()

    def reference() -> str:
        while True:
            ref = new_reference(secrets.token_bytes(6))
            if ref not in references:
                references.add(ref)
                return ref

    leases_data = read("leases.json")
    leases = {doc["id"]: doc for doc in leases_data.get("units", {}).values()}
    receipts = []
    for kiosk_op, result in leases_data.get("receipts", {}).items():
        receipts.append((None, kiosk_op, result))
    used = {}
    day_files = sorted(p.relative_to(data_dir).as_posix() for p in (data_dir / "bookings").glob("*/*.json")) \
        if (data_dir / "bookings").exists() else []
    day_files = sorted(set(day_files) | {n for n in replayed if n.startswith("bookings/")})
    seen = {}
    for name in day_files:
        for doc in read(name).get("bookings", {}).values():
            revision = len(doc.get("history", ()))
            if doc["booking_id"] in seen and seen[doc["booking_id"]][0] > revision:
                continue      # a moved booking's stale copy (a crash between its two writes)
            seen[doc["booking_id"]] = (revision, doc)
    for _, doc in seen.values():
        booking = {k: v for k, v in doc.items() if k != "receipts"}
        if booking.get("lease_unit_id") in leases:
            booking["reference"] = leases[booking["lease_unit_id"]].setdefault("reference", reference())
            used[booking["lease_unit_id"]] = booking["booking_id"]
        else:
            booking["reference"] = reference()
        day = booking["start"][:10]
        out.put(layout.office, "days", {"day": day})
        out.put(layout.day(datetime.fromisoformat(booking["start"]).date()), "bookings", booking)
        for key in filter(None, (booking["booking_id"], booking["reference"], booking.get("lease_unit_id"))):
            out.put(layout.index("keys", key), "keys", {"key": key, "booking_id": booking["booking_id"], "day": day})
        if booking.get("jobseeker_no"):
            _add_visit(out, layout, booking)
        for op_id, result in doc.get("receipts", {}).items():
            receipts.append((booking.get("kiosk_id"), op_id, result))
    for lease in leases.values():
        record = {k: v for k, v in lease.items() if k not in ("slip_svg", "join_url") and v is not None}
        record.setdefault("reference", reference())
        if lease["id"] in used:
            record["booking_id"] = used[lease["id"]]
        out.put(layout.leases, "leases", record)
        if lease["id"] not in used:
            out.put(layout.index("keys", record["reference"]), "keys",
                    {"key": record["reference"], "lease_id": lease["id"], "day": record["day"]})
    migrated_at = datetime.now().astimezone().isoformat()   # format 1 kept no time: kept from now on
    for kiosk_id, op_id, result in receipts:
        kiosk = kiosk_id or _lease_kiosk(leases, result)
        if kiosk:
            key = f"{kiosk} {op_id}"
            out.put(layout.index("receipts", key), "receipts",
                    {"key": key, "kiosk_id": kiosk, "op_id": op_id, "at": migrated_at, "result": result["result"]})
    for doc in read("dead_letters.json").get("ops", {}).values():
        key = f"{doc['kiosk_id']} {doc['op_id']}"
        out.put(layout.dead_letters, "dead_letters", {**{k: v for k, v in doc.items() if v is not None}, "key": key})
    logs, anchor = _audit(data_dir, layout)
    out.put(layout.audit_anchor, "meta", {"key": "anchor", "value": anchor})
    return out.files, logs


def _add_visit(out: _Files, layout, booking: dict) -> None:
    name = layout.index("visits", booking["jobseeker_no"])
    doc = out.get(name, "visits", booking["jobseeker_no"]) or {"jobseeker_no": booking["jobseeker_no"], "visits": {}}
    doc["visits"][booking["booking_id"]] = {k: booking[k] for k in
                                            ("booking_id", "service", "start", "status", "counselor", "event_id")
                                            if booking.get(k) is not None}
    out.put(name, "visits", doc)


def _lease_kiosk(leases: dict, result: dict) -> str | None:
    released = result.get("result", {}).get("released", [])
    return next((leases[i]["kiosk_id"] for i in released if i in leases), None)


def _audit(data_dir: Path, layout) -> tuple[dict, dict]:
    """The audit logs, moved as they are (their hashes are their content); the anchor from them.
    A torn last line is set aside beside the new log."""
    logs, anchor = {}, empty_anchor()
    for path in sorted(data_dir.glob("audit-*.jsonl")):
        month = path.stem.removeprefix("audit-")
        name = layout.audit(month)
        lines, torn = [], []
        for line in path.read_bytes().split(b"\n"):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                entry["hash"]
            except (ValueError, KeyError):
                torn.append(line)
                continue
            lines.append(line)
            logs_entry = anchor["logs"].setdefault(f"{month}.jsonl", {"count": 0, "first_prev": entry.get("prev")})
            logs_entry["count"] += 1
            logs_entry["head"] = entry["hash"]
            anchor["count"] += 1
            anchor["head"] = entry["hash"]
        logs[name] = b"".join(line + b"\n" for line in lines)
        if torn:
            logs[f"{name}.torn-{int(time.time())}"] = b"".join(line + b"\n" for line in torn)
    return logs, anchor
