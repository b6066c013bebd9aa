"""Atomic, durable JSON files that notice when another process changed them."""
import os
from pathlib import Path

import orjson
from tinydb.storages import Storage


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` survive a crash."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, content: bytes, sync_dir: bool = True) -> None:
    """Replace `path` with `content`: temp file, fsync, rename, fsync of the folder.

    The temp file's name is fixed: every writer holds the storage lock. With
    `sync_dir=False` the caller fsyncs the folder itself before it reports success
    (the store does it once per transaction, after releasing the lock).
    """
    tmp = path.parent / f".{path.name}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if sync_dir:
        fsync_dir(path.parent)


def signature(path: Path):
    """What changes whenever the file is replaced or rewritten."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes atomically and re-reads only after outside changes.

    Callers hold the data directory's lock around every read-modify-write, so the
    cached copy is current unless another process replaced the file, which the
    signature (inode, size, mtime) shows.
    """

    def __init__(self, path, before_write=None, after_rename=None):
        self.path = Path(path)
        self._data = None
        self._sig = None
        self._before_write = before_write
        self._after_rename = after_rename

    def read(self):
        sig = signature(self.path)
        if sig is None:
            self._data, self._sig = None, None
            return None
        if sig != self._sig:
            with open(self.path, "rb") as f:
                content = f.read()
            self._data = orjson.loads(content) if content.strip() else None
            self._sig = sig
        return self._data

    def write(self, data):
        if self._before_write:
            self._before_write(self.path)
        try:
            write_atomically(self.path, orjson.dumps(data), sync_dir=self._after_rename is None)
        except BaseException:
            # TinyDB changed our cached dict in place before calling us; it is not on disk.
            self._data, self._sig = None, None
            raise
        self._data, self._sig = data, signature(self.path)
        if self._after_rename:
            self._after_rename(self.path.parent)

    def close(self):
        pass
