"""D6: the kiosk's "continue on your phone" code, the flow on a phone, and the join page."""
import subprocess

import icalendar
import pytest
import requests

from kiosk.tokens import join_token
from tests.e2e.conftest import assert_accessible, enroll, server_bookings, shot
from tests.e2e.test_kiosk_flow import fill_details
from tests.factories import make_payload
from tests.live_api import bookable_starts, live_consent


@pytest.fixture
def phone(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="en-US", timezone_id="Asia/Tokyo")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert not errors, errors


def test_the_kiosks_phone_code_opens_the_flow_in_the_chosen_language(page, e2e_app, server, tmp_path):
    enroll(page, e2e_app)
    page.click('#languages button:text-is("English")')
    assert page.is_visible("#phone-qr")
    png = tmp_path / "qr.png"
    page.locator("#phone-qr-img").screenshot(path=str(png))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True).stdout.strip()
    assert decoded.startswith(server) and decoded.endswith("/book?lang=en")


def test_a_visitor_books_on_their_own_phone_and_opens_the_booking_page(phone, e2e_app):
    phone.goto("/book?lang=en")
    phone.wait_for_selector('section[data-screen="start"]:not([hidden])')
    assert phone.get_attribute("html", "lang") == "en" and not phone.is_visible("#phone-qr")
    phone.click('[data-service="counseling"]')
    phone.check("#terms-read")
    phone.click("#terms-accept")
    for n in range(1, 5):
        phone.wait_for_function(f"document.querySelector('#question-progress').textContent.includes('{n}')")
        phone.click("#answer-yes")
    phone.click(".slot >> nth=3")
    fill_details(phone, name="Ana Silva", number="28010-24680")
    phone.click("#book")
    phone.wait_for_selector('section[data-screen="slip"]:not([hidden])')
    shot(phone, "phone-booked-en")
    room = phone.inner_text("#slip-room")
    booked = server_bookings(e2e_app)
    assert len(booked) == 1 and booked[0].channel == "phone" and booked[0].room_id == room
    phone.click("#open-booking")
    phone.wait_for_selector("#room-id")
    assert phone.inner_text("#room-id") == room and "confirmed" in phone.inner_text("h1")
    assert "Meeting app: Zoom" in phone.inner_text(".slip")
    assert phone.get_attribute("a.primary", "href").startswith("https://zoom.us/j/")
    assert_accessible(phone, "join page (en)")
    shot(phone, "phone-join-en")
    phone.click('nav a:text-is("日本語")')
    assert "予約が確定しました" in phone.inner_text("h1")
    assert_accessible(phone, "join page (ja)")


def test_a_slip_printed_offline_shows_being_registered_until_it_syncs(phone, e2e_app):
    token = join_token("e2e-secret", "lu_0123456789abcdef", "845 1111 0001", "2026-12-03T10:30:00+09:00")
    phone.goto(f"/j/{token}?lang=en")
    assert "being registered" in phone.inner_text("h1")
    assert phone.inner_text("#room-id") == "845 1111 0001"
    assert "December 3, 2026" in phone.inner_text(".slip-date")


@pytest.mark.parametrize("token", ["garbage", "eyJiIjoiMSJ9.forged", join_token("another-office", "b", "r", "2026-12-03T10:30:00+09:00")])
def test_a_tampered_or_foreign_join_link_gets_a_clear_page(phone, token):
    response = phone.goto(f"/j/{token}?lang=en")
    assert response.status == 404
    assert phone.inner_text("h1") == "This link does not work"


def test_on_the_join_page_a_wrong_cancel_is_refused_and_the_right_one_cancels(phone, e2e_app, server):
    consent = live_consent(server)
    start = bookable_starts(server, 10)[4]
    booking = requests.post(f"{server}/api/v1/bookings", json=make_payload(
        start=start, consent=consent, language="en", jobseeker_no="28010-20261125")).json()["booking"]
    phone.goto(booking["join_url"])
    assert "confirmed" in phone.inner_text("h1")
    with phone.expect_download() as download:
        phone.click('a[href$="calendar.ics"]')
    assert icalendar.Calendar.from_ical(open(download.value.path(), "rb").read()).walk("VEVENT")
    phone.fill("#last4", "1111")
    phone.click(".cancel-form button")
    assert "do not match" in phone.inner_text("#join-message") and "confirmed" in phone.inner_text("h1")
    phone.fill("#last4", "1125")
    phone.click(".cancel-form button")
    assert "cancelled" in phone.inner_text("h1")
    shot(phone, "phone-join-cancelled-en")
    assert [b.status for b in server_bookings(e2e_app)] == ["cancelled"]
