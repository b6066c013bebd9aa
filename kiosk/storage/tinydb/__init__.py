"""The TinyDB backend: one data directory holding one office or a few (the default for `make run`)."""
import errno
import logging
import os
import threading
import time
from collections import defaultdict, deque
from contextlib import contextmanager
from pathlib import Path

from ...domain.offices import Office
from ..errors import DataDirectoryUnusable, OfficeUnknown
from .engine import Engine
from .health import StorageStatus
from .layout import FORMAT, REGISTRY, key_of
from .locks import ServerAlreadyRunning, ServerLock
from .office_store import TinyOfficeStore

log = logging.getLogger("madoguchi.storage")
__all__ = ["TinyBackend", "ServerLock", "ServerAlreadyRunning"]


class MemoryRateCounter:
    """Rate-limit counters in this process: a TinyDB directory has exactly one server process."""

    def __init__(self):
        self._hits = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, window_seconds: float, now) -> bool:
        t = now.timestamp()
        with self._lock:
            calls = self._hits[key]
            while calls and calls[0] <= t - window_seconds:
                calls.popleft()
            if len(calls) >= limit:
                return False
            calls.append(t)
            if len(self._hits) > 100_000:   # a flood of keys: forget the idle ones
                for k in [k for k, v in self._hits.items() if not v or v[-1] <= t - window_seconds][:50_000]:
                    del self._hits[k]
            return True


def check_usable(data_dir: Path) -> None:
    """The data directory exists (or can be made) and can be written: else one clear line."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DataDirectoryUnusable(f"madoguchi: cannot create the data directory {data_dir}: {err.strerror}.") from None
    if not data_dir.is_dir():
        raise DataDirectoryUnusable(f"madoguchi: the data directory {data_dir} is not a directory.")
    probe = data_dir / f".write-test-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        why = "it is on a read-only file system" if err.errno == errno.EROFS else err.strerror
        raise DataDirectoryUnusable(f"madoguchi: the data directory {data_dir.resolve()} is not writable ({why}). "
                                    f"Fix its permissions or set KIOSK_DATA_DIR to a writable directory.") from None


class TinyBackend:
    kind = "tinydb"

    def __init__(self, data_dir, default_office: Office):
        self.dir = Path(data_dir)
        check_usable(self.dir)
        from .migrate import migrate_if_needed
        migrate_if_needed(self.dir, default_office.slug)
        if not (self.dir / "FORMAT").exists():
            (self.dir / "FORMAT").write_text(FORMAT + "\n")
        self.status = StorageStatus()
        self.engine = Engine(self.dir, key_of, self.status)
        self.default_slug = default_office.slug
        self._default = default_office
        self._stores = {}
        self._rates = MemoryRateCounter()
        self._healed = set()
        self._background = None

    # -- offices -------------------------------------------------------------------------------

    def office(self, slug: str | None = None) -> TinyOfficeStore:
        slug = slug or self.default_slug
        store = self._stores.get(slug)
        if store is None:
            office = self._default if slug == self.default_slug else self._registered(slug)
            if office is None:
                raise OfficeUnknown()
            store = self._stores[slug] = TinyOfficeStore(self.engine, office)
            self._heal(store)
        return store

    def _registered(self, slug: str) -> Office | None:
        with self.engine.transaction():
            doc = self.engine.get(REGISTRY, "offices", slug)
        return Office.from_record(doc) if doc else None

    def offices(self) -> list[Office]:
        with self.engine.transaction():
            docs = self.engine.docs(REGISTRY, "offices")
        found = {d["slug"]: Office.from_record(d) for d in docs}
        found.setdefault(self.default_slug, self._default)
        return [found[s] for s in sorted(found)]

    def save_office(self, office: Office) -> None:
        with self.engine.transaction():
            self.engine.put(REGISTRY, "offices", office.slug, office.to_record())
        self._stores.pop(office.slug, None)
        if office.slug == self.default_slug:
            self._default = office

    def _heal(self, store) -> None:
        if store.office.slug not in self._healed:
            with self.engine._locked():
                self.engine.heal_logs(store.files.audit_folder)
            self._healed.add(store.office.slug)

    def is_new(self) -> bool:
        with self.engine.transaction():
            return not self.engine.exists(f"offices/{self.default_slug}/office.json")

    def rate_counter(self):
        return self._rates

    @contextmanager
    def cluster_job(self, name: str):
        yield True     # one server process per data directory

    # -- health, background work, closing ---------------------------------------------------------

    def health(self) -> dict:
        journal = self.engine.journal
        return {"backend": self.kind, "healthy": self.status.healthy, **self.status.as_dict(),
                "journal_bytes": journal.bytes, "journal_lines": journal.lines}

    def start_background(self, interval: float = 1.0) -> None:
        """The server's helper thread: checkpoints when the journal has grown or aged, retries a
        failing disk, and probes it while commits fail so that health recovers by itself."""
        stop = threading.Event()

        def loop():
            backoff = interval
            while not stop.wait(backoff):
                try:
                    if self.status.state != "ok":
                        self.engine.probe()
                    if self.engine.needs_checkpoint() or self.status.checkpoint_failures:
                        ok = self.engine.checkpoint() or not self.status.checkpoint_failures
                        backoff = interval if ok else min(60.0, backoff * 2)
                except Exception:   # noqa: BLE001 (keep the store's helper alive; it logs and retries)
                    log.exception("background checkpoint failed")
                    backoff = min(60.0, backoff * 2)

        thread = threading.Thread(target=loop, name="storage-checkpoint", daemon=True)
        thread.stop = stop
        thread.start()
        self._background = thread

    def backup(self, dest) -> list[str]:
        from .backup import backup
        return backup(self.engine, Path(dest))

    def close(self) -> None:
        """Checkpoint and let go. A command run beside a server leaves the checkpoint to it."""
        serving = self._background is not None
        if serving:
            self._background.stop.set()
            self._background.join(5)
            self._background = None
        self.engine.close(checkpoint=serving or not ServerLock.held_by_other(self.dir))
