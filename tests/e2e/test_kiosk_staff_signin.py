"""The kiosk's staff-mode sign-in speaks Japanese when the name is missing, and finds a name typed
in lower case without its space."""
from tests.e2e.conftest import assert_accessible, enroll, plug_in_key, setup_token


def test_the_staff_mode_sign_in_asks_for_a_missing_name_in_japanese_and_ignores_case_and_spaces(page, context, e2e_app):
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
    assert_accessible(page, "kiosk staff mode, signed in")
