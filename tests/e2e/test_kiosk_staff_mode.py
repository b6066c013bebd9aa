"""Staff mode at the kiosk (D7): a 3-second press on the office's name, a security key on the
kiosk itself, then reset: the visitor is wiped, the outbox is kept and is sent later; a test slip
never looks like a booking."""
import shutil
import subprocess

from tests.e2e.conftest import (ARTIFACTS, assert_accessible, enroll, outbox_count, plug_in_key, server_bookings,
                                setup_token, shot, wait_outbox_empty)
from tests.e2e.test_kiosk_flow import fill_details, walk_to_time


def admin_with_a_key(page, context, e2e_app):
    """The office's first admin registers a virtual key (plugged into the kiosk) and signs out."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    plug_in_key(cdp)
    page.goto(f"/staff/setup/{setup_token(e2e_app)}")
    page.fill("#staff-name", "Yamada Admin")
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector('body[data-mode="today"][data-ready]')
    page.click("#sign-out")
    page.wait_for_selector('body[data-mode="signin"][data-ready]')


def open_staff_mode(page, name="Yamada Admin"):
    """A long press on the office's name, then the key; the staff panel."""
    box = page.locator("#office").bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    page.wait_for_timeout(3300)
    page.mouse.up()
    page.wait_for_selector("#staff-dialog[open]")
    page.fill("#staff-mode-name", name)
    page.click("#staff-mode-form button[type=submit]")


def test_staff_mode_reset_with_bookings_waiting_loses_nothing(page, context, e2e_app):
    admin_with_a_key(page, context, e2e_app)                      # the office's key, at the kiosk
    enroll(page, e2e_app)
    context.route("**/api/v1/sync", lambda route: route.fulfill(status=503, body="{}"))   # the server is busy
    walk_to_time(page)
    page.click(".slot >> nth=0")                                   # a leased unit: the slip prints at once
    fill_details(page, name="山田 花子", number="28010-98765")
    page.click("#book")
    page.wait_for_selector('section[data-screen="slip"]:not([hidden])')
    assert outbox_count(page) == 1

    open_staff_mode(page)                                          # a long press on the office's name
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


def printed_text(page, tmp_path, name: str) -> str:
    """The slip printed to an 80 mm PDF, as text (and a PNG of it among the artifacts)."""
    page.emulate_media(media="print")
    height = page.evaluate("document.querySelector('#slip').getBoundingClientRect().height")
    pdf = tmp_path / f"{name}.pdf"
    page.pdf(path=str(pdf), width="80mm", height=f"{int(height) + 200}px", print_background=True)
    page.emulate_media(media="screen")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / name)], check=True)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(tmp_path / f"{name}.png", ARTIFACTS / f"{name}.png")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_a_test_slip_is_marked_test_on_screen_and_paper_and_a_booking_after_it_is_not(page, context, e2e_app, tmp_path):
    admin_with_a_key(page, context, e2e_app)
    enroll(page, e2e_app)
    open_staff_mode(page)
    page.wait_for_selector("#staff-panel:not([hidden])")
    page.click("#staff-print")
    page.wait_for_selector('section[data-screen="slip"][data-test]:not([hidden])')
    page.click("#staff-close")
    assert page.is_visible(".slip-test-title") and not page.is_visible("h1.slip-real") and not page.is_visible("#slip-take")
    slip = page.inner_text("#slip")
    assert slip.count("テスト印刷") == 2 and "これは予約票ではありません" in slip and "This is not a booking slip" in slip
    assert page.locator("#slip img.qr").count() == 0 and page.locator("#slip-reference").count() == 0
    assert "000 0000" not in slip and "Zoom" not in slip
    shot(page, "kiosk-test-slip-ja")
    paper = printed_text(page, tmp_path, "slip-test")
    assert paper.count("テスト印刷") == 2 and "これは予約票ではありません" in paper and "TEST" in paper

    page.click('section[data-screen="slip"] [data-action="restart"]')
    walk_to_time(page)
    page.click(".slot >> nth=0")
    fill_details(page, name="山田 花子", number="28010-98766")
    page.click("#book")
    page.wait_for_selector('section[data-screen="slip"]:not([data-test]):not([hidden])')
    assert page.is_visible("h1.slip-real") and not page.is_visible(".slip-test-title")
    assert "テスト印刷" not in page.inner_text("#slip")


def test_a_sign_in_at_the_kiosk_while_the_server_is_unreachable_says_so_in_japanese(page, context, e2e_app):
    admin_with_a_key(page, context, e2e_app)
    enroll(page, e2e_app)
    context.route("**/api/v1/staff/signin/**", lambda route: route.abort("internetdisconnected"))
    open_staff_mode(page)
    page.wait_for_selector("#staff-mode-error:not(:empty)")
    message = page.inner_text("#staff-mode-error")
    assert "サーバーに接続できません" in message and "fetch" not in message.lower()
    assert page.is_hidden("#staff-panel")


def test_the_staff_mode_sign_in_asks_for_a_missing_name_in_japanese_and_ignores_case_and_spaces(page, context, e2e_app):
    admin_with_a_key(page, context, e2e_app)
    enroll(page, e2e_app)
    open_staff_mode(page, name="")                                 # no name: our Japanese message, no browser bubble
    assert page.inner_text("#staff-mode-error") == "名前を入力してください。"
    page.fill("#staff-mode-name", "yamadaadmin")                   # case and space ignored
    page.click("#staff-mode-form button[type=submit]")
    page.wait_for_selector("#staff-panel:not([hidden])")
    assert_accessible(page, "kiosk staff mode, signed in")
