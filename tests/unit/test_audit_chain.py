"""The chain check over raw lines: whatever a line holds, the check reports it and never raises."""
from datetime import datetime, timedelta

import orjson
import pytest

from kiosk.domain.audit import GENESIS, chain_entry, read_entry, verify_chain
from kiosk.domain.calendar import TOKYO

NOW = datetime(2026, 12, 1, 10, tzinfo=TOKYO)


def lines(count: int) -> list[str]:
    out, prev = [], GENESIS
    for n in range(1, count + 1):
        entry = chain_entry(n, prev, NOW + timedelta(minutes=n), "staff:s1", "booking.cancel", {"booking_id": f"b-{n}"})
        out.append(orjson.dumps(entry).decode())
        prev = entry["hash"]
    return out


def test_an_untouched_log_verifies():
    check = verify_chain({"2026-12.jsonl": lines(3)}, None)
    assert check.ok and check.entries == 3


@pytest.mark.parametrize("tampered", [
    "not json", "[1, 2]", "5", '{"n": 2}', "\ud800",
    # nested deeper than orjson writes (it reads 1024 levels, writes about 255)
    '{"prev": "%s", "hash": "x", "details": ' + "[" * 300 + "]" * 300 + "}",
])
def test_a_line_replaced_by_anything_is_reported_never_raised(tampered):
    log = lines(3)
    prev = orjson.loads(log[0])["hash"]
    log[1] = tampered.replace("%s", prev)
    check = verify_chain({"2026-12.jsonl": log}, None)
    assert not check.ok and check.problems[0].startswith("2026-12.jsonl:2: ")


@pytest.mark.parametrize("line", ["not json", "[1, 2]", "null"])
def test_a_line_that_is_no_entry_is_shown_as_unreadable(line):
    assert read_entry("2026-12.jsonl", line)["action"] == "(unreadable line in 2026-12.jsonl)"
