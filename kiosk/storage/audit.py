"""The audit log: append-only JSON Lines, one file per month, each line chained to the last."""
import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

from .files import fsync_dir

GENESIS = "0" * 64


def _digest(prev: str, entry: dict) -> str:
    body = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


class AuditLog:
    """Append and verify; callers hold the storage lock while appending."""

    def __init__(self, data_dir: Path, before_write=None):
        self.dir = Path(data_dir)
        self._before_write = before_write

    def files(self) -> list[Path]:
        return sorted(self.dir.glob("audit-*.jsonl"))

    def _last_hash(self) -> str:
        for path in reversed(self.files()):
            with open(path, "rb") as f:
                lines = f.read().splitlines()
            for line in reversed(lines):
                if line.strip():
                    return json.loads(line)["hash"]
        return GENESIS

    def append(self, now: datetime, actor: str, action: str, **details) -> dict:
        """Write one entry durably; never rewrites what is there."""
        prev = self._last_hash()
        entry = {"at": now.isoformat(), "actor": actor, "action": action, "details": details, "prev": prev}
        line = dict(entry, hash=_digest(prev, entry))
        path = self.dir / f"audit-{now:%Y-%m}.jsonl"
        new = not path.exists()
        if self._before_write:
            self._before_write(path)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            fsync_dir(self.dir)
        return line

    def entries(self):
        for path in self.files():
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    if line.strip():
                        yield path.name, number, line

    def verify(self) -> dict:
        """Check every line's hash and its link to the line before."""
        prev, count = GENESIS, 0
        for name, number, line in self.entries():
            try:
                record = json.loads(line)
                stored = record.pop("hash")
            except (ValueError, KeyError):
                return {"ok": False, "entries": count, "error": f"{name}:{number}: not a valid entry"}
            if record.get("prev") != prev:
                return {"ok": False, "entries": count, "error": f"{name}:{number}: chain broken (a line was removed or reordered)"}
            if _digest(prev, record) != stored:
                return {"ok": False, "entries": count, "error": f"{name}:{number}: hash mismatch (the line was changed)"}
            prev, count = stored, count + 1
        return {"ok": True, "entries": count, "error": None}
