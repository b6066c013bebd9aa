"""axe-core on every step of the kiosk, in Japanese and English; screenshots at kiosk and phone size."""
import pytest

from tests.e2e.conftest import answer_yes, assert_accessible, enroll, shot

STEPS = ["start", "terms", "eligibility", "time", "details", "confirm", "slip"]


def walk(page, lang_label, lang, size):
    """Go through every step, checking and photographing each screen."""
    def step(name):
        page.wait_for_selector(f'section[data-screen="{name}"]:not([hidden])')
        assert_accessible(page, f"{name} ({lang}, {size})")
        shot(page, f"step-{size}-{lang}-{STEPS.index(name) + 1}-{name}")

    page.click(f'#languages button:text-is("{lang_label}")')
    step("start")
    page.click('[data-service="counseling"]')
    step("terms")
    page.check("#terms-read")
    page.click("#terms-accept")
    step("eligibility")
    answer_yes(page)
    step("time")
    page.click(".slot >> nth=5")
    step("details")
    page.fill("#name", "山田 花子")
    page.fill("#jobseeker", "28010-12345")
    page.click('#details-form button[type="submit"]')
    step("confirm")
    page.click("#book")
    step("slip")


@pytest.mark.parametrize("lang_label, lang", [("日本語", "ja"), ("English", "en"), ("やさしいにほんご", "ja-easy")])
def test_every_kiosk_step_passes_axe_at_kiosk_size(page, e2e_app, lang_label, lang):
    enroll(page, e2e_app)
    walk(page, lang_label, lang, "kiosk")


def test_every_step_passes_axe_at_phone_size(browser, server, e2e_app):
    context = browser.new_context(service_workers="allow", base_url=server, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True, locale="ja-JP",
                                  timezone_id="Asia/Tokyo")
    context.add_init_script("window.print = () => {};")
    try:
        page = context.new_page()
        enroll(page, e2e_app)
        walk(page, "English", "en", "phone")
    finally:
        context.close()
