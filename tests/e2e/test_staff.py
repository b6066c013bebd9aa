"""The staff console's sign-in in real Chromium, with its virtual authenticator over CDP
(ctap2, usb, user verification): bootstrap link, register, sign out, sign in."""
from tests.e2e.conftest import assert_accessible, page_with_a_key, setup_token, shot, sign_in_first_admin, swap_key


def test_the_first_admin_registers_a_key_signs_out_and_signs_in_again(staff_page, e2e_app):
    page = staff_page
    page.goto(f"/staff/setup/{setup_token(e2e_app)}")
    assert_accessible(page, "staff setup")
    page.fill("#staff-name", "Yamada Admin")
    page.fill("#key-name", "blue key")
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector('body[data-mode="today"][data-ready]')
    assert page.is_visible("#second-key")                      # one key only: the console nags
    assert_accessible(page, "staff console: today")
    shot(page, "staff-today-en")
    for path, name in (("/staff/week", "week"), ("/staff/visitors", "visitors"), ("/staff/kiosks", "kiosks"),
                       ("/staff/team", "staff and keys"), ("/staff/settings", "settings"), ("/staff/stats", "statistics"),
                       ("/staff/audit", "audit log")):
        page.goto(path)
        assert_accessible(page, f"staff console: {name}")
        shot(page, f"staff-{path.rsplit('/', 1)[1]}-en")
    page.goto("/staff")
    page.click("#sign-out")
    page.wait_for_selector('body[data-mode="signin"][data-ready]')
    assert_accessible(page, "staff sign-in")
    page.fill("#staff-name", "Yamada Admin")
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector('body[data-mode="today"][data-ready]')


def test_a_used_setup_link_gets_a_clear_page(staff_page, e2e_app):
    token = setup_token(e2e_app)
    staff_page.goto(f"/staff/setup/{token}")
    staff_page.fill("#staff-name", "Yamada Admin")
    staff_page.click("#setup-form button[type=submit]")
    staff_page.wait_for_selector('body[data-mode="today"][data-ready]')
    response = staff_page.goto(f"/staff/setup/{token}")
    assert response.status == 410 and "expired or was used" in staff_page.inner_text("main")


def test_a_second_key_is_registered_from_the_console_and_signs_in(staff_page, e2e_app):
    page = staff_page
    page.goto(f"/staff/setup/{setup_token(e2e_app)}")
    page.fill("#staff-name", "Yamada Admin")
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector('body[data-mode="today"][data-ready]')
    swap_key(page)                                              # the second key in the USB port
    page.click("#add-key")
    page.wait_for_selector("#second-key", state="detached")     # two keys now: no more nagging
    page.click("#sign-out")
    page.wait_for_selector('body[data-mode="signin"][data-ready]')
    page.fill("#staff-name", "Yamada Admin")
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector('body[data-mode="today"][data-ready]')


def test_a_revoked_key_is_refused_at_sign_in(staff_page, e2e_app):
    page = staff_page
    sign_in_first_admin(page, e2e_app)
    swap_key(page)
    page.click("#add-key")
    page.wait_for_selector("#second-key", state="detached")
    page.goto("/staff/team")
    page.wait_for_selector("body[data-ready]")
    page.click('.cred:has-text("Key 2") [data-revoke]')            # the key in the port is revoked
    page.click("#confirm-yes")                                      # once confirmed
    page.wait_for_selector('.cred:has-text("Key 2")', state="detached")
    page.click("#sign-out")
    page.wait_for_selector('body[data-mode="signin"][data-ready]')
    page.fill("#staff-name", "Yamada Admin")
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector("#staff-error:not(:empty)", timeout=20000)
    assert page.get_attribute("body", "data-mode") == "signin"


def test_an_admin_invites_staff_who_register_their_own_key(staff_page, browser, server, e2e_app):
    sign_in_first_admin(staff_page, e2e_app)
    staff_page.goto("/staff/team")
    staff_page.wait_for_selector("body[data-ready]")
    staff_page.fill('#invite-form input[name="name"]', "Sato Staff")
    staff_page.click("#invite-form button[type=submit]")
    staff_page.wait_for_selector("#invite-link:not([hidden])")
    link = staff_page.inner_text("#invite-link")
    colleague = browser.new_context(base_url=server, locale="ja-JP")     # the colleague's own PC and key
    page = page_with_a_key(colleague)
    page.goto(link)
    assert page.input_value("#staff-name") == "Sato Staff"            # the invitation names them
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector('body[data-mode="today"][data-ready]')
    assert "Sato Staff" in page.inner_text(".who") and not page.is_visible("#team-heading")   # staff, not admin
    assert_accessible(page, "staff console (ja)")
    colleague.close()


def test_an_expired_setup_link_gets_a_clear_page(staff_page, e2e_app):
    from datetime import timedelta
    from kiosk.services import staff as staff_service
    office = e2e_app.extensions["madoguchi"]
    token = staff_service.setup_link(office.store, office.now() - timedelta(minutes=16), "test")
    response = staff_page.goto(f"/staff/setup/{token}")
    assert response.status == 410 and "expired or was used" in staff_page.inner_text("main")
