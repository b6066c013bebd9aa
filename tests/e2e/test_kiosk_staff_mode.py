"""Staff mode at the kiosk (D7): a 3-second press on the office's name, a security key on the
kiosk itself, then reset: the visitor is wiped, the outbox is kept and is sent later."""
from tests.e2e.conftest import (assert_accessible, enroll, outbox_count, plug_in_key, server_bookings, setup_token, shot,
                                wait_outbox_empty)
from tests.e2e.test_kiosk_flow import fill_details, walk_to_time


def test_staff_mode_reset_with_bookings_waiting_loses_nothing(page, context, e2e_app):
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    plug_in_key(cdp)                                              # the office's key, at the kiosk
    page.goto(f"/staff/setup/{setup_token(e2e_app)}")
    page.fill("#staff-name", "Yamada Admin")
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector('body[data-mode="today"][data-ready]')
    page.click("#sign-out")
    page.wait_for_selector('body[data-mode="signin"][data-ready]')

    enroll(page, e2e_app)
    context.route("**/api/v1/sync", lambda route: route.fulfill(status=503, body="{}"))   # the server is busy
    walk_to_time(page)
    page.click(".slot >> nth=0")                                   # a leased unit: the slip prints at once
    fill_details(page, name="山田 花子", number="28010-98765")
    page.click("#book")
    page.wait_for_selector('section[data-screen="slip"]:not([hidden])')
    assert outbox_count(page) == 1

    box = page.locator("#office").bounding_box()                   # a long press on the office's name
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    page.wait_for_timeout(3300)
    page.mouse.up()
    page.wait_for_selector("#staff-dialog[open]")
    page.fill("#staff-mode-name", "Yamada Admin")
    page.click("#staff-mode-form button[type=submit]")
    page.wait_for_selector("#staff-panel:not([hidden])")
    assert page.inner_text("#staff-waiting") == "1"
    assert_accessible(page, "kiosk staff mode")
    shot(page, "kiosk-staff-mode-ja")
    page.click("#staff-reset")
    page.wait_for_selector('section[data-screen="start"]:not([hidden])')
    assert "山田" not in page.content() and outbox_count(page) == 1   # the visitor is gone, the booking is not

    context.unroute("**/api/v1/sync")
    wait_outbox_empty(page, timeout=30000)
    assert [b.name for b in server_bookings(e2e_app)] == ["山田 花子"]
