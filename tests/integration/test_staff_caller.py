"""Book for a caller (X4): staff take a booking on the phone; the terms read out are the consent,
recorded "staff_phone" with the member and the versions; the rules of any booking apply."""
import pytest

from kiosk.terms import builtin_versions
from tests.factories import jobseeker_no
from tests.integration.test_staff_signin import (JSON, ORIGIN, admin_key, audit_text, post, signed_in)  # noqa: F401

pytestmark = pytest.mark.both_backends

ELIGIBLE = {"registered": True, "has_camera_device": True, "wants_continuous_counseling": True}


def caller(**overrides):
    body = {"service": "counseling", "start": "2026-12-03T10:30:00+09:00", "name": "電話 太郎",
            "jobseeker_no": jobseeker_no(), "language": "ja", "meeting_app": "zoom", "needs_interpreter": False,
            "needs_assistant": False, "eligibility": ELIGIBLE, "terms_read_out": True}
    body.update(overrides)
    return body


def booking_count(app):
    store = app.extensions["madoguchi"].store
    with store.transaction():
        return len(store.bookings_on(__import__("datetime").date(2026, 12, 3)))


@pytest.mark.usefixtures("two_rooms")
def test_a_caller_booking_records_consent_by_staff_by_phone_with_the_member_and_the_terms_versions(signed_in, app):
    answer = post(signed_in, "/api/v1/staff/bookings", caller(needs_interpreter=True, interpreter_language="英語"))
    assert answer.status_code == 201, answer.json
    booking = answer.json["booking"]
    assert len(booking["reference"]) == 6 and booking["room_id"] and booking["slip_url"].startswith("/staff/slip/")
    store = app.extensions["madoguchi"].store
    with store.transaction():
        saved = store.booking(booking["booking_id"])
        member = store.staff_by_name("山田 管理者") if hasattr(store, "staff_by_name") else None
    assert saved.channel == "staff_phone" and saved.consent["channel"] == "staff_phone"
    assert saved.consent["staff_id"] and (member is None or saved.consent["staff_id"] == member.id)
    versions = {v.doc: v.version for v in builtin_versions()}
    assert {(t["doc"], t["version"]) for t in saved.consent["terms"]} == \
        {("online-services", versions["online-services"]), ("online-counseling", versions["online-counseling"])}
    assert saved.interpreter_language == "英語"
    assert f'"staff:{saved.consent["staff_id"]}"' in audit_text(app) and "staff_phone" in audit_text(app)


@pytest.mark.usefixtures("two_rooms")
def test_the_slip_of_a_caller_booking_prints_its_reference_room_and_qr(signed_in):
    booking = post(signed_in, "/api/v1/staff/bookings", caller()).json["booking"]
    page = signed_in.get(booking["slip_url"], base_url=ORIGIN).get_data(as_text=True)
    assert booking["reference"] in page and booking["room_id"] in page and "data:image/svg+xml;base64," in page


@pytest.mark.usefixtures("two_rooms")
def test_a_caller_booking_without_the_terms_read_out_is_refused_and_nothing_is_written(signed_in, app):
    answer = post(signed_in, "/api/v1/staff/bookings", caller(terms_read_out=False))
    assert answer.status_code == 422 and answer.json["error"]["code"] == "terms_not_read_out"
    assert booking_count(app) == 0


@pytest.mark.usefixtures("two_rooms")
def test_a_caller_booking_after_the_cutoff_is_refused_with_a_clear_message_and_nothing_is_written(signed_in, app):
    answer = post(signed_in, "/api/v1/staff/bookings", caller(start="2026-12-01T14:00:00+09:00"))
    assert answer.status_code == 422 and answer.json["error"]["code"] == "past_cutoff"
    assert "前日" in answer.json["error"]["message"]
    assert booking_count(app) == 0


@pytest.mark.usefixtures("two_rooms")
def test_a_second_future_booking_for_the_same_caller_is_refused_and_nothing_is_written(signed_in, app):
    number = jobseeker_no()
    assert post(signed_in, "/api/v1/staff/bookings", caller(jobseeker_no=number)).status_code == 201
    again = post(signed_in, "/api/v1/staff/bookings", caller(jobseeker_no=number, start="2026-12-03T14:00:00+09:00"))
    assert again.status_code == 409 and again.json["error"]["code"] == "too_many_bookings"
    assert again.json["error"]["message"]
    assert booking_count(app) == 1


@pytest.mark.usefixtures("two_rooms")
def test_the_same_form_sent_again_is_the_same_booking(signed_in, app):
    body = caller(booking_id="7f1d2c3b-0000-4000-8000-000000000001")
    first = post(signed_in, "/api/v1/staff/bookings", body)
    again = post(signed_in, "/api/v1/staff/bookings", body)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json["booking"]["reference"] == first.json["booking"]["reference"] and booking_count(app) == 1


@pytest.mark.usefixtures("two_rooms")
def test_a_caller_booking_needs_our_header_and_a_session(signed_in, app):
    assert post(signed_in, "/api/v1/staff/bookings", caller(), headers={}).status_code == 403
    assert post(signed_in, "/api/v1/staff/bookings", caller(),
                headers={**JSON, "Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert post(app.test_client(), "/api/v1/staff/bookings", caller()).status_code == 401
    assert booking_count(app) == 0
