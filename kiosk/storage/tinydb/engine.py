"""The TinyDB backend's engine: transactions that commit everything or nothing, durably, for many
threads and processes on one data directory.

- **Unit of work.** Inside `transaction()` every write changes memory at once and records how to
  undo it; an exception undoes everything the transaction (or a nested one) wrote, so the store,
  its caches and (never touched before a commit) its files are exactly as before.
- **Group commit.** A transaction that wrote queues its changes and releases the lock; the first
  one waiting encodes every queued transaction into one journal line and fsyncs it (journal.py),
  outside the lock, while the next transactions already run. A transaction returns only once its
  line is durable. If the append fails (full disk, I/O error), every transaction of that batch and
  every one queued after it (they may have read it) is undone in memory and told
  `StorageUnavailable`; the journal is cut back, and the next commit tries the disk again.
- **Checkpoints** (`checkpoint()`, in the background when the journal has grown or aged, and at
  `close()`) write the changed TinyDB files from a copy-on-write snapshot, outside the lock, then
  delete the journal files they cover. A request never waits for one.
- **Processes.** The lock file (flock) serialises every process; the file lock is kept while this
  process has commits in flight and let go when it is idle. A process that takes it after another
  one wrote reads the new journal lines; files it has not loaded get them when it loads them.
"""
import logging
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import orjson

from ..errors import StorageUnavailable
from .files import DataFile, encode, encode_tables, fsync_dir, signature, write_all, write_atomically
from .journal import Journal, encode_commit
from .locks import CheckpointLock, StorageLock

log = logging.getLogger("madoguchi.storage")
_thread_id = threading.get_ident
CACHE_BYTES = 96 * 1024 * 1024     # clean files kept parsed in memory, by the memory they take (the rest is read again)
CHECKPOINT_BYTES = 8 * 1024 * 1024  # a checkpoint once the journal is this large...
CHECKPOINT_SECONDS = 120            # ...or its oldest line this old
CHECKPOINT_WRITERS = 8              # files written (and fsynced) at once by a checkpoint


class Tx:
    __slots__ = ("undo", "changes", "audits", "read")

    def __init__(self):
        self.undo = []       # ("put", file, table, key, old entry) | ("audit", log)
        self.changes = {}    # (file, table, key) -> (file, table, key, doc_id, bytes or None), last wins
        self.audits = []     # (log, n, entry bytes)
        self.read = 0        # the newest batch, not yet durable, that wrote a file this transaction read


class LogFile:
    """An append-only log (the audit log): lines on disk, and lines committed but not yet there."""

    __slots__ = ("name", "pending", "last_n")

    def __init__(self, name: str):
        self.name = name
        self.pending = []    # (n, bytes), in order
        self.last_n = None   # the n of the last line on disk (read when first needed)


class Engine:
    def __init__(self, data_dir: Path, key_of, status):
        self.dir = Path(data_dir)
        self.key_of = key_of
        self.status = status                      # health: faults, checkpoints (health.py)
        self.lock = StorageLock(self.dir / ".storage.lock")
        self.journal = Journal(self.dir / "journal")
        self._files = {}                          # name -> DataFile, loaded
        self._lru = OrderedDict()                 # names of clean, loaded files, oldest first
        self._cached_bytes = 0
        self._overlay = {}                        # name -> [(table, key, doc_id, bytes|None)] not loaded yet
        self._logs = {}                           # log name -> LogFile
        self._tx = None
        self._owner = None
        self._seen = None                         # the lock file's generation we are up to date with
        self._position = None                     # how far we have read the journal
        self._opened = False
        # group commit
        self._cond = threading.Condition(threading.Lock())
        self._queued = []                         # committed transactions waiting for a batch
        self._epoch = 1                           # the batch they will be in
        self._flight = None                       # (epoch, transactions) being written
        self._durable = 0                         # every batch up to this one is settled
        self._failed = set()
        self._leading = False
        self.checkpointing = CheckpointLock(self.dir / ".checkpoint.lock")
        self._gate = threading.Event()            # closed while a checkpoint or backup takes its snapshot
        self._gate.set()

    # -- transactions --------------------------------------------------------------------------

    @contextmanager
    def transaction(self):
        if self._tx is not None and self._owner == threading.get_ident():
            mark = len(self._tx.undo)         # nested: a savepoint
            try:
                yield
            except BaseException:
                self._undo(self._tx, mark)
                raise
            return
        self._gate.wait()
        self._enter()
        tx = self._tx = Tx()
        self._owner = threading.get_ident()
        try:
            yield
        except BaseException:
            self._undo(tx, 0)
            self._tx, self._owner = None, None
            self._exit()
            raise
        wait = self._queue(tx)
        self._tx, self._owner = None, None
        self._exit()
        if wait is not None:
            self._wait_durable(wait)

    def _enter(self) -> None:
        try:
            fresh = self.lock.acquire()
        except OSError as err:
            self.status.fault("lock", err)
            raise StorageUnavailable() from None
        try:
            if not self._opened:
                self._open()
            elif fresh and self.lock.generation() != self._seen:
                self._catch_up()
        except BaseException:
            self.lock.release(keep_file_lock=self._busy())
            raise

    def _exit(self) -> None:
        self.lock.release(keep_file_lock=self._busy())

    @contextmanager
    def _locked(self):
        """The lock, for the engine's own work (no transaction)."""
        self._enter()
        try:
            yield
        finally:
            self._exit()

    def _busy(self) -> bool:
        return bool(self._queued) or self._flight is not None

    def in_transaction(self) -> bool:
        return self._tx is not None and self._owner == _thread_id()

    def _require_tx(self) -> Tx:
        if self._owner != _thread_id() or self._tx is None:
            raise RuntimeError("storage access outside a transaction")
        return self._tx

    # -- reading and writing documents ---------------------------------------------------------

    def file(self, name: str) -> DataFile:
        """The file, loaded (an empty one if it does not exist yet). A transaction that reads a
        file which a batch not yet durable wrote will wait for that batch before it returns."""
        data = self._files.get(name)
        if data is not None:
            if name in self._lru:
                self._lru.move_to_end(name)
            if data.pending > self._durable and self._tx is not None:
                self._tx.read = max(self._tx.read, data.pending)
            return data
        data = DataFile.load(name, self.dir / name, self.key_of)
        for table, key, doc_id, doc in self._overlay.pop(name, ()):
            data.put(table, key, (doc_id, doc) if doc is not None else None)
            data.dirty = True
        self._files[name] = data
        self._track(data)
        return data

    def get(self, name: str, table: str, key: str):
        """The decoded document, or None."""
        self._require_tx()
        raw = self.file(name).get(table, key)
        return orjson.loads(raw) if raw is not None else None

    def docs(self, name: str, table: str) -> list:
        self._require_tx()
        return [orjson.loads(raw) for _, raw in self.file(name).items(table)]

    def put(self, name: str, table: str, key: str, doc, parsed=None) -> None:
        """Insert, replace or (doc None) remove one document, as part of the transaction
        (`parsed`: the record the document was made from, for the file's derived cache)."""
        tx = self._require_tx()
        data = self.file(name)
        old = data.entry(table, key)
        if doc is None and old is None:
            return
        raw = encode(doc) if doc is not None else None
        doc_id = old[0] if old else data.new_doc_id(table)
        self._apply(data, table, key, (doc_id, raw) if raw is not None else None, parsed)
        tx.undo.append(("put", name, table, key, old))
        tx.changes[(name, table, key)] = (name, table, key, doc_id, raw)

    def _apply(self, data: DataFile, table: str, key: str, entry, parsed=None) -> None:
        old = data.put(table, key, entry)
        if data.derived is not None:
            data.derived.changed(table, key, old[1] if old else None, entry[1] if entry else None, parsed)
        if not data.dirty:
            data.dirty = True
            self._cached_bytes -= self._lru.pop(data.name, 0)

    def exists(self, name: str) -> bool:
        return name in self._files or name in self._overlay or (self.dir / name).exists()

    def append_log(self, name: str, n: int, entry: dict) -> None:
        self.append_log_raw(name, n, encode(entry))

    def append_log_raw(self, name: str, n: int, raw: bytes) -> None:
        """A log line as given (its bytes are what its hash covers); `n` its place in the chain."""
        tx = self._require_tx()
        self._log(name).pending.append((n, raw))
        tx.undo.append(("audit", name))
        tx.audits.append((name, n, raw))

    def log_lines(self, name: str) -> list[bytes]:
        """The log's lines: on disk, then committed ones a checkpoint has not appended yet."""
        path = self.dir / name
        on_disk = path.read_bytes().splitlines() if path.exists() else []
        last = self._last_n(on_disk[-1:]) if on_disk else None
        return on_disk + [raw for n, raw in self._log(name).pending if last is None or n > last]

    def logs(self, folder: str) -> list[str]:
        """The names of the logs in `folder` (relative to the data directory), on disk or pending."""
        path = self.dir / folder
        found = {f"{folder}/{n}" for n in os.listdir(path) if n.endswith(".jsonl")} if path.exists() else set()
        return sorted(found | {name for name, lf in self._logs.items() if name.startswith(folder + "/") and lf.pending})

    def _log(self, name: str) -> LogFile:
        if name not in self._logs:
            self._logs[name] = LogFile(name)
        return self._logs[name]

    @staticmethod
    def _last_n(lines) -> int | None:
        for line in reversed(lines):
            try:
                return orjson.loads(line).get("n")
            except orjson.JSONDecodeError:
                continue
        return None

    def _tail_n(self, path: Path) -> int | None:
        """The n of a log's last line, reading only its end."""
        size = path.stat().st_size if path.exists() else 0
        if not size:
            return None
        with open(path, "rb") as f:
            f.seek(max(0, size - 65536))
            tail = f.read()
        return self._last_n(tail.splitlines()[1:] if size > 65536 else tail.splitlines())

    @staticmethod
    def _torn_from(path: Path, size: int) -> int | None:
        """Where a log's torn end starts: a last piece without its newline, or a last line that
        is not JSON; None when the log ends cleanly."""
        start = max(0, size - 65536)
        with open(path, "rb") as f:
            f.seek(start)
            tail = f.read()
        if not tail.endswith(b"\n"):
            return start + tail.rfind(b"\n") + 1
        body = tail[:-1]
        line_start = body.rfind(b"\n") + 1
        try:
            orjson.loads(body[line_start:])
        except orjson.JSONDecodeError:
            return start + line_start
        return None

    def heal_logs(self, folder: str) -> None:
        """At start: a log whose last line was cut short (a crash mid-append) gets that piece set
        aside beside it, so later appends start on a line of their own. The journal still holds
        the entry, and the next checkpoint appends it again."""
        path = self.dir / folder
        if not path.exists():
            return
        for name in sorted(os.listdir(path)):
            if not name.endswith(".jsonl"):
                continue
            log_path = path / name
            size = log_path.stat().st_size
            if not size:
                continue
            torn_from = self._torn_from(log_path, size)
            if torn_from is None:
                continue
            aside = log_path.with_name(f"{name}.torn-{int(time.time())}")
            with open(log_path, "rb") as f:
                f.seek(torn_from)
                piece = f.read()
            write_atomically(aside, piece)
            fd = os.open(log_path, os.O_WRONLY)
            try:
                os.ftruncate(fd, max(0, torn_from))
                os.fsync(fd)
            finally:
                os.close(fd)
            self.status.torn = tuple(self.status.torn) + (f"{folder}/{aside.name}",)
            log.warning("audit log %s: a torn last line set aside in %s", name, aside.name)

    def _undo(self, tx: Tx, mark: int) -> None:
        while len(tx.undo) > mark:
            step = tx.undo.pop()
            if step[0] == "put":
                _, name, table, key, old = step
                self._apply(self.file(name), table, key, old)
                if old is None:
                    tx.changes.pop((name, table, key), None)
                else:
                    tx.changes[(name, table, key)] = (name, table, key, old[0], old[1])
            else:
                self._logs[step[1]].pending.pop()
                tx.audits.pop()
        if mark == 0:
            tx.changes.clear()

    # -- group commit --------------------------------------------------------------------------

    def _queue(self, tx: Tx):
        """Under the lock, at the end of a transaction: the batch to wait for, if any (its own, or
        for a reader the batch that wrote what it read)."""
        if tx.changes or tx.audits:
            self._queued.append(tx)
            for name in {change[0] for change in tx.changes.values()}:
                self._files[name].pending = self._epoch
            self._seen = self.lock.bump()
            return self._epoch
        return tx.read if tx.read > self._durable else None

    def _wait_durable(self, epoch: int) -> None:
        while True:
            with self._cond:
                while self._durable < epoch and self._leading:
                    self._cond.wait()
                if self._durable >= epoch:
                    if epoch in self._failed:
                        raise StorageUnavailable()
                    return
                self._leading = True
            self._lead()

    def _lead(self) -> None:
        error = None
        self.lock.acquire()
        try:
            epoch, batch = self._epoch, self._queued
            self._queued, self._epoch = [], epoch + 1
            self._flight = (epoch, batch)
            ready = self.journal.ready()
        finally:
            self.lock.release(keep_file_lock=True)
        if batch:
            try:
                if not ready:
                    raise OSError(5, "the journal could not be cut back after a failed write")
                changes = [c for tx in batch for c in tx.changes.values()]
                self.journal.append(encode_commit(changes, [a for tx in batch for a in tx.audits]))
            except OSError as err:
                error = err
        self.lock.acquire()
        try:
            if error is None:
                settled = epoch
                self.status.ok()
            else:
                log.error("a commit could not be written (%s); %d transaction(s) undone", error, len(batch) + len(self._queued))
                self.status.fault("journal", error)
                for tx in reversed(batch + self._queued):
                    self._undo(tx, 0)
                settled = self._epoch
                self._queued, self._epoch = [], self._epoch + 1
                self._failed.update(range(epoch, settled + 1))
            self._flight = None
            with self._cond:
                self._durable = max(self._durable, settled)
                self._leading = False
                self._cond.notify_all()
        finally:
            self.lock.release(keep_file_lock=self._busy())

    # -- opening, other processes ----------------------------------------------------------------

    def _open(self) -> None:
        """At the first transaction: read the journal (setting torn lines aside)."""
        records = self.journal.open()
        for _, _, record in records:
            self._take(record)
        self._note_torn()
        self._position = self.journal.position
        self._seen = self.lock.generation()
        self._opened = True

    def _take(self, record: dict) -> None:
        """A journal line written by another process (or before a crash): apply or keep it."""
        for name, table, key, doc_id, doc in record.get("c", ()):
            raw = encode(doc) if doc is not None else None
            data = self._files.get(name)
            if data is not None:
                self._apply(data, table, key, (doc_id, raw) if raw is not None else None)
            else:
                self._overlay.setdefault(name, []).append((table, key, doc_id, raw))
        for name, n, entry in record.get("a", ()):
            self._log(name).pending.append((n, encode(entry)))

    def _catch_up(self) -> None:
        numbers = self.journal.numbers()
        if numbers and numbers[0] > self._position[0]:
            # Another process checkpointed: the files changed under us. Start afresh from disk.
            self._forget()
            self._open()
            return
        records, self._position = self.journal.read_new(self._position)
        for _, _, record in records:
            self._take(record)
        self._note_torn()
        self._seen = self.lock.generation()

    def _note_torn(self) -> None:
        for name in self.journal.torn:
            if f"journal/{name}" not in self.status.torn:
                self.status.torn = tuple(self.status.torn) + (f"journal/{name}",)

    def _forget(self) -> None:
        dirty = [f for f in self._files.values() if f.dirty]
        if dirty:
            log.info("another process checkpointed; re-reading %d file(s)", len(dirty))
        self._files.clear()
        self._lru.clear()
        self._cached_bytes = 0
        self._overlay.clear()
        self._logs.clear()
        self.journal.close()

    def _track(self, data: DataFile) -> None:
        """Keep a clean loaded file in the LRU; evict the oldest clean ones over the budget (dirty
        files stay until a checkpoint has written them)."""
        if data.dirty or data.name in self._lru:
            return
        self._lru[data.name] = data.size
        self._cached_bytes += data.size
        while self._cached_bytes > CACHE_BYTES and len(self._lru) > 1:
            name, counted = self._lru.popitem(last=False)
            self._files.pop(name, None)
            self._cached_bytes -= counted

    # -- checkpoints -------------------------------------------------------------------------------

    def needs_checkpoint(self) -> bool:
        j = self.journal
        return j.bytes >= CHECKPOINT_BYTES or (
            j.first_line_at is not None and time.monotonic() - j.first_line_at >= CHECKPOINT_SECONDS)

    def flush(self) -> None:
        """Return once everything committed so far is durable (lead commits if need be)."""
        with self._locked():
            epoch = self._epoch if self._queued else (self._flight[0] if self._flight else None)
        if epoch is not None:
            self._wait_durable(epoch)

    @contextmanager
    def quiesced(self):
        """The lock, with nothing queued or in flight: memory equals what is durable. New
        transactions wait at the gate meanwhile (a moment: one fsync at most)."""
        self._gate.clear()
        try:
            while True:
                self.flush()
                self._enter()
                if not self._busy():
                    break
                self._exit()
            try:
                yield
            finally:
                self._exit()
        finally:
            self._gate.set()

    def checkpoint(self) -> bool:
        """Write every changed file and every pending log line; then drop the journal they are in.
        Requests go on meanwhile: only taking the snapshot holds the lock. True if it wrote."""
        with self.checkpointing:
            with self.quiesced():
                if not self._opened:
                    self._open()
                if not any(f.dirty for f in self._files.values()) and not self._overlay and \
                        not any(lf.pending for lf in self._logs.values()) and self.journal.lines == 0:
                    return False
                for name in list(self._overlay):
                    self.file(name)           # journaled by another process: load it to write it
                covered = self.journal.rotate()
                files = [(f, f.freeze()) for f in self._files.values() if f.dirty]
                for f, _ in files:
                    f.dirty = False
                logs = [(lf, list(lf.pending)) for lf in self._logs.values() if lf.pending]
                self._position = self.journal.position
                self._seen = self.lock.bump()
            try:
                written = self._write_files(files)
                self._append_logs(logs)
            except OSError as err:
                log.error("checkpoint failed (%s); the journal keeps every change", err)
                self.status.checkpoint_failed(err)
                with self._locked():
                    for f, _ in files:
                        f.dirty = True
                        self._cached_bytes -= self._lru.pop(f.name, 0)
                return False
            with self._locked():
                self.journal.remove_through(covered)
                for f, sig in written:
                    f.sig = sig
                    self._track(f)
                for lf, lines in logs:
                    del lf.pending[:len(lines)]
                    lf.last_n = lines[-1][0]
                self.status.checkpointed()
            return True

    def _write_files(self, files) -> list:
        """Each changed file replaced atomically and fsynced, several at once (a checkpoint after a
        busy hour touches a few thousand small index files: one fsync after another took seconds);
        then their folders. Until all of it is done the journal still holds every change."""
        folders = {(self.dir / f.name).parent for f, _ in files}
        for folder in sorted(folders):
            folder.mkdir(parents=True, exist_ok=True)

        def write(item):
            f, tables = item
            path = self.dir / f.name
            write_atomically(path, encode_tables(tables), sync=True, sync_dir=False)
            return f, signature(path)

        if len(files) < 4:
            written = [write(item) for item in files]
        else:
            with ThreadPoolExecutor(min(CHECKPOINT_WRITERS, len(files)), thread_name_prefix="checkpoint") as pool:
                written = list(pool.map(write, files))
        synced = set()
        for folder in folders:               # each folder, and up to the data directory (new folders' entries)
            while folder not in synced and folder != self.dir.parent:
                fsync_dir(folder)
                synced.add(folder)
                if folder == self.dir:
                    break
                folder = folder.parent
        return written

    def _append_logs(self, logs) -> None:
        for lf, lines in logs:
            path = self.dir / lf.name
            if not path.parent.exists():
                path.parent.mkdir(parents=True)
            last = self._tail_n(path)
            new = [raw for n, raw in lines if last is None or n > last]
            if not new:
                continue
            created = not path.exists()
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                size = os.fstat(fd).st_size
                try:
                    write_all(fd, b"".join(raw + b"\n" for raw in new))
                    os.fsync(fd)
                except OSError:
                    os.ftruncate(fd, size)
                    raise
            finally:
                os.close(fd)
            if created:
                fsync_dir(path.parent)

    def probe(self) -> None:
        """While commits fail: try the disk with an empty line (it replays to nothing)."""
        with self._locked():
            try:
                if not self.journal.ready():
                    return
                self.journal.append(encode_commit([], []))
            except OSError as err:
                self.status.fault("journal", err)
                return
            self.status.ok()

    def close(self, checkpoint: bool = True) -> None:
        """Checkpoint (unless told not to), then let go of the lock file and the journal. The next
        transaction opens the store again, reading the disk afresh."""
        try:
            if checkpoint and self._opened:
                self.checkpoint()
        finally:
            with self.lock.thread_lock:
                self._forget()
                self._opened = False
                self.lock.close()
