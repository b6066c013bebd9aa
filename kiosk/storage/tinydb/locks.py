"""Locks on the data directory: one around every transaction, one for the server's lifetime."""
import fcntl
import os
import threading
from pathlib import Path


class StorageLock:
    """Mutual exclusion across threads (an RLock) and processes (flock).

    The lock file also holds a generation number that every committing process bumps, so a
    process that takes the lock knows in one read whether another one wrote since it last looked.
    The process may keep the file lock between transactions (while its commits are in flight).
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.thread_lock = threading.RLock()
        self._fd = None
        self._depth = 0
        self.flocked = False

    def acquire(self) -> bool:
        """Take the thread lock, and the file lock if this process does not hold it; True when
        the file lock was taken anew (another process may have written meanwhile)."""
        self.thread_lock.acquire()
        self._depth += 1
        if self.flocked:
            return False
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._depth -= 1
            self.thread_lock.release()
            raise
        self.flocked = True
        return True

    def release(self, keep_file_lock: bool) -> None:
        self._depth -= 1
        if self.flocked and not keep_file_lock and self._depth == 0:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            self.flocked = False
        self.thread_lock.release()

    def generation(self) -> int:
        """The data's generation (call while holding the lock)."""
        text = os.pread(self._fd, 20, 0).strip()
        return int(text) if text.isdigit() else 0

    def bump(self) -> int:
        """Announce a write to other processes; returns the new generation."""
        generation = self.generation() + 1
        os.pwrite(self._fd, f"{generation:020d}".encode(), 0)
        return generation

    def close(self) -> None:
        with self.thread_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd, self.flocked = None, False


class ServerAlreadyRunning(RuntimeError):
    """Another server process serves this data directory."""


class ServerLock:
    """Held for the whole life of a server process; a second server cannot take it."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / ".server.lock"
        self._fd = None

    def acquire(self) -> None:
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

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    @staticmethod
    def held_by_other(data_dir: Path) -> bool:
        """Does a server process hold this data directory right now?"""
        path = Path(data_dir) / ".server.lock"
        if not path.exists():
            return False
        fd = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False


class CheckpointLock:
    """Held while a checkpoint rewrites files, or while a backup copies them (they cannot change
    meanwhile): a thread lock and a flock on `.checkpoint.lock`, across processes."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._thread_lock = threading.Lock()

    def __enter__(self):
        self._thread_lock.acquire()
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise
        return self

    def __exit__(self, *exc):
        os.close(self._fd)
        self._thread_lock.release()
