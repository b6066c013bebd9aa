"""The one storage module: TinyDB files in the data directory, locked, atomic and indexed.

Layout of the data directory:
  config.json                           rooms, closures, events, terms, restrictions, kiosks, meta
  bookings/YYYY-MM/YYYY-MM-DD.json      the bookings whose session starts that day, each with
                                        the receipts of the ops that wrote it (same atomic write)
  leases.json, dead_letters.json        kiosk leases; rejected kiosk ops waiting for staff
  sessions.json                         staff sessions (hashed IDs)
  audit-YYYY-MM.jsonl                   the hash-chained audit log
  journal.log                           committed changes not yet in the files above
                                        (journal.py); empty whenever no process holds the lock
  .storage.lock                         taken around every read-modify-write, by every process;
                                        holds the generation number that writers bump
  .server.lock                          held by the one server process
"""
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from tinydb.table import Table

from ..domain.bookings import Booking
from ..domain.calendar import tokyo
from .audit import AuditLog
from .commit import GroupCommit
from .files import AtomicJSONStorage, fsync_dir, signature, write_atomically
from .index import BookingIndex
from .journal import Journal, encode_line
from .leases import LeasesAndDeadLetters
from .locks import StorageLock
from .office import OfficeConfig
from .staff import StaffRecords

DAY_FILE = re.compile(r"(\d{4}-\d{2}-\d{2})\.json$")
HOT_DAYS = 64  # day files kept parsed in memory
CHECKPOINT_LINES = 256     # a checkpoint at least every this many commits...
CHECKPOINT_QUIET_S = 0.05  # ...and once no commit came for this long
log = logging.getLogger(__name__)


class Store(OfficeConfig, LeasesAndDeadLetters, StaffRecords):
    """Domain-named reads and writes; wrap each read-modify-write in `with store.transaction():`."""

    def __init__(self, data_dir):
        self.dir = Path(data_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._bookings_dir = self.dir / "bookings"
        self._lock = StorageLock(self.dir / ".storage.lock")
        self._seen_generation = None
        self._local = threading.local()   # depth: this thread's transaction nesting
        self._commit = GroupCommit(self._snapshot, self._write, self._committed, self._discard)
        self._journal = Journal(self.dir)
        self._journaled = {}              # storage -> None: changes in the journal, not in its file
        self._checkpoint_asked = False
        self._last_commit = 0.0
        self._timer = None
        self._checkpoint_failures = 0
        self._check_journal = True        # the file lock was just taken: a crash may have left lines
        self._lock.keep = lambda: bool(self._commit.dirty or self._commit.committing or self._journaled)
        self._lock.on_acquire = self._lock_taken
        self._config = self._storage(self.dir / "config.json")
        self._leases = self._storage(self.dir / "leases.json")
        self._dead = self._storage(self.dir / "dead_letters.json")
        self._sessions = self._storage(self.dir / "sessions.json")
        self._days = OrderedDict()   # day -> AtomicJSONStorage (LRU)
        self._parsed = {}            # day -> (the storage's content version, {booking_id: Booking})
        self._ordered = {}           # day -> (the parsed dict, its size, its bookings sorted)
        self._slots = {}             # day -> (content version, {start timestamp: {booking_id: Booking}})
        self._index = BookingIndex()
        self.audit = AuditLog(self.dir, before_write=self._announce_write)

    # -- locking and freshness -------------------------------------------------

    @contextmanager
    def transaction(self):
        """Hold the data directory's lock; re-read what other processes changed.

        Writes inside wait in memory; when the outermost transaction ends it returns only
        once they (and anything it may have read from others) are on disk: see commit.py.
        """
        if getattr(self._local, "depth", 0):
            self._local.depth += 1
            try:
                yield self
            finally:
                self._local.depth -= 1
            return
        epoch = None
        self._local.depth = 1
        try:
            with self._lock.held():
                if self._check_journal:
                    self._recover()
                if self._lock.generation() != self._seen_generation:
                    self._rescan()
                try:
                    yield self
                finally:
                    epoch = self._commit.pending_epoch()
        finally:
            self._local.depth = 0
            if epoch is not None:
                self._commit.wait_durable(epoch, self._lock)

    def _announce_write(self, _path=None):
        # Our caches stay current through our own writes; only others' writes need a rescan.
        self._seen_generation = self._lock.bump()

    def _storage(self, path) -> AtomicJSONStorage:
        return AtomicJSONStorage(path, before_write=self._announce_write, defer=self._defer, after_commit=self._on_disk)

    def _defer(self, storage) -> bool:
        """Inside a transaction a write waits for the group commit; outside, it is written at once."""
        if not getattr(self._local, "depth", 0):
            return False
        self._commit.mark(storage)
        return True

    # The group commit's three steps (commit.py), with the journal (journal.py).

    def _snapshot(self, storages) -> tuple:
        changes = [(storage, *storage.snapshot()) for storage in storages if storage.pending]
        line = encode_line([[self._name(s), change] for s, change, _ in changes]) if changes else None
        checkpoint = None
        if self._checkpoint_asked or self._journal.lines + bool(line) >= CHECKPOINT_LINES:
            self._checkpoint_asked = False
            everyone = {**self._journaled, **{s: None for s, _, _ in changes}}   # a move's old day last
            checkpoint = [(s, s.content()) for s in everyone]
        if line or checkpoint:
            self._announce_write()
        return changes, line, checkpoint

    def _write(self, snapshot) -> tuple:
        changes, line, checkpoint = snapshot
        if line:
            self._journal.append(line)           # durable from here on
        written = None
        if checkpoint:
            try:
                written = [(s, self._write_file(s.path, content)) for s, content in checkpoint]
                for folder in {s.path.parent for s, _ in checkpoint}:
                    fsync_dir(folder)
                self._journal.clear()
            except OSError:
                # The journal still has every change: they stay durable; the next checkpoint, or
                # a replay after a crash, writes the files.
                log.exception("checkpoint failed; the journal keeps the changes")
                written = None
        return changes, written, bool(checkpoint)

    @staticmethod
    def _write_file(path, content):
        write_atomically(path, content, sync_dir=False)
        return signature(path)

    def _committed(self, result) -> None:
        changes, written, snapshot_had_checkpoint = result
        for storage, _, version in changes:
            storage.journaled_up_to(version)
            self._journaled[storage] = None
        if written is not None:
            for storage, sig in written:
                storage.checkpointed(sig)
            self._journaled, self._checkpoint_failures = {}, 0
        elif snapshot_had_checkpoint:
            self._checkpoint_failures += 1
        self._last_commit = time.monotonic()
        if self._journaled and self._timer is None:   # a failing disk is retried ever more slowly
            self._schedule_checkpoint(min(60.0, CHECKPOINT_QUIET_S * 2 ** self._checkpoint_failures))

    def _name(self, storage) -> str:
        return storage.path.relative_to(self.dir).as_posix()

    # -- checkpoints and recovery ------------------------------------------------

    def checkpoint(self) -> None:
        """Write every journaled change into its file and empty the journal, now."""
        with self._lock.held():
            if not self._journaled and not self._commit.dirty:
                return
            self._checkpoint_asked = True
        self._commit.flush(self._lock)

    def journal_state(self) -> dict:
        """For monitoring: lines waiting for a checkpoint, and checkpoints failed in a row."""
        return {"journal_lines": self._journal.lines, "checkpoint_failures": self._checkpoint_failures}

    def _schedule_checkpoint(self, delay: float) -> None:
        self._timer = threading.Timer(delay, self._quiet_checkpoint)
        self._timer.daemon = True
        self._timer.start()

    def _quiet_checkpoint(self) -> None:
        """Once the store is quiet, its files catch up and the file lock goes to whoever waits."""
        with self._lock.held():
            self._timer = None
            if not self._journaled:
                return
            quiet = time.monotonic() - self._last_commit
            if quiet < CHECKPOINT_QUIET_S and not self._checkpoint_failures:
                self._schedule_checkpoint(CHECKPOINT_QUIET_S - quiet)
                return
        try:
            self.checkpoint()
        except OSError:
            log.exception("checkpoint failed; the journal keeps the changes")

    def _lock_taken(self) -> None:
        self._check_journal = True

    def _recover(self) -> None:
        """Lines in the journal that no file has (a process died before its checkpoint): replay
        them into the files, then read everything afresh."""
        self._check_journal = False
        if self._journaled or not self._journal.waiting():
            return
        self._journal.replay()
        self._lock.bump()
        self._forget_memory()

    def _on_disk(self, storage, old_sig, new_sig) -> None:
        """Caches that describe the file's old version on disk describe the new one now."""
        m = DAY_FILE.search(storage.path.name)
        if m is None:
            return
        day = m.group(1)
        if self._index.sigs.get(day) == old_sig:
            self._index.sigs[day] = new_sig

    def _discard(self) -> None:
        """After a failed commit: forget everything in memory; the next transaction reads the
        disk, after replaying what earlier commits left in the journal."""
        self._forget_memory()
        self._check_journal = True

    def _forget_memory(self) -> None:
        for storage in [self._config, self._leases, self._dead, self._sessions, *self._days.values()]:
            storage.drop()
        self._journaled = {}
        self._parsed.clear()
        self._ordered.clear()
        self._slots.clear()
        self._index = BookingIndex()
        self._seen_generation = None

    def close(self):
        """Write what the journal holds into the files, then let go of the data directory."""
        if self._timer is not None:
            self._timer.cancel()
        self.checkpoint()
        self._journal.close()
        self._lock.close()

    def is_new(self) -> bool:
        with self.transaction():   # a crash may have left the first configuration in the journal
            return not (self.dir / "config.json").exists()

    def backup(self, dest) -> list[str]:
        """Copy the data into the empty or new folder `dest`, consistent at one instant: the
        journal is checkpointed first, and the copy is made under the lock, so a running server
        (which must checkpoint before it lets go) waits a moment. Returns the files copied."""
        dest = Path(dest)
        if dest.exists() and any(dest.iterdir()):
            raise FileExistsError(f"{dest} is not empty")
        self.checkpoint()
        copied = []
        with self.transaction():
            for path in sorted(self.dir.rglob("*")):
                name = path.relative_to(self.dir).as_posix()
                if path.is_dir() or path.name.startswith(".") or name in ("journal.log",):
                    continue
                target = dest / name
                if not target.parent.exists():
                    target.parent.mkdir(parents=True)
                write_atomically(target, path.read_bytes(), sync_dir=False)
                copied.append(name)
            for folder in {(dest / n).parent for n in copied}:
                fsync_dir(folder)
            if self._journaled:      # committed meanwhile by this process: in the copy too
                write_atomically(dest / "journal.log", self._journal.path.read_bytes())
        return copied

    def remove_stale_temp_files(self) -> int:
        """Temp files left by a crash mid-write; never read, removed at server start."""
        with self._lock.held():
            stale = [p for p in self.dir.rglob(".*.tmp")]
            for path in stale:
                path.unlink(missing_ok=True)
        return len(stale)

    def _rescan(self):
        seen = {}
        if self._bookings_dir.exists():
            for month in os.scandir(self._bookings_dir):
                if month.is_dir():
                    for entry in os.scandir(month.path):
                        m = DAY_FILE.match(entry.name)
                        if m:
                            seen[m.group(1)] = signature(Path(entry.path))
        for day in list(self._index.sigs):
            if day not in seen:
                self._index.forget(day)
        for day, sig in seen.items():
            if self._index.sigs.get(day) != sig:
                self._reindex(day)
        self._seen_generation = self._lock.generation()

    def _reindex(self, day: str):
        self._index.forget(day)
        storage = self._day_storage(day)
        for doc_id, record in ((storage.read() or {}).get("bookings", {})).items():
            self._index.add(day, int(doc_id), record)
        self._index.sigs[day] = storage._sig

    def _day_path(self, day: str) -> Path:
        return self._bookings_dir / day[:7] / f"{day}.json"

    def _day_storage(self, day: str) -> AtomicJSONStorage:
        storage = self._days.pop(day, None) or self._storage(self._day_path(day))
        self._days[day] = storage
        keep = [d for d, st in self._days.items() if not (st.pending or st.journaled)]
        for evicted in keep[:max(0, len(self._days) - HOT_DAYS)]:
            del self._days[evicted]     # never one whose new content waits in memory or the journal
            self._parsed.pop(evicted, None)
            self._ordered.pop(evicted, None)
            self._slots.pop(evicted, None)
        return storage

    def _table(self, storage, name) -> Table:
        # A fresh Table each time: TinyDB caches query results and the next id per Table,
        # which another process may have made stale.
        return Table(storage, name, cache_size=0)

    def _config_table(self, name) -> Table:
        return self._table(self._config, name)

    # -- bookings ------------------------------------------------------------------

    def booking_days(self) -> list[str]:
        return sorted(self._index.sigs)

    def _record(self, booking_id: str):
        where = self._index.booking.get(booking_id)
        if where is None:
            return None
        day, doc_id = where
        return self._table(self._day_storage(day), "bookings").get(doc_id=doc_id)

    def booking(self, booking_id: str) -> Booking | None:
        where = self._index.booking.get(booking_id)
        return self._parsed_day(where[0]).get(booking_id) if where else None

    def booking_on_lease(self, lease_unit_id: str) -> Booking | None:
        booking_id = self._index.lease.get(lease_unit_id)
        return self.booking(booking_id) if booking_id else None

    def receipt(self, op_id: str):
        """The result first returned for `op_id`, or None if it was never applied."""
        booking_id = self._index.op.get(op_id)
        record = self._record(booking_id) if booking_id else None
        return record["receipts"][op_id] if record else self.lease_receipt(op_id)

    def _parsed_day(self, day: str) -> dict:
        """The day's bookings as domain objects, parsed once per version of the file."""
        storage = self._day_storage(day)
        data = (storage.read() or {}).get("bookings", {})   # re-reads only what another process changed
        cached = self._parsed.get(day)
        if cached and cached[0] == storage.version:
            return cached[1]
        parsed = {r["booking_id"]: Booking.from_record(r) for r in data.values()}
        self._parsed[day] = (storage.version, parsed)
        return parsed

    def bookings_on(self, day: date) -> list[Booking]:
        """Every booking whose session starts on `day`, ordered by start."""
        key = day.isoformat()
        if key not in self._index.sigs:
            return []
        parsed = self._parsed_day(key)
        ordered = self._ordered.get(key)
        if ordered is None or ordered[0] is not parsed or ordered[1] != len(parsed):
            here = [b for b in parsed.values() if self._index.lives_on(b.booking_id, key)]  # not a moved one's stale copy
            ordered = (parsed, len(parsed), sorted(here, key=lambda b: (b.start, b.room or "", b.booking_id)))
            self._ordered[key] = ordered
        return list(ordered[2])

    def bookings_starting(self, start) -> list[Booking]:
        """The bookings of one slot (no sorting, no copy of the day: a booking's hot path)."""
        key = tokyo(start).date().isoformat()
        if key not in self._index.sigs:
            return []
        parsed = self._parsed_day(key)
        version = self._day_storage(key).version
        slots = self._slots.get(key)
        if slots is None or slots[0] != version:
            index = {}
            for b in parsed.values():
                index.setdefault(b.start.timestamp(), {})[b.booking_id] = b
            slots = self._slots[key] = (version, index)
        found = slots[1].get(start.timestamp(), {})
        return [b for b in found.values() if self._index.lives_on(b.booking_id, key)]

    def bookings_for_event(self, event) -> list[Booking]:
        return [b for b in self.bookings_on(tokyo(event.start).date()) if b.event_id == event.id]

    def bookings_of(self, jobseeker_no: str) -> list[Booking]:
        """Every booking held under a 求職番号 (until retention purges it)."""
        ids = self._index.jobseeker.get(jobseeker_no, ())
        return sorted((self.booking(i) for i in ids), key=lambda b: b.start)

    def all_bookings(self):
        """Every booking, day by day (exports and maintenance; reads every day file)."""
        for day in self.booking_days():
            yield from self.bookings_on(date.fromisoformat(day))

    def save_booking(self, booking: Booking, receipt: tuple | None = None) -> None:
        """Insert or replace a booking, with the op's receipt in the same atomic write.

        A booking moved to another day (a reschedule) is written to the new day's file first,
        then removed from the old one; see BookingIndex.add for a crash between the two.
        """
        day = tokyo(booking.start).date().isoformat()
        where = self._index.booking.get(booking.booking_id)
        old = self._record(booking.booking_id)
        record = booking.to_record()
        record["receipts"] = dict(old.get("receipts", {})) if old else {}
        if receipt:
            record["receipts"][receipt[0]] = receipt[1]
        self._write_record(day, where[1] if where and where[0] == day else None, record, booking)
        if where and where[0] != day:
            self._remove_record(where[0], where[1])

    def _write_record(self, day: str, doc_id: int | None, record: dict, booking: Booking) -> None:
        storage = self._day_storage(day)
        if not storage.path.parent.exists():
            storage.path.parent.mkdir(parents=True)
            fsync_dir(storage.path.parent.parent)
        storage.read()
        before = storage.version
        if doc_id is None:
            doc_id = storage.next_id("bookings")
        storage.put("bookings", doc_id, record)
        self._index.add(day, doc_id, record)
        self._index.sigs[day] = storage._sig
        cached = self._parsed.get(day)
        if cached and cached[0] == before:
            previous = cached[1].get(booking.booking_id)
            cached[1][booking.booking_id] = booking
            self._parsed[day] = (storage.version, cached[1])
            slots = self._slots.get(day)
            if slots and slots[0] == before:   # the slot index follows the change, no rebuild
                if previous is not None:
                    slots[1].get(previous.start.timestamp(), {}).pop(booking.booking_id, None)
                slots[1].setdefault(booking.start.timestamp(), {})[booking.booking_id] = booking
                self._slots[day] = (storage.version, slots[1])
        else:
            self._parsed.pop(day, None)
        self._ordered.pop(day, None)

    def _remove_record(self, day: str, doc_id: int) -> None:
        storage = self._day_storage(day)
        storage.delete("bookings", doc_id)
        if storage.pending:
            self._commit.write_last(storage)
        self._index.sigs[day] = storage._sig
        self._parsed.pop(day, None)
        self._ordered.pop(day, None)
