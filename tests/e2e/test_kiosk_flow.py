"""The visitor's whole journey at the kiosk, in real Chromium."""
from datetime import datetime

import pytest

from kiosk.tokens import read_join_token
from tests.e2e.conftest import answer_yes, decode_slip_qr, enroll, server_bookings, shot, wait_until

pytestmark = pytest.mark.both_backends   # the booking, sync and join flows on PostgreSQL too


def walk_to_time(page, lang_label="日本語", service="counseling"):
    page.click(f'#languages button:text-is("{lang_label}")')
    page.click(f'[data-service="{service}"]')
    page.check("#terms-read")
    page.click("#terms-accept")
    questions = 4 if service == "counseling" else 1
    answer_yes(page, questions)
    page.wait_for_selector('[data-screen="time"]:not([hidden])')


def fill_details(page, name="山田 花子", number="２８０１０－１２３４５"):
    page.fill("#name", name)
    page.fill("#jobseeker", number)
    page.click('#details-form button[type="submit"]')
    page.wait_for_selector('[data-screen="confirm"]:not([hidden])')


# 12:30 is not among the units the kiosk leases (the first slots of each day): the server assigns
# the room while the visitor waits. The first slot is leased: the lease's slip prints at once.
@pytest.mark.parametrize("lang_label, lang, slot", [("日本語", "ja", 5), ("English", "en", 0)])
def test_a_full_online_booking_prints_a_slip_whose_qr_carries_room_and_time(page, e2e_app, tmp_path, lang_label, lang, slot):
    enroll(page, e2e_app)
    walk_to_time(page, lang_label)
    shot(page, f"kiosk-time-{lang}")
    page.click(f".slot >> nth={slot}")
    fill_details(page)
    page.click("#book")
    page.wait_for_selector('[data-screen="slip"]:not([hidden])')
    shot(page, f"kiosk-slip-{lang}")
    wait_until(page, "window.__prints === 1")  # the kiosk printed the slip by itself
    room_on_slip = page.inner_text("#slip-room")
    url = decode_slip_qr(page, tmp_path)
    claims = read_join_token("e2e-secret", url.rsplit("/j/", 1)[1])
    assert claims["r"] == room_on_slip
    booked = server_bookings(e2e_app)
    assert len(booked) == 1 and booked[0].jobseeker_no == "28010-12345" and booked[0].language == lang
    assert booked[0].room_id == room_on_slip and booked[0].start == datetime.fromisoformat(claims["s"])
