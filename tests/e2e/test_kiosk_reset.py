"""A reset never loses a booking: staff reset a kiosk from the console while it holds an
offline booking and a visitor is mid-way; the kiosk sends the booking first, then starts over."""
from tests.e2e.conftest import enroll, outbox_count, server_bookings, shot, sign_in_first_admin, wait_until
from tests.e2e.test_kiosk_flow import fill_details, walk_to_time


def test_a_remote_reset_from_the_console_sends_the_outbox_then_wipes_the_visitor(page, context, staff_page, e2e_app):
    enroll(page, e2e_app)
    context.set_offline(True)
    walk_to_time(page)
    page.click(".slot >> nth=0")                                  # a leased unit: the slip prints offline
    fill_details(page, name="山田 花子", number="28010-98765")
    page.click("#book")
    page.wait_for_selector('section[data-screen="slip"]:not([hidden])')
    page.click('section[data-screen="slip"] [data-action="restart"]')
    walk_to_time(page)
    page.fill("#name", "佐藤 次郎") if page.is_visible("#name") else None
    assert outbox_count(page) == 1

    sign_in_first_admin(staff_page, e2e_app)                      # staff, on an office PC
    staff_page.goto("/staff/kiosks")                              # the Kiosks page of the console
    staff_page.wait_for_selector('body[data-mode="kiosks"][data-ready]')
    staff_page.click('tr[data-kiosk] [data-kiosk-action="reset"]')
    staff_page.wait_for_selector("tr[data-kiosk] .note")          # "reset waiting for the next sync"
    shot(staff_page, "staff-kiosk-reset-waiting-en")

    context.set_offline(False)                                    # the kiosk's next sync carries the reset
    page.wait_for_selector('section[data-screen="start"]:not([hidden])', timeout=20000)
    wait_until(page, "true")
    assert outbox_count(page) == 0
    assert [b.name for b in server_bookings(e2e_app)] == ["山田 花子"]
    assert "佐藤" not in page.content() and "山田" not in page.content()
    store = e2e_app.extensions["madoguchi"].store
    for _ in range(50):                                           # the kiosk reports it done; the console forgets it
        with store.transaction():
            (kiosk,) = store.kiosks()
        if not kiosk.commands:
            break
        page.wait_for_timeout(200)
    assert not kiosk.commands
