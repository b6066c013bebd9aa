"""The join page on a phone (D4, D6): from the slip's QR, live changes, offline, the checklist."""
import pytest
from datetime import datetime

import requests

from kiosk.services.bookings import reschedule_booking
from kiosk.services.policy import policy_of
from tests.e2e.conftest import assert_accessible, decode_slip_qr, enroll, shot
from tests.e2e.test_kiosk_flow import fill_details, walk_to_time
from tests.factories import make_payload
from tests.live_api import bookable_starts, live_consent

pytestmark = pytest.mark.both_backends   # the booking, sync and join flows on PostgreSQL too


def book(server, index=4):
    starts = bookable_starts(server, 10)
    payload = make_payload(start=starts[index], consent=live_consent(server), language="en", jobseeker_no="28010-20261126")
    return requests.post(f"{server}/api/v1/bookings", json=payload).json()["booking"], starts


def test_the_join_url_from_a_printed_slip_opens_on_a_phone_with_room_and_time(page, phone, e2e_app, tmp_path):
    enroll(page, e2e_app)
    walk_to_time(page, "English")
    page.click(".slot >> nth=5")
    fill_details(page)
    page.click("#book")
    page.wait_for_selector('[data-screen="slip"]:not([hidden])')
    room, when = page.inner_text("#slip-room"), page.inner_text("#slip .slip-time")
    phone.goto(decode_slip_qr(page, tmp_path))                 # what scanning the slip does
    assert phone.inner_text("#room-id") == room and phone.inner_text(".slip-time") == when
    assert "confirmed" in phone.inner_text("h1")


def test_a_reschedule_on_the_server_shows_old_and_new_time_after_a_reload(phone, e2e_app, server):
    booking, starts = book(server)
    phone.goto(booking["join_url"])
    old_time = phone.inner_text(".slip-time")
    office = e2e_app.extensions["madoguchi"]
    reschedule_booking(office.store, policy_of(office.store, office.settings), booking["booking_id"], datetime.fromisoformat(starts[7]),
                       office.now(), "staff:test")
    phone.reload()
    assert "moved to a new time" in phone.inner_text("h1")
    assert old_time in phone.inner_text(".moved del")
    assert phone.inner_text(".moved .slip-time") != old_time
    assert_accessible(phone, "join page (rescheduled)")
    shot(phone, "phone-join-rescheduled-en")


def test_offline_a_reload_shows_the_last_known_state_and_when_it_was_updated(phone, server):
    booking, _ = book(server)
    phone.goto(booking["join_url"])
    phone.wait_for_selector("body[data-offline-ready='true']", state="attached", timeout=15000)
    room = phone.inner_text("#room-id")
    phone.context.set_offline(True)
    phone.reload()
    assert phone.inner_text("#room-id") == room and "confirmed" in phone.inner_text("h1")
    assert "offline" in phone.inner_text("#join-updated") and "Last updated" in phone.inner_text("#join-updated")
    shot(phone, "phone-join-offline-en")
    phone.fill("#last4", "1126")
    phone.click(".cancel-form button")                           # needs the server: said plainly, not an error page
    assert "try again when your phone is back online" in phone.inner_text("#join-updated")
    phone.context.set_offline(False)


def test_checklist_ticks_stay_on_the_phone_and_the_countdown_runs(phone, server):
    booking, _ = book(server)
    phone.goto(booking["join_url"])
    phone.check('[data-check="prep_app"]')
    phone.check('[data-check="prep_private"]')
    first = phone.inner_text("#countdown-value")
    phone.wait_for_function("(first) => document.querySelector('#countdown-value').textContent !== first", arg=first,
                            timeout=10_000)                      # it counts down
    phone.reload()
    ticked = phone.eval_on_selector_all("[data-check]", "boxes => boxes.filter(b => b.checked).map(b => b.dataset.check)")
    assert ticked == ["prep_app", "prep_private"]


def test_the_join_page_passes_axe_in_every_language_with_its_lang(phone, server):
    from kiosk.i18n import NATIVE_NAMES, html_lang
    booking, _ = book(server)
    for code, _name in NATIVE_NAMES:
        phone.goto(f"{booking['join_url']}?lang={code}")
        assert phone.get_attribute("html", "lang") == html_lang(code)
        assert_accessible(phone, f"join page ({code})")
        if code in ("ja-easy", "ne", "th"):
            shot(phone, f"phone-join-{code}")
