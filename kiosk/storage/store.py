"""The one storage module: TinyDB files in the data directory, locked, atomic and indexed.

Layout of the data directory:
  config.json               rooms, closures, events, published terms, restrictions, meta
  bookings-YYYY-MM.json     the bookings whose session starts in that month, each with
                            the receipts of the ops that wrote it (same atomic write)
  audit-YYYY-MM.jsonl       the hash-chained audit log
  .storage.lock             taken around every read-modify-write, by every process
  .server.lock              held by the one server process
"""
import os
import re
from collections import OrderedDict
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from tinydb import Query
from tinydb.table import Table

from ..domain.bookings import Booking
from ..domain.events import Event
from ..domain.rooms import Room
from ..domain.visitors import Restriction
from .audit import AuditLog
from .files import AtomicJSONStorage, signature
from .locks import StorageLock

MONTH_FILE = re.compile(r"bookings-(\d{4}-\d{2})\.json$")
HOT_MONTHS = 6  # parsed month files kept in memory


def month_of(moment) -> str:
    return f"{moment:%Y-%m}"


class _Index:
    """Where each booking lives, built from the month files and kept current by signature."""

    def __init__(self):
        self.sigs = {}          # month -> file signature the index reflects
        self.by_month = {}      # month -> {booking_id: (doc_id, jobseeker_no, [op_ids])}
        self.booking = {}       # booking_id -> (month, doc_id)
        self.op = {}            # op_id -> booking_id
        self.jobseeker = {}     # jobseeker_no -> {booking_id}

    def forget(self, month):
        for booking_id, (_, no, ops) in self.by_month.pop(month, {}).items():
            self.booking.pop(booking_id, None)
            for op_id in ops:
                self.op.pop(op_id, None)
            if no and no in self.jobseeker:
                self.jobseeker[no].discard(booking_id)

    def add(self, month, doc_id, record):
        booking_id, no = record["booking_id"], record.get("jobseeker_no")
        previous = self.by_month.get(month, {}).get(booking_id)
        if previous and previous[1] and previous[1] != no:
            self.jobseeker.get(previous[1], set()).discard(booking_id)
        ops = list(record.get("receipts", {}))
        self.by_month.setdefault(month, {})[booking_id] = (doc_id, no, ops)
        self.booking[booking_id] = (month, doc_id)
        for op_id in ops:
            self.op[op_id] = booking_id
        if no:
            self.jobseeker.setdefault(no, set()).add(booking_id)


class Store:
    """Domain-named reads and writes; wrap each read-modify-write in `with store.transaction():`."""

    def __init__(self, data_dir):
        self.dir = Path(data_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = StorageLock(self.dir / ".storage.lock")
        self._config = AtomicJSONStorage(self.dir / "config.json")
        self._months = OrderedDict()
        self._index = _Index()
        self.audit = AuditLog(self.dir)

    # -- locking and freshness -------------------------------------------------

    @contextmanager
    def transaction(self):
        """Hold the data directory's lock; re-read what other processes changed."""
        with self._lock.held():
            self._refresh_index()
            yield self

    def close(self):
        self._lock.close()

    def remove_stale_temp_files(self) -> int:
        """Temp files left by a crash mid-write; never read, removed at server start."""
        with self._lock.held():
            stale = list(self.dir.glob(".*.tmp"))
            for path in stale:
                path.unlink(missing_ok=True)
        return len(stale)

    def is_new(self) -> bool:
        return not (self.dir / "config.json").exists()

    def _refresh_index(self):
        seen = {}
        with os.scandir(self.dir) as entries:
            for entry in entries:
                m = MONTH_FILE.match(entry.name)
                if m:
                    seen[m.group(1)] = signature(Path(entry.path))
        for month in list(self._index.sigs):
            if month not in seen:
                self._index.forget(month)
                self._index.sigs.pop(month)
        for month, sig in seen.items():
            if self._index.sigs.get(month) != sig:
                self._reindex(month)

    def _reindex(self, month):
        self._index.forget(month)
        storage = self._month_storage(month)
        data = storage.read() or {}
        for doc_id, record in data.get("bookings", {}).items():
            self._index.add(month, int(doc_id), record)
        self._index.sigs[month] = storage._sig

    def _month_storage(self, month) -> AtomicJSONStorage:
        storage = self._months.pop(month, None) or AtomicJSONStorage(self.dir / f"bookings-{month}.json")
        self._months[month] = storage
        while len(self._months) > HOT_MONTHS:
            self._months.popitem(last=False)
        return storage

    def _table(self, storage, name) -> Table:
        # A fresh Table each time: TinyDB caches query results and the next id per Table,
        # which another process may have made stale.
        return Table(storage, name, cache_size=0)

    def _config_table(self, name) -> Table:
        return self._table(self._config, name)

    # -- configuration: rooms ----------------------------------------------------

    def rooms(self) -> list[Room]:
        return sorted((Room.from_record(r) for r in self._config_table("rooms").all()), key=lambda r: r.id)

    def room(self, room_id: str) -> Room | None:
        record = self._config_table("rooms").get(Query().id == room_id)
        return Room.from_record(record) if record else None

    def save_room(self, room: Room) -> None:
        self._config_table("rooms").upsert(room.to_record(), Query().id == room.id)

    def remove_room(self, room_id: str) -> None:
        self._config_table("rooms").remove(Query().id == room_id)

    # -- configuration: closures, events, terms, restrictions, meta -------------

    def closures(self) -> dict:
        """Office closure days (besides weekends and holidays): date -> note."""
        return {date.fromisoformat(r["day"]): r.get("note", "") for r in self._config_table("closures").all()}

    def add_closure(self, day: date, note: str = "") -> None:
        self._config_table("closures").upsert({"day": day.isoformat(), "note": note}, Query().day == day.isoformat())

    def remove_closure(self, day: date) -> bool:
        return bool(self._config_table("closures").remove(Query().day == day.isoformat()))

    def events(self) -> list[Event]:
        return sorted((Event.from_record(r) for r in self._config_table("events").all()), key=lambda e: (e.start, e.id))

    def event(self, event_id: str) -> Event | None:
        record = self._config_table("events").get(Query().id == event_id)
        return Event.from_record(record) if record else None

    def save_event(self, event: Event) -> None:
        self._config_table("events").upsert(event.to_record(), Query().id == event.id)

    def remove_event(self, event_id: str) -> None:
        self._config_table("events").remove(Query().id == event_id)

    def published_terms(self) -> list[dict]:
        """Terms versions published from the command line or console (texts included)."""
        return self._config_table("terms").all()

    def add_terms_version(self, record: dict) -> None:
        self._config_table("terms").insert(record)

    def restrictions_for(self, jobseeker_no: str) -> list[Restriction]:
        return [Restriction.from_record(r) for r in self._config_table("restrictions").search(Query().jobseeker_no == jobseeker_no)]

    def save_restriction(self, restriction: Restriction) -> None:
        self._config_table("restrictions").upsert(restriction.to_record(), Query().id == restriction.id)

    def meta(self, key: str, default=None):
        record = self._config_table("meta").get(Query().key == key)
        return record["value"] if record else default

    def set_meta(self, key: str, value) -> None:
        self._config_table("meta").upsert({"key": key, "value": value}, Query().key == key)

    # -- bookings ------------------------------------------------------------------

    def months(self) -> list[str]:
        return sorted(self._index.sigs)

    def _bookings_table(self, month) -> Table:
        return self._table(self._month_storage(month), "bookings")

    def _record(self, booking_id: str):
        where = self._index.booking.get(booking_id)
        if where is None:
            return None
        month, doc_id = where
        return self._bookings_table(month).get(doc_id=doc_id)

    def booking(self, booking_id: str) -> Booking | None:
        record = self._record(booking_id)
        return Booking.from_record(record) if record else None

    def receipt(self, op_id: str):
        """The result first returned for `op_id`, or None if it was never applied."""
        booking_id = self._index.op.get(op_id)
        record = self._record(booking_id) if booking_id else None
        return record["receipts"][op_id] if record else None

    def bookings_in_month(self, month: str) -> list[Booking]:
        if month not in self._index.sigs:
            return []
        return [Booking.from_record(r) for r in self._bookings_table(month).all()]

    def bookings_on(self, day: date) -> list[Booking]:
        """Every booking whose session starts on `day`, ordered by start."""
        found = [b for b in self.bookings_in_month(month_of(day)) if b.start.date() == day]
        return sorted(found, key=lambda b: (b.start, b.room or "", b.booking_id))

    def bookings_for_event(self, event: Event) -> list[Booking]:
        return [b for b in self.bookings_in_month(month_of(event.start)) if b.event_id == event.id]

    def bookings_of(self, jobseeker_no: str) -> list[Booking]:
        """Every booking held under a 求職番号 (until retention purges it)."""
        ids = self._index.jobseeker.get(jobseeker_no, ())
        return sorted((self.booking(i) for i in ids), key=lambda b: b.start)

    def save_booking(self, booking: Booking, receipt: tuple | None = None) -> None:
        """Insert or replace a booking, with the op's receipt in the same atomic write."""
        month = month_of(booking.start)
        record = booking.to_record()
        old = self._record(booking.booking_id)
        record["receipts"] = dict(old.get("receipts", {})) if old else {}
        if receipt:
            op_id, result = receipt
            record["receipts"][op_id] = result
        where = self._index.booking.get(booking.booking_id)
        if where and where[0] != month:
            raise ValueError("a booking cannot move to another month file; cancel and rebook")
        table = self._bookings_table(month)
        if where:
            table.update(record, doc_ids=[where[1]])
            doc_id = where[1]
        else:
            doc_id = table.insert(record)
        self._index.add(month, doc_id, record)
        self._index.sigs[month] = self._month_storage(month)._sig
