"""X2: the whole booking works with a keyboard alone (Tab to move, Enter or Space to act)."""
from tests.e2e.conftest import enroll, server_bookings, wait_outbox_empty, wait_until


def press_on(page, selector, key="Enter", limit=80):
    """Tab until the element is focused, then press `key` on it."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            page.keyboard.press(key)
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_booking_can_be_made_with_the_keyboard_alone(page, e2e_app):
    enroll(page, e2e_app)
    press_on(page, '#languages button[lang="en"]')
    press_on(page, '[data-service="counseling"]')
    page.wait_for_selector('section[data-screen="terms"]:not([hidden])')
    press_on(page, "#terms-read", key="Space")
    press_on(page, "#terms-accept")
    for n in range(1, 5):
        wait_until(page, f"document.querySelector('#question-progress').textContent.includes('{n}')")
        for item in range(page.locator("#question-list input").count()):   # the device checklist, item by item
            press_on(page, f"#question-list li:nth-child({item + 1}) input", key="Space")
        press_on(page, "#answer-yes")
    page.wait_for_selector('section[data-screen="time"]:not([hidden])')
    press_on(page, ".slot")
    press_on(page, "#name", key="Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("Ana Silva")
    press_on(page, "#jobseeker", key="Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("28010-13579")
    press_on(page, '#details-form button[type="submit"]')
    page.wait_for_selector('section[data-screen="confirm"]:not([hidden])')
    press_on(page, "#book", key="Shift")                       # focus it first: the focus must show
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    page.wait_for_selector('section[data-screen="slip"]:not([hidden])')
    wait_outbox_empty(page)
    assert [b.jobseeker_no for b in server_bookings(e2e_app)] == ["28010-13579"]
