"""The PWA itself: installable, a service worker at the root scope, a translatable manifest."""
from tests.e2e.conftest import enroll, wait_until


def test_chromium_finds_the_kiosk_installable(page, context, e2e_app):
    enroll(page, e2e_app)
    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # A Playwright context is incognito-like; that one entry says nothing about the app (../shared/e2e.md).
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest.get("errors"), manifest.get("errors")


def test_the_service_worker_controls_the_whole_site(page, e2e_app):
    enroll(page, e2e_app)
    scope = page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.scope)")
    assert scope.endswith("/") and scope.count("/") == 3


def test_the_manifest_name_follows_the_language(page, server):
    ja = page.request.get(f"{server}/manifest.webmanifest", headers={"Accept-Language": "ja"}).json()
    en = page.request.get(f"{server}/manifest.webmanifest", headers={"Accept-Language": "en"}).json()
    assert "ハローワーク伊丹" in ja["name"] and ja["name"] != en["name"]
    assert {i["sizes"] for i in en["icons"]} == {"192x192", "512x512"}


def test_a_page_loaded_past_the_service_worker_is_claimed_by_it(page, context, e2e_app):
    # A forced reload bypasses the worker, as a navigation does that starts while the worker is
    # still installing (the kiosk reloads itself right after enrollment): the page must still end
    # up controlled, or it would not open again offline.
    enroll(page, e2e_app)
    with page.expect_navigation():
        context.new_cdp_session(page).send("Page.reload", {"ignoreCache": True})
    page.wait_for_selector('[data-screen="start"]:not([hidden])')
    wait_until(page, "navigator.serviceWorker.controller !== null", timeout=10000)
