"""A test slip from the kiosk's staff mode is marked TEST (テスト印刷) and never looks like a
booking; the staff-mode sign-in speaks Japanese when the name is missing."""
from tests.e2e.conftest import assert_accessible, enroll, plug_in_key, setup_token, shot


def test_a_staff_mode_test_slip_is_marked_test_on_screen_and_has_no_reference(page, context, e2e_app):
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    plug_in_key(cdp)
    page.goto(f"/staff/setup/{setup_token(e2e_app)}")
    page.fill("#staff-name", "Yamada Admin")
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector('body[data-mode="today"][data-ready]')
    page.click("#sign-out")
    page.wait_for_selector('body[data-mode="signin"][data-ready]')
    enroll(page, e2e_app)
    box = page.locator("#office").bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    page.wait_for_timeout(3300)
    page.mouse.up()
    page.wait_for_selector("#staff-dialog[open]")
    page.click("#staff-mode-form button[type=submit]")             # no name: our Japanese message
    assert page.inner_text("#staff-mode-error") == "名前を入力してください。"
    page.fill("#staff-mode-name", "yamadaadmin")                   # case and space ignored
    page.click("#staff-mode-form button[type=submit]")
    page.wait_for_selector("#staff-panel:not([hidden])")
    page.evaluate("window.print = () => {}")
    page.click("#staff-print")
    page.wait_for_selector('section[data-screen="slip"]:not([hidden])')
    assert page.locator("#slip.slip-test .slip-test-mark").count() == 2
    assert "テスト印刷" in page.inner_text("#slip") and page.locator("#slip-reference").count() == 0
    assert page.inner_text("#slip-room") == "TEST"
    assert page.is_visible(".slip-test-title") and not page.is_visible(".slip-real-title")
    page.click("#staff-close")
    assert_accessible(page, "kiosk test slip")
    shot(page, "kiosk-test-slip-ja")
