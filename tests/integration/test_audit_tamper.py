"""The audit log finds every tamper (X9): an edited line, and also truncation, emptying, deletion
and a rewritten tail whose hashes were all recomputed: the store's own anchor disagrees."""
import json
from datetime import timedelta

import pytest

from kiosk.domain.audit import digest
from tests.factories import NOW


@pytest.fixture
def log(runner, data_dir, clock):
    for n in range(8):
        assert runner.invoke(args=["closure", "add", (NOW + timedelta(days=20 + n)).date().isoformat()]).exit_code == 0
    (path,) = (data_dir / "offices" / "main" / "audit").glob("*.jsonl")     # each command checkpointed as it closed
    return path


def verify(runner):
    result = runner.invoke(args=["audit", "verify", "--json"])
    return result.exit_code, json.loads(result.output)


def test_an_untouched_log_verifies(runner, log):
    code, result = verify(runner)
    assert code == 0 and result["ok"] and result["entries"] == 8


@pytest.mark.parametrize("keep", [7, 3])
def test_a_log_cut_short_is_found_and_the_missing_entries_named(runner, log, keep):
    lines = log.read_text().splitlines()
    log.write_text("\n".join(lines[:keep]) + "\n")
    code, result = verify(runner)
    assert code == 1 and f"{8 - keep} entries missing" in result["error"]


def test_an_emptied_log_is_found(runner, log):
    log.write_text("")
    code, result = verify(runner)
    assert code == 1 and "8 entries missing" in result["error"]


def test_a_deleted_log_is_found(runner, log):
    log.unlink()
    code, result = verify(runner)
    assert code == 1 and "missing" in result["error"] and log.name in result["error"]


def test_a_rewritten_tail_with_every_hash_recomputed_is_found(runner, log):
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    prev = lines[4]["prev"]
    for entry in lines[4:]:                    # change entry 5, then re-chain it and every one after it
        entry.pop("hash")
        entry["prev"] = prev
        if entry is lines[4]:
            entry["details"] = dict(entry["details"], note="書き換え")
        entry["hash"] = prev = digest(prev, entry)
    log.write_text("".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in lines))
    code, result = verify(runner)
    assert code == 1 and "rewritten" in result["error"]


def test_the_head_an_office_writes_down_changes_with_any_rewrite(runner, log):
    head = json.loads(runner.invoke(args=["audit", "head", "--json"]).output)
    assert head["count"] == 8 and len(head["head"]) == 64
    assert runner.invoke(args=["closure", "add", "2027-01-20"]).exit_code == 0
    later = json.loads(runner.invoke(args=["audit", "head", "--json"]).output)
    assert later["count"] == 9 and later["head"] != head["head"]
