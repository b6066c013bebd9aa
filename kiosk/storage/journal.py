"""The write-ahead journal: a commit is one appended line, the data files follow in bulk.

A group commit used to write every file it changed (temp file, fsync, rename), so a busy day's
file of a few hundred kilobytes was rewritten for each batch of bookings. Now a commit appends
what changed (the changed documents of each file, or a small file whole) as one line to
`journal.log` and fsyncs that one file: the commit is durable. The files themselves are
rewritten later, many commits at once, by a checkpoint (after a number of commits, or once the
server is quiet, and before the process lets another one take the storage lock); then the
journal is emptied.

A line is `<crc32 of the JSON, 8 hex digits> <JSON>\\n`:
    [[path relative to the data directory, change], ...]
with change `{"full": content}` or `{"put": [[table, doc_id, doc], ...], "del": [[table, doc_id], ...]}`.
A line cut short by a crash fails its checksum: it was never acknowledged and is ignored, and so
is anything after it. Replaying a line twice gives the same files, so a crash during a
checkpoint or during a replay loses nothing: the next process to take the lock replays again.
"""
import os
import zlib
from pathlib import Path

import orjson

from .files import fsync_dir, write_atomically


def encode_line(changes: list) -> bytes:
    body = orjson.dumps(changes)
    return b"%08x %s\n" % (zlib.crc32(body), body)


def decode_lines(content: bytes) -> list:
    """The intact lines, in order, up to the first one a crash cut short."""
    records = []
    for line in content.split(b"\n"):
        crc, _, body = line.partition(b" ")
        if len(crc) != 8 or not body or f"{zlib.crc32(body):08x}".encode() != crc:
            break
        records.append(orjson.loads(body))
    return records


def apply_change(content, change):
    """One file's content after one journaled change (idempotent)."""
    if "full" in change:
        return change["full"]
    content = content or {}
    for table, doc_id, doc in change.get("put", ()):
        content.setdefault(table, {})[str(doc_id)] = doc
    for table, doc_id in change.get("del", ()):
        content.get(table, {}).pop(str(doc_id), None)
    return content


def _load(path: Path):
    """A data file's JSON content; None if it is missing or empty."""
    raw = path.read_bytes() if path.exists() else b""
    return orjson.loads(raw) if raw.strip() else None


def durable_content(data_dir: Path, name: str):
    """What a file holds once the journal is replayed, read without changing anything (for
    inspection and tests; the store itself reads under the lock)."""
    data_dir = Path(data_dir)
    content = _load(data_dir / name)
    for changes in Journal(data_dir).records():
        for changed, change in changes:
            if changed == name:
                content = apply_change(content, change)
    return content


class Journal:
    def __init__(self, data_dir: Path):
        self.dir = Path(data_dir)
        self.path = self.dir / "journal.log"
        self.lines = 0             # appended since the last checkpoint, by this process
        self._fd = None

    def append(self, line: bytes) -> None:
        """Write one commit's line and make it durable."""
        if self._fd is None:
            created = not self.path.exists()
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            if created:
                fsync_dir(self.dir)
        size = os.fstat(self._fd).st_size
        try:
            os.write(self._fd, line)
            os.fdatasync(self._fd)
        except BaseException:
            os.ftruncate(self._fd, size)   # a partial line must not precede the next one
            raise
        self.lines += 1

    def clear(self) -> None:
        """Every line is in the data files now (they were fsynced before this)."""
        if self._fd is None and not self.path.exists():
            return
        fd = self._fd if self._fd is not None else os.open(self.path, os.O_WRONLY)
        try:
            os.ftruncate(fd, 0)
            os.fsync(fd)
        finally:
            if fd is not self._fd:
                os.close(fd)
        self.lines = 0

    def waiting(self) -> bool:
        """Does the journal hold lines no data file has yet (a crash, or another process's)?"""
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def records(self) -> list:
        """The intact lines on disk, decoded, in order."""
        return decode_lines(self.path.read_bytes() if self.path.exists() else b"")

    def replay(self) -> list[Path]:
        """Bring every data file up to the journal, then empty it; returns the files rewritten."""
        files = {}
        for changes in self.records():
            for name, change in changes:
                path = self.dir / name
                if path not in files:
                    files[path] = _load(path)
                files[path] = apply_change(files[path], change)
        for path, data in files.items():
            if not path.parent.exists():
                path.parent.mkdir(parents=True)
                fsync_dir(path.parent.parent)
            write_atomically(path, orjson.dumps(data), sync_dir=False)
        for folder in {p.parent for p in files}:
            fsync_dir(folder)
        self.clear()
        return list(files)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
