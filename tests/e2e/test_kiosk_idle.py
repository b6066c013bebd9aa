"""Kiosk hygiene (X3): left alone, the kiosk warns, then starts over and forgets the visitor."""
import pytest

from tests.e2e.conftest import enroll, outbox_count, shot
from tests.e2e.test_kiosk_flow import walk_to_time


@pytest.fixture
def e2e_settings():
    return {"KIOSK_IDLE_SECONDS": 4, "KIOSK_IDLE_WARNING_SECONDS": 2}


def test_an_idle_kiosk_warns_then_wipes_the_visitor_but_keeps_the_outbox(page, context, e2e_app):
    enroll(page, e2e_app)
    context.set_offline(True)
    walk_to_time(page)
    page.click(".slot >> nth=0")
    page.fill("#name", "山田 花子")
    page.fill("#jobseeker", "28010-98765")
    page.click('#details-form button[type="submit"]')
    page.click("#book")                                         # one booking waits in the outbox
    page.wait_for_selector('section[data-screen="slip"]:not([hidden])')
    page.click('section[data-screen="slip"] [data-action="restart"]')
    page.wait_for_selector('section[data-screen="start"]:not([hidden])')
    walk_to_time(page)
    page.click(".slot >> nth=0")
    page.fill("#name", "佐藤 次郎")
    page.fill("#jobseeker", "28010-13579")
    page.wait_for_selector("#idle-dialog[open]", timeout=10000)
    shot(page, "kiosk-idle-warning-ja")
    page.wait_for_selector('section[data-screen="start"]:not([hidden])', timeout=10000)
    html = page.content()
    for trace in ("佐藤", "13579", "山田", "98765"):
        assert trace not in html
    assert page.evaluate("history.length") <= 2
    assert outbox_count(page) == 1


def test_the_warning_can_be_extended(page, e2e_app):
    enroll(page, e2e_app)
    walk_to_time(page)
    page.wait_for_selector("#idle-dialog[open]", timeout=10000)
    page.click("#idle-continue")
    assert page.is_visible('section[data-screen="time"]')
