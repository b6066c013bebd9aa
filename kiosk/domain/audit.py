"""The audit log's hash chain (security.md, X9): every entry names the hash of the one before.

The store keeps an anchor in its own durable state, written in the same commit as each entry:
the count and head hash of every monthly log and of the whole chain. So truncation, emptying,
deletion and a rewritten tail are found, not only an edited line. `flask audit head` prints the
head hash for an office to write down or mail out (an anchor outside the store).
"""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

import orjson

GENESIS = "0" * 64


def digest(prev: str, body: dict) -> str:
    """sha256 of the previous hash and the entry's canonical JSON: keys sorted, compact, UTF-8
    (the bytes of json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False))."""
    return hashlib.sha256(prev.encode() + orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def chain_entry(n: int, prev: str, now: datetime, actor: str, action: str, details: dict) -> dict:
    """The next line of the chain, its hash included."""
    body = {"n": n, "at": now.isoformat(), "actor": actor, "action": action, "details": details, "prev": prev}
    return dict(body, hash=digest(prev, body))


def read_entry(log: str, line) -> dict:
    """A line as the Audit page shows it; one that is not JSON says so (the check reports it)."""
    try:
        entry = orjson.loads(line)
    except orjson.JSONDecodeError:
        entry = None
    if isinstance(entry, dict):
        return entry
    return {"at": "", "actor": "", "action": f"(unreadable line in {log})", "details": {}}


def empty_anchor() -> dict:
    return {"count": 0, "head": GENESIS, "logs": {}}


def anchored(anchor: dict, log: str, entry: dict) -> dict:
    """The anchor after `entry` was appended to `log` (a new dict)."""
    logs = dict(anchor.get("logs", {}))
    mine = logs.get(log) or {"count": 0, "first_prev": entry["prev"]}
    logs[log] = dict(mine, count=mine["count"] + 1, head=entry["hash"])
    return {"count": anchor.get("count", 0) + 1, "head": entry["hash"], "logs": logs}


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    entries: int
    head: str
    problems: tuple = ()
    notes: tuple = ()

    @property
    def error(self) -> str | None:
        return self.problems[0] if self.problems else None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "head": self.head, "error": self.error,
                "problems": list(self.problems), "notes": list(self.notes)}


@dataclass
class _Walk:
    prev: str = GENESIS
    count: int = 0
    problems: list = field(default_factory=list)


def verify_chain(logs: dict, anchor: dict | None, notes=()) -> AuditCheck:
    """Check every line (`logs`: log name -> its raw lines, in order) against its hash and the line
    before it, then each log and the whole chain against the store's anchor."""
    walk = _Walk()
    seen = {}
    for name in sorted(logs):
        count, head = 0, None
        for number, line in enumerate(logs[name], 1):
            problem = _check_line(walk, name, number, line)
            if problem:
                walk.problems.append(problem)
                break
            count, head = count + 1, walk.prev
        seen[name] = (count, head)
    if anchor is not None:
        _compare(walk, seen, anchor)
    return AuditCheck(not walk.problems, walk.count, walk.prev, tuple(walk.problems), tuple(notes))


def _check_line(walk: _Walk, name: str, number: int, line) -> str | None:
    try:
        record = orjson.loads(line)
        stored = record.pop("hash")
        if record.get("prev") != walk.prev:
            return f"{name}:{number}: chain broken (a line was removed, reordered or rewritten)"
        if digest(walk.prev, record) != stored:
            return f"{name}:{number}: hash mismatch (the line was changed)"
    except (ValueError, KeyError, TypeError, AttributeError):     # orjson's errors are ValueError and TypeError
        return f"{name}:{number}: not a valid entry"
    walk.prev, walk.count = stored, walk.count + 1
    return None


def _compare(walk: _Walk, seen: dict, anchor: dict) -> None:
    logs = anchor.get("logs", {})
    for name, expected in sorted(logs.items()):
        count, head = seen.get(name, (None, None))
        if count is None:
            walk.problems.append(f"{name}: missing (the store recorded {expected['count']} entries in it)")
        elif count < expected["count"]:
            walk.problems.append(f"{name}: {expected['count'] - count} entries missing at its end "
                                 f"(has {count} of {expected['count']})")
        elif count > expected["count"] or head != expected["head"]:
            walk.problems.append(f"{name}: its last entries differ from what the store recorded (rewritten)")
    for name in sorted(set(seen) - set(logs)):
        if seen[name][0]:
            walk.problems.append(f"{name}: not a log the store wrote")
    if not walk.problems and (walk.count != anchor.get("count", 0) or walk.prev != anchor.get("head")):
        walk.problems.append(f"the chain has {walk.count} entries; the store recorded {anchor.get('count', 0)}")
