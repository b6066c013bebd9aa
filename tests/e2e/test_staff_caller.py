"""Book for a caller and find the booking again, then the sign-in's own messages (real Chromium,
virtual authenticator, 1366x768 in Japanese)."""
from tests.e2e.conftest import assert_accessible, shot, swap_key
from tests.e2e.test_staff_console import console, office_of  # noqa: F401
from tests.factories import jobseeker_no


def test_a_booking_taken_for_a_caller_is_read_back_printed_and_found_by_its_reference(console, e2e_app):
    console.goto("/staff/call")
    console.wait_for_selector('body[data-mode="call"][data-ready]')
    assert_accessible(console, "console: book for a caller")
    console.click("#call-book")                                    # no time yet: our message, no browser bubble
    assert console.inner_text("#call-error") == "時間を選んでください。"
    console.click("#call-pick")
    console.click("#move-days button[data-start] >> nth=0")
    console.fill("#call-name", "電話 花子")
    number = jobseeker_no()
    console.fill("#call-number", number)
    for name in ("registered", "has_camera_device", "wants_continuous_counseling"):
        console.check(f'#call-form input[name="{name}"]')
    console.click("#call-book")                                    # the terms not read out yet: refused
    console.wait_for_selector("#call-error:has-text('読み上げ')")
    console.check("#call-read-out")
    console.click("#call-book")
    console.wait_for_selector("#call-done:not([hidden])")
    reference = console.inner_text("#call-done-reference")
    assert len(reference) == 6 and console.inner_text("#call-done-room") != "—"
    assert_accessible(console, "console: a caller booked")
    shot(console, "console-call-booked-ja")
    store = office_of(e2e_app).store
    with store.transaction():
        booking = store.booking_by_reference(reference)
    assert booking.channel == "staff_phone" and booking.consent["staff_id"]

    slip = console.get_attribute("#call-slip", "href")
    console.goto(slip)
    assert console.inner_text("#slip-reference") == reference
    assert_accessible(console, "console: caller's slip")
    shot(console, "console-call-slip-ja")

    console.goto("/staff/visitors")
    console.wait_for_selector("body[data-ready]")
    console.fill('#find-reference-form input[name="reference"]', reference.lower())
    console.click("#find-reference-form button[type=submit]")
    console.wait_for_selector("#visitor-result:not([hidden])")
    assert console.inner_text("#visitor-no") == number and reference in console.inner_text("#visitor-bookings")
    console.fill('#find-name-form input[name="name"]', "電話花子")
    console.fill('#find-name-form input[name="date"]', booking.start.date().isoformat())
    console.click("#find-name-form button[type=submit]")
    console.wait_for_selector("#visitor-result:not([hidden])")
    assert reference in console.inner_text("#visitor-bookings")
    assert_accessible(console, "console: visitor found")
    shot(console, "console-find-ja")


def test_sign_in_with_the_name_typed_without_its_space_and_offline_says_so_in_japanese(console):
    console.click("#sign-out")
    console.wait_for_selector('body[data-mode="signin"][data-ready]')
    console.click("#sign-in-form button[type=submit]")             # empty: our message, no English bubble
    assert console.inner_text("#staff-error") == "名前を入力してください。"
    console.context.set_offline(True)
    console.fill("#staff-name", "山田管理者")
    console.click("#sign-in-form button[type=submit]")
    console.wait_for_selector("#staff-error:has-text('サーバーに接続できません')")
    console.context.set_offline(False)
    swap_key(console)                                              # a key of nobody's: the browser finds none
    console.click("#sign-in-form button[type=submit]")
    console.wait_for_selector("#staff-error:has-text('セキュリティキーが使われませんでした')", timeout=30000)
    assert_accessible(console, "console: sign-in refused")
    shot(console, "console-signin-failed-ja")
