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

    def __init__(self, path, before_write=None, defer=None, after_commit=None):
        """`defer(self)` -> True keeps a write in memory for the store's group commit;
        `after_commit(self, old_sig, new_sig)` hears when it is on disk."""
        self.path = Path(path)
        self._data = None
        self._sig = None
        self._before_write = before_write
        self._defer = defer
        self._after_commit = after_commit
        self.pending = False    # the newest content is in memory, not yet in the journal
        self.journaled = False  # the journal holds changes this file does not have yet
        self.version = 0        # changes with every content change, written or waiting (for caches)
        self._fragments = None  # table -> {doc_id: its JSON}, in step with the data: see put()
        self._changed = {}      # (table, doc_id) -> None: documents put or deleted since the last commit
        self._whole = False     # the whole content was written since the last commit

    # -- documents, for files that grow (a day's bookings): one document's cost, not the file's

    def _in_step(self) -> dict:
        """Each document's JSON, in the data's order (built once after a read)."""
        if self._fragments is None:
            data = self.read() or {}
            self._fragments = {name: {doc_id: self._fragment(doc_id, doc) for doc_id, doc in table.items()}
                               for name, table in data.items()}
        return self._fragments

    @staticmethod
    def _fragment(doc_id, doc) -> bytes:
        return b'"%s":%s' % (str(doc_id).encode(), orjson.dumps(doc))

    def next_id(self, table: str) -> int:
        """A document ID not used in `table` (TinyDB's numbering: the largest plus one)."""
        return max(map(int, self._in_step().get(table, {})), default=0) + 1

    def put(self, table: str, doc_id: int, doc: dict) -> None:
        """Insert or replace one document; only it is encoded anew."""
        fragments = self._in_step()
        data = self.read() or {}
        data.setdefault(table, {})[str(doc_id)] = doc
        fragments.setdefault(table, {})[str(doc_id)] = self._fragment(doc_id, doc)
        self._changed[(table, str(doc_id))] = None
        self._store(data)

    def delete(self, table: str, doc_id: int) -> None:
        fragments = self._in_step()
        data = self.read() or {}
        data.get(table, {}).pop(str(doc_id), None)
        fragments.get(table, {}).pop(str(doc_id), None)
        self._changed[(table, str(doc_id))] = None
        self._store(data)

    def encode(self, data) -> bytes:
        """The file's JSON: joined from the documents' JSON when in step (put/delete), else whole."""
        if self._fragments is None:
            return orjson.dumps(data)
        return b"{" + b",".join(orjson.dumps(name) + b":{" + b",".join(docs.values()) + b"}"
                                for name, docs in self._fragments.items()) + b"}"

    def read(self):
        if self.pending or self.journaled:   # newer than the file; the process holds the lock
            return self._data
        sig = signature(self.path)
        if sig is None:
            self._data, self._sig = None, None
            return None
        if sig != self._sig:
            with open(self.path, "rb") as f:
                content = f.read()
            self._data = orjson.loads(content) if content.strip() else None
            self._sig = sig
            self._fragments = None
            self.version += 1
        return self._data

    def write(self, data):
        """TinyDB's write: the whole content (which TinyDB may have changed in place)."""
        self._fragments = None
        self._whole = True
        self._store(data)

    def _store(self, data):
        self.version += 1
        if self._defer is not None and self._defer(self):
            self._data, self.pending = data, True
            return
        self._write_now(data, sync_dir=True)

    def snapshot(self) -> tuple[dict, int] | None:
        """What changed since the last commit, as a journal change, and the content's version
        (under the storage lock); None if nothing waits in memory."""
        if not self.pending:
            return None
        data = self._data or {}
        if self._whole:
            change = {"full": data}
        else:
            change = {"put": [[t, i, data[t][i]] for t, i in self._changed if i in data.get(t, {})],
                      "del": [[t, i] for t, i in self._changed if i not in data.get(t, {})]}
        self._changed, self._whole = {}, False
        return change, self.version

    def content(self) -> bytes:
        """The whole file as it is in memory, for a checkpoint (under the storage lock)."""
        return self.encode(self._data)

    def journaled_up_to(self, version: int) -> None:
        """The changes up to `version` are in the journal (under the storage lock). A newer
        change since stays pending, for the next commit."""
        if self.version == version:
            self.pending = False
        self.journaled = True

    def checkpointed(self, sig) -> None:
        """The file on disk has everything the journal had for it, as `sig`."""
        old, self._sig = self._sig, sig
        self.journaled = False
        if self._after_commit:
            self._after_commit(self, old, sig)

    def _write_now(self, data, sync_dir: bool):
        if self._before_write:
            self._before_write(self.path)
        try:
            write_atomically(self.path, self.encode(data), sync_dir=sync_dir)
        except BaseException:
            # TinyDB changed our cached dict in place before calling us; it is not on disk.
            self.drop()
            raise
        self._data, self._sig = data, signature(self.path)
        self._changed, self._whole = {}, False

    def drop(self) -> None:
        """Forget the in-memory copy (after a failed write): the next read reads the disk."""
        self._data, self._sig, self._fragments, self.pending, self.journaled = None, None, None, False, False
        self._changed, self._whole = {}, False
        self.version += 1

    def close(self):
        pass
