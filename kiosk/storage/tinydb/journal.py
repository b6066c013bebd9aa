"""The write-ahead journal: a commit is one appended, checksummed line; the data files follow in
bulk at checkpoints (engine.py).

Files `journal/NNNNNNNN.log`; appends go to the newest. A checkpoint starts a new file, writes the
data files, then deletes the older journal files, whose lines are then in the files. Every process
replays every journal file over the data files it reads, and replaying is idempotent, so a crash
at any point loses nothing that was acknowledged.

A line is `<crc32 of the JSON, 8 hex digits> <JSON>\\n`, the JSON being
    {"c": [[file, table, key, doc_id, doc or null], ...], "a": [[log, n, entry], ...]}
("c": documents put (or deleted: null) in TinyDB files; "a": audit entries appended to a log).
Every write checks its count: a short write is finished or undone, and a failed append (full
disk, I/O error) is cut off again before anything else is appended. A line that fails its
checksum at start-up (a crash mid-append) was never acknowledged: it is set aside into
`journal/torn-*.log`, never silently deleted, and never blocks later writes.
"""
import errno
import logging
import os
import re
import time
import zlib
from pathlib import Path

import orjson

from .files import fsync_dir, write_atomically

NAME = re.compile(r"^(\d{8})\.log$")
log = logging.getLogger(__name__)


def frame(body: bytes) -> bytes:
    return b"%08x %s\n" % (zlib.crc32(body), body)


def encode_commit(changes, audits) -> bytes:
    """One commit's line from already encoded documents: changes (file, table, key, doc_id, doc
    bytes or None), audits (log, n, entry bytes)."""
    dumps = orjson.dumps
    parts = [b"[%s,%s,%s,%d,%s]" % (dumps(f), dumps(t), dumps(k), i, d if d is not None else b"null")
             for f, t, k, i, d in changes]
    logs = [b"[%s,%d,%s]" % (dumps(name), n, entry) for name, n, entry in audits]
    return frame(b'{"c":[%s],"a":[%s]}' % (b",".join(parts), b",".join(logs)))


def _decode(line: bytes):
    crc, _, body = line.partition(b" ")
    if len(crc) != 8 or not body or f"{zlib.crc32(body):08x}".encode() != crc:
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


def split(content: bytes) -> tuple[list, list]:
    """(intact records as (offset, record), bad segments as (offset, bytes)), resynchronising at
    the next newline. A last piece without its newline was cut short by a crash: bad."""
    records, bad, offset = [], [], 0
    pieces = content.split(b"\n")
    for i, line in enumerate(pieces):
        if line:
            record = _decode(line) if i < len(pieces) - 1 else None
            if record is None:
                bad.append((offset, line))
            else:
                records.append((offset, record))
        offset += len(line) + 1
    return records, bad


class Journal:
    """The journal files of one data directory (callers hold the storage lock)."""

    def __init__(self, folder: Path):
        self.dir = Path(folder)
        self._fd = None
        self._uncut = None
        self.current = 0          # the newest file's number
        self.size = 0             # its size as far as this process appended or read it
        self.lines = 0            # lines appended or read since the last checkpoint
        self.bytes = 0            # bytes in all journal files
        self.first_line_at = None # monotonic time of the oldest line since the last checkpoint
        self.torn = []            # files where torn lines were set aside

    def numbers(self) -> list[int]:
        if not self.dir.exists():
            return []
        return sorted(int(m.group(1)) for m in map(NAME.match, os.listdir(self.dir)) if m)

    def path(self, number: int) -> Path:
        return self.dir / f"{number:08d}.log"

    def open(self) -> list:
        """Read every journal file (setting torn lines aside) and open the newest for appending.
        Returns [(file number, offset, record), ...] in order."""
        self.dir.mkdir(exist_ok=True)
        records = []
        numbers = self.numbers() or [1]
        for number in numbers:
            records += [(number, offset, r) for offset, r in self._read_whole(number)]
        self._open_for_append(numbers[-1])
        self.lines = len(records)
        self.bytes = sum(self.path(n).stat().st_size for n in self.numbers())
        self.first_line_at = time.monotonic() if records else None
        return records

    def _read_whole(self, number: int) -> list:
        path = self.path(number)
        content = path.read_bytes() if path.exists() else b""
        records, bad = split(content)
        if bad:
            self._set_aside(number, content, records, bad)
        return records

    def _set_aside(self, number, content, records, bad) -> None:
        """Keep the torn bytes in a file of their own and rewrite the journal file without them."""
        aside = self.dir / f"torn-{number:08d}-{int(time.time())}.log"
        with open(aside, "ab") as f:
            for offset, line in bad:
                f.write(b"%d %s\n" % (offset, line))
            f.flush()
            os.fsync(f.fileno())
        intact = b"".join(frame(orjson.dumps(r)) for _, r in records)
        write_atomically(self.path(number), intact)
        self.torn.append(aside.name)
        log.warning("journal %s: %d torn line(s) set aside in %s", self.path(number).name, len(bad), aside.name)

    def _heal_tail(self, number: int, size: int, tail: bytes) -> None:
        aside = self.dir / f"torn-{number:08d}-{int(time.time())}.log"
        with open(aside, "ab") as f:
            f.write(b"%d %s\n" % (size, tail))
            f.flush()
            os.fsync(f.fileno())
        fd = os.open(self.path(number), os.O_WRONLY)
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        finally:
            os.close(fd)
        self.torn.append(aside.name)
        log.warning("journal %s: a torn last line set aside in %s", self.path(number).name, aside.name)

    def _open_for_append(self, number: int) -> None:
        if self._fd is not None:
            os.close(self._fd)
        path = self.path(number)
        created = not path.exists()
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        if created:
            fsync_dir(self.dir)
        self.current = number
        self.size = os.fstat(self._fd).st_size

    def append(self, line: bytes) -> None:
        """Write one commit's line completely and make it durable, or leave the file as it was."""
        start = self.size
        view, written = memoryview(line), 0
        try:
            while written < len(line):
                n = os.write(self._fd, view[written:])
                if n <= 0:
                    raise OSError(errno.EIO, "the journal write made no progress")
                written += n
            os.fdatasync(self._fd)
        except OSError:
            try:
                self._cut(start)
            except OSError:
                log.exception("could not cut a failed journal append back; appends wait until it can be")
            raise
        self.size += len(line)
        self.bytes += len(line)
        self.lines += 1
        if self.first_line_at is None:
            self.first_line_at = time.monotonic()

    def _cut(self, size: int) -> None:
        """Undo a partial append; if even that fails, the next append first tries again."""
        self._uncut = size
        os.ftruncate(self._fd, size)
        os.fdatasync(self._fd)
        self._uncut = None
        self.size = size

    def ready(self) -> bool:
        """Can it be appended to? (A cut that failed after a failed append is retried first.)"""
        if getattr(self, "_uncut", None) is None:
            return True
        try:
            self._cut(self._uncut)
        except OSError:
            return False
        return True

    def read_new(self, position: tuple) -> tuple[list, tuple]:
        """Lines other processes appended since `position` (file number, offset): the records and
        the new position. Files that disappeared were checkpointed by another process."""
        number, offset = position
        records = []
        for n in self.numbers():
            if n < number:
                continue
            start = offset if n == number else 0
            with open(self.path(n), "rb") as f:
                f.seek(start)
                content = f.read()
            complete = content[:content.rfind(b"\n") + 1]
            if len(complete) < len(content):     # a process died mid-append: never acknowledged
                self._heal_tail(n, start + len(complete), content[len(complete):])
            got, _ = split(complete)
            records += [(n, start + o, r) for o, r in got]
            number, offset = n, start + len(complete)
        if number != self.current:
            self._open_for_append(number)
        self.size = offset
        self.lines += len(records)
        self.bytes = sum(self.path(n).stat().st_size for n in self.numbers())
        if records and self.first_line_at is None:
            self.first_line_at = time.monotonic()
        return records, (number, offset)

    def rotate(self) -> int:
        """Start a new journal file; returns the number of the last one a checkpoint now covers."""
        covered = self.current
        self._open_for_append(covered + 1)
        self.lines, self.first_line_at = 0, None
        return covered

    def remove_through(self, number: int) -> None:
        """The data files hold every line of files up to `number`: delete them."""
        for n in self.numbers():
            if n <= number:
                self.path(n).unlink(missing_ok=True)
        fsync_dir(self.dir)
        self.bytes = sum(self.path(n).stat().st_size for n in self.numbers())

    @property
    def position(self) -> tuple:
        return self.current, self.size

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
