"""Real Chromium (Debian's) against the live app on http://localhost (../shared/e2e.md)."""
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app import create_app
from kiosk.services import kiosks as kiosk_service
from kiosk.services import office as office_service
from tests.factories import NOW

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--kiosk-printing"]  # as on the kiosk tablet


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make test` (it installs Debian's chromium), "
                    "or `apt-get install chromium fonts-noto-cjk zbar-tools poppler-utils`.")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def e2e_settings():
    """Settings a test module may override (e.g. a short idle timeout)."""
    return {}


@pytest.fixture
def e2e_app(tmp_path, e2e_settings, backend_config):
    """The real app on the real clock (the browser's clock is real too), two Zoom rooms; on
    PostgreSQL too for the modules marked `both_backends`."""
    app = create_app({"KIOSK_DATA_DIR": str(tmp_path / "instance"), "DEMO": False, "SECRET_KEY": "e2e-secret",
                      **backend_config, **e2e_settings})
    store = app.extensions["madoguchi"].store
    office_service.add_room(store, NOW, "test", "zoom", "845 1111 0001", "佐藤")
    office_service.add_room(store, NOW, "test", "zoom", "845 1111 0002", "鈴木")
    return app


@pytest.fixture
def server(e2e_app):
    http = make_server("localhost", 0, e2e_app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{http.server_port}"
    http.shutdown()
    thread.join(5)


@pytest.fixture
def context(browser, server):
    ctx = browser.new_context(service_workers="allow", base_url=server, viewport={"width": 1080, "height": 1920},
                              device_scale_factor=0.5, locale="ja-JP", timezone_id="Asia/Tokyo")
    yield ctx
    ctx.close()


@pytest.fixture
def phone(browser, server):
    """A phone: small touch screen, English, Tokyo time; its own context (storage, service worker)."""
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="en-US", timezone_id="Asia/Tokyo")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert not errors, errors


def page_with_a_key(context):
    """A page of `context` with a virtual security key plugged in (`page.security_key`); the page's
    script errors are collected in `page.script_errors`."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    page.security_key = (cdp, plug_in_key(cdp))
    page.script_errors = []
    page.on("pageerror", lambda err: page.script_errors.append(str(err)))
    return page


@pytest.fixture
def staff_page(browser, server):
    context = browser.new_context(base_url=server, locale="en-US", viewport={"width": 1280, "height": 900})
    page = page_with_a_key(context)
    yield page
    context.close()
    assert not page.script_errors, page.script_errors


def plug_in_key(cdp) -> str:
    """A new virtual security key (CTAP2 over USB, with a PIN: user verification)."""
    return cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": False,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}})["authenticatorId"]


def swap_key(page) -> None:
    """Unplug the staff page's security key and plug in another one."""
    cdp, old = page.security_key
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": old})
    page.security_key = (cdp, plug_in_key(cdp))


def setup_token(app) -> str:
    """The first admin's one-time link, as `flask --app app staff setup-link` makes it."""
    from kiosk.services import staff as staff_service
    office = app.extensions["madoguchi"]
    return staff_service.setup_link(office.store, office.now(), "test")


def sign_in_first_admin(staff_page, app, name="Yamada Admin"):
    staff_page.goto(f"/staff/setup/{setup_token(app)}")
    staff_page.fill("#staff-name", name)
    staff_page.click("#setup-form button[type=submit]")
    staff_page.wait_for_selector('body[data-mode="today"][data-ready]')


# Headless Chromium has no printer: a real window.print() leaves the page "being printed" for
# good, and page.pdf() then fails. The kiosk's call is counted instead, and the tests print the
# slip themselves with page.pdf(), through the same print CSS (../shared/e2e.md).
COUNT_PRINTS = "window.print = () => { window.__prints = (window.__prints || 0) + 1; };"


@pytest.fixture
def page(context):
    context.add_init_script(COUNT_PRINTS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    assert not errors, f"JavaScript errors: {errors}"


def wait_until(page, expression: str, timeout: float = 10000):
    """Poll a JavaScript expression until it is truthy. (Playwright's wait_for_function polls with
    eval inside the page, which the app's Content-Security-Policy rightly forbids.)"""
    for _ in range(int(timeout // 100)):
        if page.evaluate(f"() => Boolean({expression})"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout} ms: {expression}")


def answer_yes(page, questions=4):
    """Say yes to each eligibility question in turn (4 for counseling, 1 for an event); the device
    checklist (the last one) is ticked item by item first."""
    for n in range(1, questions + 1):
        wait_until(page, f"document.querySelector('#question-progress').textContent.includes('{n}')")
        for box in page.locator("#question-list input[type=checkbox]").all():
            box.check()
        page.click("#answer-yes")


def enrollment_code(app, name="入口") -> str:
    office = app.extensions["madoguchi"]
    return kiosk_service.enroll(office.store, office.now(), "test", name)["code"]


def enroll(page, app, name="入口"):
    """Open the kiosk, enroll it with a fresh code, and wait for the start screen."""
    page.goto("/kiosk")
    page.fill("#setup-code", enrollment_code(app, name))
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector('[data-screen="start"]:not([hidden])')
    wait_until(page, "navigator.serviceWorker.controller !== null", timeout=45000)


def shot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def decode_slip_qr(page, tmp_path) -> str:
    """Print the slip to an 80 mm PDF and decode its QR code, as a phone would."""
    page.emulate_media(media="print")
    height = page.evaluate("document.querySelector('#slip').getBoundingClientRect().height")
    pdf = tmp_path / "slip.pdf"
    page.pdf(path=str(pdf), width="80mm", height=f"{int(height) + 200}px", print_background=True)
    page.emulate_media(media="screen")
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "slip")], check=True)
    shutil.copy(tmp_path / "slip.png", ARTIFACTS / f"slip-{page.evaluate('document.documentElement.lang')}.png")
    out = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "slip.png")], capture_output=True, text=True)
    assert out.returncode == 0, "no QR code found on the printed slip"
    return out.stdout.strip()


OUTBOX_COUNT = """async () => {
  const db = await new Promise((resolve) => { const r = indexedDB.open('madoguchi'); r.onsuccess = () => resolve(r.result); });
  return await new Promise((resolve) => { const r = db.transaction('outbox').objectStore('outbox').count(); r.onsuccess = () => resolve(r.result); });
}"""


def outbox_count(page) -> int:
    return page.evaluate(OUTBOX_COUNT)


def wait_outbox_empty(page, timeout=20000):
    """Poll the kiosk's IndexedDB until every op was answered by the server."""
    for _ in range(timeout // 200):
        if outbox_count(page) == 0:
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"the outbox still holds {outbox_count(page)} op(s)")


def server_bookings(app):
    """Every booking the server holds, read through the storage contract."""
    from datetime import date
    store = app.extensions["madoguchi"].store
    with store.transaction():
        return list(store.bookings_between(date.min, date.max))


def assert_accessible(page, label: str):
    """axe-core (WCAG 2.x A/AA rules) finds nothing on the current screen."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}})
    assert results.violations_count == 0, f"{label}: {results.generate_report()}"
