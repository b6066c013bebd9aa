"""The join page's API: live status, "I'm ready", cancel with 4 digits, the calendar file."""
from datetime import timedelta

import icalendar
import pytest

from app import create_app
from kiosk.services import office as office_service
from tests.factories import NOW, consent, make_payload

pytestmark = [pytest.mark.usefixtures("two_rooms"), pytest.mark.both_backends]


def booked(client, **overrides):
    r = client.post("/api/v1/bookings", json=make_payload(language="en", **overrides))
    assert r.status_code == 201, r.json
    return r.json["booking"], r.json["booking"]["join_url"].rsplit("/j/", 1)[1]


def test_the_status_carries_time_room_and_no_personal_data(client):
    booking, token = booked(client, name="山田 花子", jobseeker_no="28010-11223")
    status = client.get(f"/api/v1/join/{token}").json["booking"]
    assert status["status"] == "confirmed" and status["room_id"] == booking["room_id"]
    assert status["meeting_link"].startswith("https://zoom.us/j/845")
    assert "11223" not in str(status) and "山田" not in str(status)


def test_check_in_opens_15_minutes_before_the_start_and_prevents_the_no_show(client, clock, runner):
    booking, token = booked(client)
    clock.now = NOW + timedelta(days=2, hours=1, minutes=14)          # 10:14 for 10:30
    assert client.post(f"/api/v1/join/{token}/checkin").json["error"]["code"] == "too_early"
    clock.now = NOW + timedelta(days=2, hours=1, minutes=15)
    assert client.post(f"/api/v1/join/{token}/checkin").json["booking"]["checked_in"] is True
    clock.now = NOW + timedelta(days=2, hours=2)                      # 11:00, well past +10 min
    runner.invoke(args=["sweep"])
    assert client.get(f"/api/v1/join/{token}").json["booking"]["status"] == "confirmed"


def test_cancel_needs_the_last_four_digits_and_frees_the_slot_at_once(client):
    booking, token = booked(client, jobseeker_no="28010-55667788")
    booked(client, start=booking["start"])                             # the second room
    wrong = client.post(f"/api/v1/join/{token}/cancel", json={"last4": "1234"})
    assert wrong.status_code == 403 and wrong.json["error"]["code"] == "wrong_digits"
    assert client.get(f"/api/v1/join/{token}").json["booking"]["status"] == "confirmed"
    right = client.post(f"/api/v1/join/{token}/cancel", json={"last4": "７７８８"})
    assert right.status_code == 200 and right.json["booking"]["status"] == "cancelled"
    again = client.post("/api/v1/bookings", json=make_payload(start=booking["start"]))
    assert again.status_code == 201                                    # the unit is free again


def test_an_announced_cancel_is_not_a_strike(client, runner, clock):
    _, token = booked(client, jobseeker_no="28010-99887")
    client.post(f"/api/v1/join/{token}/cancel", json={"last4": "9887"})
    clock.now = NOW + timedelta(days=3)
    runner.invoke(args=["sweep"])
    assert '"strikes": 0' in runner.invoke(args=["visitor", "show", "28010-99887", "--json"]).output


def test_cancels_are_rate_limited_per_address(client):
    tokens = [booked(client, start=f"2026-12-0{3 + i % 2}T1{i // 2}:00:00+09:00")[1] for i in range(4)]
    codes = [client.post(f"/api/v1/join/{tokens[i % 4]}/cancel", json={"last4": "0000"}).status_code for i in range(11)]
    assert codes[:10] == [403] * 10 and codes[10] == 429


def test_a_booking_takes_five_tries_at_its_digits_an_hour_whatever_the_address(client):
    booking, token = booked(client, jobseeker_no="28010-77889")
    codes = [client.post(f"/api/v1/join/{token}/cancel", json={"last4": "0000"},
                         environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code for i in range(6)]
    assert codes == [403] * 5 + [429]
    right = client.post(f"/api/v1/join/{token}/cancel", json={"last4": "7889"}, environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert right.status_code == 429                      # then only the staff (or a phone call) can cancel it
    assert client.get(f"/api/v1/join/{token}").json["booking"]["status"] == "confirmed"


def test_phone_bookings_are_rate_limited_per_address(tmp_path, clock):
    app = create_app({"KIOSK_DATA_DIR": str(tmp_path / "i"), "DEMO": False, "SECRET_KEY": "x", "CLOCK": clock,
                      "RATE_LIMIT_BOOKINGS_PER_MINUTE": 3})
    client = app.test_client()
    codes = [client.post("/api/v1/bookings", json={}).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]


def test_the_calendar_file_is_in_tokyo_time_with_the_room_and_a_reminder(client):
    booking, token = booked(client, name="山田 花子", jobseeker_no="28010-31415")
    r = client.get(f"/j/{token}/calendar.ics")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(r.data)
    event = next(iter(cal.walk("VEVENT")))
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Asia/Tokyo" and start.isoformat() == booking["start"]
    assert booking["room_id"] in str(event["location"])
    assert next(iter(event.walk("VALARM")))["trigger"].dt == timedelta(minutes=-15)
    assert any(c.name == "VTIMEZONE" for c in cal.walk())
    assert "31415" not in r.data.decode() and "山田" not in r.data.decode()


@pytest.mark.parametrize("token", ["garbage", "eyJiIjoiMSJ9.x", "a" * 300])
def test_a_tampered_token_is_a_clear_404_everywhere(client, token):
    assert client.get(f"/api/v1/join/{token}").json["error"]["code"] == "invalid_link"
    assert client.post(f"/api/v1/join/{token}/checkin").status_code == 404
    assert client.get(f"/j/{token}/calendar.ics").status_code == 404
    assert client.get(f"/j/{token}").status_code == 404


@pytest.mark.parametrize("lang", ["ja", "ja-easy", "en", "zh-Hans", "ko", "pt-BR", "es", "vi", "tl", "ne", "id", "th"])
def test_the_join_page_reads_in_each_language_with_its_lang_attribute(client, lang):
    _, token = booked(client)
    page = client.get(f"/j/{token}?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{"ja" if lang == "ja-easy" else lang}"' in page
    assert "Your booking is confirmed" not in page or lang == "en"
    assert ("<ruby>" in page) == (lang == "ja-easy")


def test_my_booking_is_found_by_its_reference_and_four_digits_and_nothing_else(client):
    booking, _ = booked(client, jobseeker_no="28010-13579")
    for reference in (booking["reference"], booking["reference"].lower(), " ".join(booking["reference"])):
        found = client.post("/api/v1/bookings/lookup", json={"reference": reference, "last4": "３５７９"})
        assert found.status_code == 200 and found.json["booking"]["booking_id"] == booking["booking_id"]
        assert found.json["booking"]["slip_svg"].startswith("<svg") and "13579" not in found.get_data(as_text=True)
    wrong_digits = client.post("/api/v1/bookings/lookup", json={"reference": booking["reference"], "last4": "0000"},
                               headers={"Accept-Language": "en"})
    no_such = client.post("/api/v1/bookings/lookup", json={"reference": "ZZZZZZ", "last4": "3579"},
                          headers={"Accept-Language": "en"})
    assert wrong_digits.status_code == no_such.status_code == 404
    assert wrong_digits.json == no_such.json                        # the same answer: nothing is revealed


def test_my_booking_takes_five_tries_an_hour_per_reference(client):
    booking, _ = booked(client, jobseeker_no="28010-24680")
    codes = [client.post("/api/v1/bookings/lookup", json={"reference": booking["reference"], "last4": "1111"},
                         environ_base={"REMOTE_ADDR": f"10.1.0.{i}"}).status_code for i in range(6)]
    assert codes == [404] * 5 + [429]


def test_an_event_booking_found_by_its_reference_carries_its_title_in_the_visitors_language(client, office):
    event = office_service.add_event(office.store, NOW, "test", "seminar", "面接対策セミナー", NOW + timedelta(days=8),
                                     NOW + timedelta(days=8, hours=1), 5, "zoom", "84500002222",
                                     titles={"en": "Interview seminar"})
    payload = make_payload(service="event", event_id=event.id, jobseeker_no="28010-97531",
                           consent=consent(services=("online-services",)))
    payload.pop("start")
    booking = client.post("/api/v1/bookings", json=payload).json["booking"]
    titles = {lang: client.post("/api/v1/bookings/lookup", json={"reference": booking["reference"], "last4": "7531",
                                                                 "language": lang}).json["booking"]["event_title"]
              for lang in ("en", "vi", "ja", "ja-easy")}
    assert titles == {"en": "Interview seminar", "vi": "Interview seminar", "ja": "面接対策セミナー",
                      "ja-easy": "面接対策セミナー"}                  # やさしい日本語 reads the Japanese title


def test_a_refused_cancel_answers_in_the_pages_language_even_as_yasashii_nihongo(client):
    _, token = booked(client, jobseeker_no="28010-86420")
    by_header = client.post(f"/api/v1/join/{token}/cancel", json={"last4": "0000"}, headers={"Accept-Language": "ja-easy"})
    by_body = client.post(f"/api/v1/join/{token}/cancel", json={"last4": "0000", "language": "ja-easy"},
                          headers={"Accept-Language": "en"})
    in_japanese = client.post(f"/api/v1/join/{token}/cancel", json={"last4": "0000", "language": "ja"})
    assert by_header.status_code == by_body.status_code == 403
    assert by_header.json == by_body.json != in_japanese.json
    assert "（" in by_header.json["error"]["message"]                 # 漢字（かんじ）: やさしい日本語 as plain text
