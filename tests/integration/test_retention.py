"""C9: personal data is purged RETENTION_DAYS after the session; the bookings stay for statistics."""
import json
from datetime import timedelta

import pytest

from tests.factories import NOW, day_records, make_payload

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
    records = {r["booking_id"]: r for day in ("2026-12-03", "2026-12-10") for r in day_records(data_dir, day).values()}
    assert "name" not in records[old["booking_id"]] and "jobseeker_no" not in records[old["booking_id"]]
    assert records[old["booking_id"]]["status"] == "confirmed" and records[old["booking_id"]]["language"] == "ja"
    assert records[later["booking_id"]]["jobseeker_no"] == "28010-22222"
    assert "11111" not in "".join(p.read_text() for p in data_dir.glob("bookings/*/*.json"))
    assert purge(runner)["purged"] == 0                    # already done: the next day's run reads only new days
    log = "".join(p.read_text() for p in data_dir.glob("audit-*.jsonl"))
    assert "retention.purge" in log and runner.invoke(args=["audit", "verify"]).exit_code == 0
