"""Staff move a session to another time (C6): the visitor's page shows old and new, the old unit
is free at once, and a move to another day survives a crash between its two file writes."""
import json

import pytest

from tests.factories import make_payload

pytestmark = [pytest.mark.usefixtures("two_rooms"), pytest.mark.both_backends]


def booked(client, **overrides):
    r = client.post("/api/v1/bookings", json=make_payload(language="en", **overrides))
    assert r.status_code == 201, r.json
    return r.json["booking"], r.json["booking"]["join_url"].rsplit("/j/", 1)[1]


def reschedule(runner, booking_id, start):
    result = runner.invoke(args=["bookings", "reschedule", booking_id, "--start", start, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_move_to_another_day_shows_old_and_new_time_on_the_join_page(client, runner):
    booking, token = booked(client)
    moved = reschedule(runner, booking["booking_id"], "2026-12-04T14:00")
    assert moved["start"] == "2026-12-04T14:00:00+09:00" and moved["status"] == "confirmed"
    status = client.get(f"/api/v1/join/{token}").json["booking"]
    assert status["start"] == "2026-12-04T14:00:00+09:00"
    assert status["rescheduled_from"] == "2026-12-03T10:30:00+09:00"
    page = client.get(f"/j/{token}?lang=en").get_data(as_text=True)
    assert "moved to a new time" in page
    assert "<del>Thursday, December 3, 2026 10:30–11:00</del>" in page and "Friday, December 4, 2026" in page


def test_the_old_unit_is_free_at_once_and_the_new_one_taken(client, runner):
    booking, _ = booked(client)
    booked(client, start=booking["start"])                              # both rooms at 10:30
    reschedule(runner, booking["booking_id"], "2026-12-04T14:00")
    day3 = client.get("/api/v1/calendar?from=2026-12-03&days=2").json["days"]
    free = {s["start"]: s["free"] for d in day3 for s in d["slots"]}
    assert free["2026-12-03T10:30:00+09:00"] == 1 and free["2026-12-04T14:00:00+09:00"] == 1
    assert client.post("/api/v1/bookings", json=make_payload(start=booking["start"])).status_code == 201


def test_the_moved_booking_is_listed_once_on_its_new_day_only(client, runner):
    booking, _ = booked(client)
    reschedule(runner, booking["booking_id"], "2026-12-04T14:00")
    listed = {d: json.loads(runner.invoke(args=["bookings", "list", "--date", d, "--json"]).output)
              for d in ("2026-12-03", "2026-12-04")}
    assert listed["2026-12-03"] == [] and [b["booking_id"] for b in listed["2026-12-04"]] == [booking["booking_id"]]


def test_a_move_to_a_full_or_closed_time_is_refused_and_changes_nothing(client, runner):
    booking, token = booked(client)
    booked(client, start="2026-12-04T14:00:00+09:00")
    booked(client, start="2026-12-04T14:00:00+09:00")
    for start in ("2026-12-04T14:00", "2026-12-05T10:00", "2026-12-03T16:00"):  # full, Saturday, after hours
        result = runner.invoke(args=["bookings", "reschedule", booking["booking_id"], "--start", start])
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert client.get(f"/api/v1/join/{token}").json["booking"]["start"] == booking["start"]


