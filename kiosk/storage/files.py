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
        self._fragments = {}   # (table, doc_id) -> (the document object, its JSON): see encode()

    def changed(self, table: str, doc_id) -> None:
        """A document is about to be changed in place (TinyDB's update does that): encode it anew."""
        self._fragments.pop((table, str(doc_id)), None)   # TinyDB's keys on disk are strings

    def encode(self, data) -> bytes:
        """The file's JSON, re-encoding only documents that are new objects or marked changed.

        A day file is rewritten whole at every booking; encoding each document once keeps a
        write's cost at the changed document, not the day's. Same bytes as orjson.dumps(data).
        """
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            return orjson.dumps(data)
        cache, fragments, parts = self._fragments, {}, []
        for name, table in data.items():
            docs = []
            for doc_id, doc in table.items():
                key = (name, doc_id)
                cached = cache.get(key)
                if cached is None or cached[0] is not doc:
                    cached = (doc, b'"%s":%s' % (str(doc_id).encode(), orjson.dumps(doc)))
                fragments[key] = cached
                docs.append(cached[1])
            parts.append(orjson.dumps(name) + b":{" + b",".join(docs) + b"}")
        self._fragments = fragments
        return b"{" + b",".join(parts) + b"}"

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
            self._fragments = {}
        return self._data

    def write(self, data):
        if self._before_write:
            self._before_write(self.path)
        try:
            write_atomically(self.path, self.encode(data), sync_dir=self._after_rename is None)
        except BaseException:
            # TinyDB changed our cached dict in place before calling us; it is not on disk.
            self._data, self._sig, self._fragments = None, None, {}
            raise
        self._data, self._sig = data, signature(self.path)
        if self._after_rename:
            self._after_rename(self.path.parent)

    def close(self):
        pass
