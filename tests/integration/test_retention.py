"""C9: personal data is purged RETENTION_DAYS after the session; the bookings stay for statistics."""
import json
from datetime import date, timedelta

import pytest

from tests.factories import NOW, make_payload
from tests.stores import stored_bookings

pytestmark = pytest.mark.usefixtures("two_rooms")


def purge(runner) -> dict:
    result = runner.invoke(args=["purge", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_personal_fields_go_after_the_retention_period_and_the_booking_stays(client, runner, clock, data_dir):
    old = client.post("/api/v1/bookings", json=make_payload(name="山田 花子", jobseeker_no="28010-11111")).json["booking"]
    later = client.post("/api/v1/bookings", json=make_payload(start="2026-12-10T10:30:00+09:00",
                                                              jobseeker_no="28010-22222")).json["booking"]
    clock.now = NOW + timedelta(days=93)                   # Dec 3 is 91 days ago; Dec 10 only 84
    assert purge(runner)["purged"] == 1
    stored = {b.booking_id: b for day in (date(2026, 12, 3), date(2026, 12, 10)) for b in stored_bookings(data_dir, day)}
    assert stored[old["booking_id"]].name is None and stored[old["booking_id"]].jobseeker_no is None
    assert stored[old["booking_id"]].status == "confirmed" and stored[old["booking_id"]].language == "ja"
    assert stored[later["booking_id"]].jobseeker_no == "28010-22222"
    # Checkpointed when the command closed its store: the number is gone from every file, indexes and journal too.
    assert "11111" not in "".join(p.read_text() for p in data_dir.rglob("*") if p.is_file() and "audit" not in p.parts)
    assert purge(runner)["purged"] == 0                    # already done: the next day's run reads only new days
    log = "".join(p.read_text() for p in data_dir.glob("offices/main/audit/*.jsonl"))
    assert "retention.purge" in log and runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_a_purge_over_many_days_takes_them_one_by_one_each_with_its_audit_line(client, runner, clock, data_dir):
    for start, number in (("2026-12-03T10:30:00+09:00", "28010-31111"), ("2026-12-04T10:30:00+09:00", "28010-32222")):
        assert client.post("/api/v1/bookings", json=make_payload(start=start, jobseeker_no=number)).status_code == 201
    clock.now = NOW + timedelta(days=200)
    assert purge(runner)["purged"] == 2
    lines = [json.loads(line) for p in sorted(data_dir.glob("offices/main/audit/*.jsonl"))
             for line in p.read_text().splitlines()]
    purges = [line for line in lines if line.get("action") == "retention.purge"]
    assert [(p["details"].get("day"), p["details"].get("bookings")) for p in purges] == [("2026-12-03", 1), ("2026-12-04", 1)]
