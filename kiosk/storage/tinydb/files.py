"""TinyDB's file format ({table: {doc_id: document}}), held in memory document by document.

A `DataFile` keeps each document as its encoded JSON, found by the document's natural key (a
booking's ID, a room's ID...), so that a change costs one document, never the whole file. It is
written back whole, atomically (temp file, fsync, rename), only by a checkpoint. `TinyFile` is
TinyDB's `Storage` for the same files, so `TinyDB(path, storage=TinyFile)` opens them as they are.
"""
import os
from pathlib import Path

import orjson
from tinydb.storages import Storage


ENTRY_COST = 160     # memory an encoded document takes beyond its JSON: its bytes object, tuple, key


def encode(doc) -> bytes:
    """The document's JSON in a bytes object of its own size. orjson's result keeps its whole write
    buffer (4 KB at least since orjson 3.12; 64 KB for a 5 KB document), and a server keeps
    hundreds of thousands of documents: a data file's 90-byte index entries took 4 KB each."""
    return b"".join((orjson.dumps(doc), b""))


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` survive a crash."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, content: bytes) -> None:
    """os.write until every byte is written (a short write is not an error, a full disk is)."""
    view, written = memoryview(content), 0
    while written < len(content):
        n = os.write(fd, view[written:])
        if n <= 0:
            raise OSError(5, "a write made no progress")
        written += n


def write_atomically(path: Path, content: bytes, sync: bool = True, sync_dir: bool = True) -> None:
    """Replace `path` with `content`: temp file, (fsync,) rename, (fsync of the folder)."""
    tmp = path.parent / f".{path.name}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            write_all(fd, content)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
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


class TinyFile(Storage):
    """TinyDB's Storage for one data file (read it with TinyDB; the store writes it itself)."""

    def __init__(self, path, **_):
        self.path = Path(path)

    def read(self):
        raw = self.path.read_bytes() if self.path.exists() else b""
        return orjson.loads(raw) if raw.strip() else None

    def write(self, data):
        write_atomically(self.path, orjson.dumps(data))


class DataFile:
    """One data file in memory: table -> natural key -> (doc_id, encoded document)."""

    __slots__ = ("name", "tables", "sig", "version", "dirty", "frozen", "derived", "size", "pending", "_next")

    def __init__(self, name: str):
        self.name = name
        self.tables = {}        # table -> {key: (doc_id, bytes)}
        self.sig = None         # the signature of the file on disk this reflects
        self.version = 0        # bumped by every change, for derived caches
        self.dirty = False      # holds changes the file on disk does not have
        self.frozen = set()     # tables a checkpoint is writing out: copied before they change
        self.derived = None     # a cache built from the documents (kept in step by the engine)
        self.size = 0           # the memory its documents take, about (their JSON and ENTRY_COST each)
        self.pending = 0        # the last commit batch that changed it (engine.py: readers wait for it)
        self._next = {}         # table -> the next free doc_id

    @classmethod
    def load(cls, name: str, path: Path, key_of) -> "DataFile":
        """Read the file (TinyDB's format); `key_of(table)` gives the natural key of a document."""
        data = DataFile(name)
        data.sig = signature(path)
        content = TinyFile(path).read() if data.sig else None
        for table, docs in (content or {}).items():
            key = key_of(table)
            data.tables[table] = {key(doc): (int(doc_id), encode(doc)) for doc_id, doc in docs.items()}
            data.size += ENTRY_COST * len(docs)
        data.size += data.sig[1] if data.sig else 0     # (the documents' JSON is about the file's size)
        return data

    def get(self, table: str, key: str) -> bytes | None:
        entry = self.tables.get(table, {}).get(key)
        return entry[1] if entry else None

    def entry(self, table: str, key: str):
        return self.tables.get(table, {}).get(key)

    def items(self, table: str):
        """(key, encoded document) pairs, in the order they were first written."""
        return [(k, e[1]) for k, e in self.tables.get(table, {}).items()]

    def count(self, table: str) -> int:
        return len(self.tables.get(table, {}))

    def new_doc_id(self, table: str) -> int:
        if table not in self._next:
            self._next[table] = max((e[0] for e in self.tables.get(table, {}).values()), default=0) + 1
        doc_id = self._next[table]
        self._next[table] = doc_id + 1
        return doc_id

    def put(self, table: str, key: str, entry) -> tuple | None:
        """Set (doc_id, bytes) for `key`, or remove it with None; returns the previous entry."""
        docs = self.tables.get(table)
        if docs is None:
            docs = self.tables[table] = {}
        elif table in self.frozen:           # copy on write: the checkpoint keeps the old dict
            docs = self.tables[table] = dict(docs)
            self.frozen.discard(table)
        old = docs.pop(key, None) if entry is None else docs.get(key)
        if entry is not None:
            docs[key] = entry
            if table in self._next and entry[0] >= self._next[table]:
                self._next[table] = entry[0] + 1     # (new_doc_id starts from the largest in use)
            self.size += len(entry[1]) + ENTRY_COST
        if old is not None:
            self.size -= len(old[1]) + ENTRY_COST
        self.version += 1
        return old

    def freeze(self) -> dict:
        """The tables as they are now, for a checkpoint to encode while changes go on."""
        self.frozen = set(self.tables)
        return dict(self.tables)


def encode_tables(tables: dict) -> bytes:
    """TinyDB's JSON for a snapshot from `DataFile.freeze()`."""
    return b"{" + b",".join(
        orjson.dumps(name) + b":{" + b",".join(b'"%d":%s' % (doc_id, doc) for doc_id, doc in docs.values()) + b"}"
        for name, docs in tables.items()) + b"}"
