"""Bad input: a clear error in the visitor's language, a 4xx, and nothing written."""
import pytest

from tests.factories import make_payload

pytestmark = [pytest.mark.usefixtures("two_rooms"), pytest.mark.both_backends]


def nothing_written(store):
    """No booking, and nothing but the setup in the audit log (through the storage contract)."""
    with store.transaction():
        return store.booking_days() == [] and {e["action"] for e in store.audit_entries()} <= {"room.add"}


@pytest.mark.parametrize("body, status, code", [
    (b"{not json", 400, "invalid_request"),
    (b"[1, 2]", 400, "invalid_request"),
    (b'"text"', 400, "invalid_request"),
    (b"", 400, "invalid_request"),
])
def test_a_body_that_is_not_a_json_object_is_refused(client, store, body, status, code):
    r = client.post("/api/v1/bookings", data=body, content_type="application/json")
    assert r.status_code == status and r.json["error"]["code"] == code
    assert nothing_written(store)


@pytest.mark.parametrize("change, field", [
    ({"surprise": 1}, "surprise"),
    ({"service": "haircut"}, "service"),
    ({"needs_assistant": "yes"}, "needs_assistant"),
    ({"name": 42}, "name"),
    ({"booking_id": "short"}, "booking_id"),
    ({"consent": {"terms": "all"}}, "consent/terms"),
])
def test_wrong_fields_are_named_in_the_error(client, store, change, field):
    r = client.post("/api/v1/bookings", json=make_payload(**change), headers={"Accept-Language": "en"})
    assert r.status_code == 400 and r.json["error"]["field"] == field
    assert nothing_written(store)


def test_a_missing_field_is_named(client):
    payload = make_payload(language="en")
    del payload["jobseeker_no"]
    r = client.post("/api/v1/bookings", json=payload, headers={"Accept-Language": "en"})
    assert r.json["error"] == {"code": "invalid_request", "message": "The field “jobseeker_no” is missing.", "field": "jobseeker_no"}


@pytest.mark.parametrize("start", ["tomorrow", "2026-12-03T10:30:00", "2026-13-03T10:30:00+09:00"])
def test_bad_start_times_are_refused_clearly(client, store, start):
    r = client.post("/api/v1/bookings", json=make_payload(start=start))
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_request"
    assert nothing_written(store)


def test_an_oversized_body_is_413(client, store):
    r = client.post("/api/v1/bookings", data=b'{"name": "' + b"x" * 100_000 + b'"}', content_type="application/json")
    assert r.status_code == 413 and r.json["error"]["code"] == "too_large"
    assert nothing_written(store)


def test_a_form_post_is_told_to_send_json(client):
    r = client.post("/api/v1/bookings", data={"name": "x"})
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_request"


def test_the_error_comes_in_the_visitors_language(client):
    r = client.post("/api/v1/bookings", json=make_payload(jobseeker_no="12"), headers={"Accept-Language": "ja"})
    assert r.json["error"]["code"] == "invalid_jobseeker_no"
    assert "求職番号" in r.json["error"]["message"]
    r = client.post("/api/v1/bookings", json=make_payload(jobseeker_no="12", language="en"), headers={"Accept-Language": "ja"})
    assert "job seeker number" in r.json["error"]["message"]


@pytest.mark.parametrize("query", ["from=2026-02-30", "days=0", "days=100", "days=abc", "from=x"])
def test_bad_calendar_queries_are_400(client, query):
    r = client.get(f"/api/v1/calendar?{query}")
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_request"


def test_unknown_api_paths_and_methods_answer_json(client):
    assert client.get("/api/v1/nothing").json["error"]["code"] == "not_found"
    r = client.delete("/api/v1/bookings")
    assert r.status_code == 405 and r.json["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("accept, lang", [("ko-KR,ko;q=0.9", "ko"), ("pt-BR", "pt-BR"), ("fil", "tl"), ("th", "th"),
                                          ("zh-CN", "zh-Hans"), ("ne-NP", "ne"), ("en-US", "en"), ("fr-FR", "ja")])
def test_api_errors_come_in_the_browsers_language(client, accept, lang):
    from kiosk.i18n import translate
    r = client.post("/api/v1/bookings", json={"unexpected": 1}, headers={"Accept-Language": accept})
    expected = translate("The field “%(field)s” is not part of this API.", lang, field="unexpected")
    assert r.status_code == 400 and r.json["error"]["message"] == expected
    assert lang == "en" or "is not part of this API" not in expected


def test_an_easy_japanese_booking_is_refused_in_easy_japanese_without_markup(client):
    from tests.factories import make_payload
    r = client.post("/api/v1/bookings", json=make_payload(language="ja-easy", jobseeker_no="123"))
    message = r.json["error"]["message"]
    assert r.status_code == 422 and "<" not in message and "（" in message, message
