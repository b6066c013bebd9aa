"""POST /api/v1/bookings and the read endpoints, against real TinyDB files."""
from datetime import date, timedelta

import pytest

from kiosk.services import office as office_service
from tests.factories import NOW, consent, make_payload
from tests.stores import bookings_seen_by_another_process

pytestmark = [pytest.mark.usefixtures("two_rooms"), pytest.mark.both_backends]


def book(client, lang="en", **overrides):
    overrides.setdefault("language", lang)
    return client.post("/api/v1/bookings", json=make_payload(**overrides), headers={"Accept-Language": lang})


def month_file(app):
    """The day's bookings as another process reads them."""
    return bookings_seen_by_another_process(app, date(2026, 12, 3))


def test_a_booking_is_confirmed_with_a_room_and_a_join_link(client, data_dir):
    r = book(client)
    assert r.status_code == 201
    booking = r.json["booking"]
    assert booking["status"] == "confirmed"
    assert booking["room_id"] in ("845 1111 0001", "845 1111 0002")
    assert booking["start"] == "2026-12-03T10:30:00+09:00" and booking["end"] == "2026-12-03T11:00:00+09:00"
    assert "/j/" in booking["join_url"]
    assert len(month_file(client.application)) == 1


def test_the_join_link_carries_nothing_personal(client):
    booking = book(client, name="山田 花子", jobseeker_no="28010-99999").json["booking"]
    from kiosk.tokens import read_join_token
    claims = read_join_token("test-secret", booking["join_url"].rsplit("/j/", 1)[1])
    assert claims == {"b": booking["booking_id"], "r": booking["room_id"], "s": booking["start"]}
    assert "99999" not in booking["join_url"]


def test_the_same_request_twice_gives_one_booking(client, data_dir):
    payload = make_payload()
    first = client.post("/api/v1/bookings", json=payload)
    second = client.post("/api/v1/bookings", json=payload)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json == second.json
    assert len(month_file(client.application)) == 1


def test_a_different_request_with_a_used_booking_id_is_a_conflict(client, data_dir):
    payload = make_payload()
    client.post("/api/v1/bookings", json=payload)
    r = client.post("/api/v1/bookings", json=dict(payload, start="2026-12-03T11:00:00+09:00"))
    assert r.status_code == 409 and r.json["error"]["code"] == "booking_id_reused"
    assert len(month_file(client.application)) == 1


def test_the_third_visitor_for_two_rooms_is_told_the_slot_is_full(client, data_dir):
    assert book(client).status_code == 201
    assert book(client).status_code == 201
    r = book(client)
    assert r.status_code == 409
    assert r.json["error"] == {"code": "slot_full", "message": "That time is fully booked. Please choose another time."}
    assert len(month_file(client.application)) == 2


def test_the_calendar_shows_the_free_units_left(client):
    book(client)
    days = client.get("/api/v1/calendar?from=2026-12-03&days=1").json["days"]
    slots = {s["start"]: s["free"] for s in days[0]["slots"]}
    assert slots["2026-12-03T10:30:00+09:00"] == 1
    assert slots["2026-12-03T10:00:00+09:00"] == 2


def test_the_calendar_marks_closed_days_with_their_reason(client, office):
    office_service.add_closure(office.store, NOW, "test", NOW.date() + timedelta(days=3))
    days = client.get("/api/v1/calendar?from=2026-12-04&days=26").json["days"]
    reasons = {d["date"]: d["reason"] for d in days if not d["open"]}
    assert reasons["2026-12-04"] == "closure"
    assert reasons["2026-12-05"] == "weekend"
    assert reasons["2026-12-29"] == "year_end"
    assert all(d["slots"] == [] for d in days if not d["open"])


def test_today_is_shown_but_not_bookable(client):
    today = client.get("/api/v1/calendar?days=1").json["days"][0]
    assert today["date"] == "2026-12-01" and today["open"] and today["bookable"] is False
    assert {s["free"] for s in today["slots"]} == {0}


def test_a_booking_for_today_is_refused_after_the_cutoff(client, store):
    r = book(client, start="2026-12-01T15:00:00+09:00")
    assert r.status_code == 422 and r.json["error"]["code"] == "past_cutoff"
    with store.transaction():
        assert store.booking_days() == []


def test_under_the_previous_working_day_policy_the_refusal_says_so(client, store):
    with store.transaction():
        store.save_rules({"CUTOFF_POLICY": "previous_working_day"})
    r = book(client, start="2026-12-01T15:00:00+09:00")
    assert r.status_code == 422 and "last working day" in r.json["error"]["message"]


def test_a_booking_on_a_holiday_is_refused(client):
    r = book(client, start="2026-12-29T10:00:00+09:00")
    assert r.json["error"]["code"] == "closed_day"


def test_continuity_gives_the_visitor_their_counselors_room(client, office, clock):
    number = "28010-55555"
    first = book(client, jobseeker_no=number, counselor="鈴木").json["booking"]
    assert first["room_id"] == "845 1111 0002"
    clock.now = NOW + timedelta(days=2, hours=12)  # after the first session
    second = book(client, jobseeker_no=number, start="2026-12-08T10:00:00+09:00").json["booking"]
    assert second["room_id"] == "845 1111 0002"


def test_a_visitor_may_hold_one_future_counseling_booking(client):
    number = "28010-77777"
    assert book(client, jobseeker_no=number).status_code == 201
    r = book(client, jobseeker_no=number, start="2026-12-04T10:00:00+09:00")
    assert r.status_code == 409 and r.json["error"]["code"] == "too_many_bookings"


def test_needs_are_stored_for_staff(client, store):
    booking = book(client, needs_interpreter=True, interpreter_language="vi", needs_assistant=True).json["booking"]
    with store.transaction():
        stored = store.booking(booking["booking_id"])
    assert (stored.needs_interpreter, stored.interpreter_language, stored.needs_assistant) == (True, "vi", True)


def test_an_interpreter_without_a_language_is_refused(client):
    r = book(client, needs_interpreter=True)
    assert r.status_code == 400 and "language" in r.json["error"]["message"]


def test_the_consent_record_names_versions_digests_language_and_channel(client, store):
    booking = book(client, language="pt-BR").json["booking"]
    with store.transaction():
        record = store.booking(booking["booking_id"]).consent
    assert record["language"] == "pt-BR" and record["channel"] == "phone"
    assert [t["doc"] for t in record["terms"]] == ["online-services", "online-counseling"]
    assert all(len(t["sha256"]) == 64 for t in record["terms"])


def test_a_booking_without_consent_to_the_counseling_terms_is_refused(client):
    r = book(client, consent=consent(services=("online-services",)))
    assert r.json["error"]["code"] == "consent_missing"


def test_an_ineligible_visitor_is_sent_to_the_counter(client):
    r = book(client, eligibility={"registered": False, "has_camera_device": True, "wants_continuous_counseling": True})
    assert r.status_code == 422 and r.json["error"]["code"] == "not_eligible"
    assert "counter" in r.json["error"]["message"]


def test_an_event_seat_is_booked_and_counted(client, office):
    event = office_service.add_event(office.store, NOW, "test", "seminar", "面接対策", NOW + timedelta(days=8),
                                     NOW + timedelta(days=8, hours=1), 1, "zoom", "84500002222")
    payload = dict(service="event", event_id=event.id, start=None, consent=consent(services=("online-services",)))
    payload.pop("start")
    r = client.post("/api/v1/bookings", json={k: v for k, v in make_payload(**payload).items() if v is not None})
    assert r.status_code == 201 and r.json["booking"]["room_id"] == "845 0000 2222"
    listing = client.get("/api/v1/events").json["events"]
    assert listing[0]["free"] == 0 and listing[0]["bookable"] is False
    again = client.post("/api/v1/bookings", json={k: v for k, v in make_payload(**payload).items() if v is not None})
    assert again.json["error"]["code"] == "event_full"


def test_the_terms_endpoint_gives_the_japanese_text_and_the_asked_language(client):
    terms = client.get("/api/v1/terms?lang=en").json["terms"]
    assert {(t["doc"], t["lang"]) for t in terms} == {
        ("online-services", "ja"), ("online-services", "en"), ("online-counseling", "ja"), ("online-counseling", "en")}
    assert all(t["governing"] == (t["lang"] == "ja") for t in terms)


def test_healthz_reports_version_and_storage(client):
    body = client.get("/healthz").json
    assert body["status"] == "ok" and body["version"] and body["storage"]["state"] == "ok"


def test_security_headers_are_on_every_response(client):
    for path in ("/healthz", "/api/v1/calendar", "/nowhere"):
        h = client.get(path).headers
        assert "default-src 'self'" in h["Content-Security-Policy"]
        assert h["X-Content-Type-Options"] == "nosniff" and h["Referrer-Policy"] == "no-referrer"
    assert client.get("/api/v1/calendar").headers["Cache-Control"] == "no-store"
