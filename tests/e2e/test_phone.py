"""D6: the kiosk's "continue on your phone" code, the flow on a phone, and the join page."""
import subprocess

import icalendar
import pytest
import requests

from kiosk.tokens import join_token
from tests.e2e.conftest import answer_yes, assert_accessible, enroll, server_bookings, shot, wait_until
from tests.e2e.test_kiosk_flow import fill_details
from tests.factories import make_payload
from tests.live_api import bookable_starts, live_consent


def test_the_kiosks_phone_code_opens_the_flow_in_the_chosen_language(page, e2e_app, server, tmp_path):
    enroll(page, e2e_app)
    page.click('#languages button:text-is("English")')
    assert page.is_visible("#phone-qr")
    png = tmp_path / "qr.png"
    page.locator("#phone-qr-img").screenshot(path=str(png))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True).stdout.strip()
    assert decoded.startswith(server) and decoded.endswith("/book?lang=en")


def fill_phone_flow(phone, slot=3, name="Ana Silva", number="28010-24680"):
    """The whole flow on a phone, up to the "Book" button."""
    phone.goto("/book?lang=en")
    phone.wait_for_selector('section[data-screen="start"]:not([hidden])')
    assert phone.get_attribute("html", "lang") == "en" and not phone.is_visible("#phone-qr")
    phone.click('[data-service="counseling"]')
    phone.check("#terms-read")
    phone.click("#terms-accept")
    answer_yes(phone)
    phone.click(f".slot >> nth={slot}")
    fill_details(phone, name=name, number=number)


def test_a_visitor_books_on_their_own_phone_and_lands_on_the_booking_page(phone, e2e_app):
    fill_phone_flow(phone)
    assert_accessible(phone, "phone flow: confirm")
    phone.click("#book")
    phone.wait_for_url("**/j/*?new=1")
    phone.wait_for_selector("#room-id")
    booked = server_bookings(e2e_app)
    assert len(booked) == 1 and booked[0].channel == "phone"
    assert phone.inner_text("#room-id") == booked[0].room_id and "confirmed" in phone.inner_text("h1")
    assert phone.is_visible("#join-keep") and phone.is_visible('a[href$="calendar.ics"]')
    assert "Meeting app: Zoom" in phone.inner_text(".slip")
    assert phone.get_attribute("#open-app", "href").startswith("https://zoom.us/j/")
    assert "Ana Silva" not in phone.content() and "24680" not in phone.content()
    assert_accessible(phone, "join page (en)")
    shot(phone, "phone-join-en")
    phone.click('nav a:text-is("日本語")')
    assert "予約が確定しました" in phone.inner_text("h1")
    assert_accessible(phone, "join page (ja)")


def book_offline(phone, slot, **details):
    """The flow online (its state loaded, the shell cached), then "Book" with the network gone."""
    fill_phone_flow(phone, slot=slot, **details)
    wait_until(phone, "navigator.serviceWorker.controller !== null", timeout=15000)
    phone.context.set_offline(True)
    phone.click("#book")
    phone.wait_for_selector("#waiting-title:text-is('Not confirmed yet')")


def test_a_phone_offline_at_book_waits_then_books_exactly_once_when_back(phone, e2e_app):
    book_offline(phone, slot=2)
    assert "saved on this phone" in phone.inner_text("#waiting-text") and server_bookings(e2e_app) == []
    assert_accessible(phone, "phone: waiting offline")
    shot(phone, "phone-pending-en")
    phone.reload()                       # offline: the shell from the service worker, the request still kept
    phone.wait_for_selector("#waiting-title:text-is('Not confirmed yet')")
    phone.context.set_offline(False)     # the online event sends it
    phone.wait_for_url("**/j/*?new=1", timeout=30000)
    booked = server_bookings(e2e_app)
    assert len(booked) == 1 and phone.inner_text("#room-id") == booked[0].room_id
    assert "confirmed" in phone.inner_text("h1")


def test_a_refusal_of_a_waiting_phone_booking_is_shown_with_its_reason(phone, e2e_app, server):
    book_offline(phone, slot=0, number="28010-13579")
    first = bookable_starts(server, 10)[0]
    for _ in range(2):                   # meanwhile both rooms of that slot went to others
        taken = requests.post(f"{server}/api/v1/bookings", json=make_payload(start=first, consent=live_consent(server)))
        assert taken.status_code == 201
    phone.context.set_offline(False)
    phone.wait_for_selector("#time-error:not(:empty)", timeout=30000)
    assert "fully booked" in phone.inner_text("#time-error")
    assert len(server_bookings(e2e_app)) == 2


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


def test_a_waiting_phone_booking_can_be_dropped_and_is_never_sent(phone, e2e_app):
    book_offline(phone, slot=1)
    phone.click("#pending-drop")
    phone.wait_for_selector('section[data-screen="start"]:not([hidden])')
    phone.context.set_offline(False)
    phone.reload()
    phone.wait_for_selector('section[data-screen="start"]:not([hidden])')
    phone.wait_for_timeout(500)
    assert server_bookings(e2e_app) == []
