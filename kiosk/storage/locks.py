"""Locks on the data directory: one for every read-modify-write, one for the server."""
import fcntl
import os
import threading
from contextlib import contextmanager
from pathlib import Path


class StorageLock:
    """Mutual exclusion across threads (a lock) and processes (flock), reentrant per thread.

    The lock file also holds a generation number that every writer bumps before it writes,
    so a process knows in one read whether anyone else changed the data since it last looked.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd = None
        self._flocked = False
        self.keep = lambda: False   # keep the file lock after the last release (changes wait in memory)
        self.on_acquire = lambda: None   # told each time the file lock is taken anew

    @contextmanager
    def held(self):
        with self._thread_lock:
            if self._depth == 0 and not self._flocked:
                if self._fd is None:
                    self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
                self._flocked = True
                self.on_acquire()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and not self.keep():
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
                    self._flocked = False

    def generation(self) -> int:
        """The data's generation; call while holding the lock."""
        text = os.pread(self._fd, 20, 0).strip()
        return int(text) if text.isdigit() else 0

    def bump(self) -> int:
        """Announce a write to other processes; returns the new generation."""
        if self._depth == 0:
            raise RuntimeError("write outside a storage transaction")
        generation = self.generation() + 1
        os.pwrite(self._fd, f"{generation:020d}".encode(), 0)
        return generation

    def close(self):
        with self._thread_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd, self._flocked = None, False


class ServerAlreadyRunning(RuntimeError):
    """Another server process serves this data directory."""


class ServerLock:
    """Held for the whole life of a server process; a second server cannot take it."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / ".server.lock"
        self._fd = None

    def acquire(self):
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 100).decode(errors="replace").strip()
            os.close(fd)
            raise ServerAlreadyRunning(
                f"Another Madoguchi server (pid {holder or 'unknown'}) is already using the data "
                f"directory {self.path.parent}. Stop it first, or set KIOSK_DATA_DIR to another directory."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        os.fsync(fd)
        self._fd = fd

    def release(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
