"""A calm flow for a first-time visitor (issue 14 §3), in real Chromium: what axe cannot see."""
import re

from kiosk.tokens import join_token
from tests.e2e.conftest import answer_yes, assert_accessible, enroll, shot, wait_until
from tests.e2e.test_kiosk_flow import fill_details, walk_to_time

MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"

# Every visible furigana on the screen: its size; and every ruby base of 3+ characters whose reading
# is wider than it: the distance between its inner characters (the font size when not spaced apart).
FURIGANA = """() => {
  const shown = (el) => el.checkVisibility() && el.closest('section.screen:not([hidden]), header, dialog[open], main');
  const sizes = [...document.querySelectorAll('rt')].filter(shown).map((rt) => [rt.textContent, parseFloat(getComputedStyle(rt).fontSize)]);
  const spread = [];
  for (const ruby of [...document.querySelectorAll('ruby')].filter(shown)) {
    const base = ruby.firstChild;
    if (base.nodeType !== Node.TEXT_NODE || base.data.length < 3) continue;
    const range = document.createRange();
    const left = (i) => { range.setStart(base, i); range.setEnd(base, i + 1); return range.getBoundingClientRect().left; };
    const pitch = left(2) - left(1);
    const size = parseFloat(getComputedStyle(ruby).fontSize);
    if (ruby.querySelector('rt').getBoundingClientRect().width > size * base.data.length) spread.push([base.data, pitch, size]);
  }
  return { sizes, spread };
}"""


def furigana(page, where, found):
    measured = page.evaluate(FURIGANA)
    found["sizes"] += [(where, *s) for s in measured["sizes"]]
    found["spread"] += [(where, *s) for s in measured["spread"]]


def test_the_terms_show_the_plain_summary_first_and_the_full_text_one_tap_away(page, e2e_app):
    enroll(page, e2e_app)
    page.click('#languages button:text-is("やさしいにほんご")')
    page.click('[data-service="counseling"]')
    page.wait_for_selector('section[data-screen="terms"]:not([hidden])')
    assert page.is_visible("#terms-summary") and not page.is_visible("#terms-text")
    box = page.locator("#terms-accept").bounding_box()               # no long scroll to the accept button
    assert box["y"] + box["height"] <= page.viewport_size["height"]
    assert page.evaluate("window.scrollY") == 0
    page.click("#terms-details summary")                             # one tap: the full text, before accepting
    assert page.is_visible("#terms-text") and "利用規約" in page.inner_text("#terms-text")
    assert_accessible(page, "terms unfolded (ja-easy)")
    shot(page, "kiosk-terms-open-ja-easy")


def test_back_works_on_the_terms_and_the_questions_and_a_no_can_be_changed(page, e2e_app):
    enroll(page, e2e_app)
    page.click('#languages button:text-is("English")')
    page.click('[data-service="counseling"]')
    page.click("#terms-back")
    page.wait_for_selector('section[data-screen="start"]:not([hidden])')
    page.click('[data-service="counseling"]')
    page.check("#terms-read")
    page.click("#terms-accept")
    wait_until(page, "document.querySelector('#question-progress').textContent.includes('1 of 4')")
    page.click("#answer-yes")
    wait_until(page, "document.querySelector('#question-progress').textContent.includes('2 of 4')")
    page.click("#question-back")
    wait_until(page, "document.querySelector('#question-progress').textContent.includes('1 of 4')")
    page.click("#question-back")
    page.wait_for_selector('section[data-screen="terms"]:not([hidden])')
    page.click("#terms-accept")
    page.click("#answer-no")                                         # "not registered": explained...
    page.wait_for_selector('section[data-screen="ineligible"]:not([hidden])')
    assert_accessible(page, "a no, with change my answer (en)")
    shot(page, "kiosk-ineligible-en")
    page.click("#change-answer")                                     # ...and a slip of the finger undone
    wait_until(page, "document.querySelector('#question-progress').textContent.includes('1 of 4')")
    answer_yes(page)
    page.wait_for_selector('section[data-screen="time"]:not([hidden])')


def test_the_device_checklist_is_ticked_item_by_item_and_next_looks_disabled_until_then(page, e2e_app):
    enroll(page, e2e_app)
    page.click('#languages button:text-is("English")')
    page.click('[data-service="event"]')
    page.check("#terms-read")
    page.click("#terms-accept")
    items = page.locator("#question-list input[type=checkbox]")
    assert items.count() == 6 and page.is_visible("#question-tick")
    next_button = page.locator("#answer-yes")
    enabled_look = page.locator("#answer-no").evaluate("(b) => getComputedStyle(b).borderStyle")
    for n in range(5):
        items.nth(n).check()
    assert next_button.is_disabled() and next_button.inner_text() == "Next"
    look = next_button.evaluate("(b) => [getComputedStyle(b).borderStyle, getComputedStyle(b).backgroundColor, getComputedStyle(b).cursor]")
    assert look[0] == "dashed" != enabled_look and look[2] == "not-allowed"
    assert_accessible(page, "device checklist (en)")
    shot(page, "kiosk-device-checklist-en")
    items.nth(5).check()
    assert next_button.is_enabled()
    next_button.click()
    page.wait_for_selector('section[data-screen="time"]:not([hidden])')


def test_a_field_error_clears_as_soon_as_the_field_is_right_and_an_empty_number_asks_for_it(page, e2e_app):
    enroll(page, e2e_app)
    walk_to_time(page)
    page.click(".slot >> nth=5")
    page.click('#details-form button[type="submit"]')                # nothing typed yet
    assert page.inner_text("#name-error") == "お名前を入力してください。"
    assert page.inner_text("#jobseeker-error") == "求職番号を入力してください（例：28010-12345）。"
    page.fill("#name", "山田 花子")                                   # right: the message goes at once
    assert not page.is_visible("#name-error") and page.get_attribute("#name", "aria-invalid") == "false"
    page.fill("#jobseeker", "2801")                                  # "please enter" no longer fits: it goes
    assert not page.is_visible("#jobseeker-error")
    page.click('#details-form button[type="submit"]')
    assert "5桁" in page.inner_text("#jobseeker-error")
    for key in "0-12345":                                            # typed on the kiosk's keypad
        page.click(f'#keypad button:text-is("{key}")')
    assert not page.is_visible("#jobseeker-error") and page.get_attribute("#jobseeker", "aria-invalid") == "false"
    assert_accessible(page, "details after a fix (ja)")
    shot(page, "kiosk-details-fixed-ja")


def test_start_over_in_the_header_asks_before_it_wipes(page, e2e_app):
    enroll(page, e2e_app)
    walk_to_time(page)
    page.click(".slot >> nth=5")
    page.fill("#name", "山田 花子")
    page.click("#restart")
    page.wait_for_selector("#restart-dialog[open]")
    assert_accessible(page, "start over? (ja)")
    shot(page, "kiosk-restart-ask-ja")
    page.click("#restart-keep")
    assert page.input_value("#name") == "山田 花子" and page.is_visible('section[data-screen="details"]')
    page.click("#restart")
    page.click("#restart-confirm")
    page.wait_for_selector('section[data-screen="start"]:not([hidden])')
    assert "山田" not in page.content()


def test_on_a_phone_the_language_is_one_compact_control_and_the_services_are_on_the_first_screen(phone):
    phone.goto("/book?lang=en")
    phone.wait_for_selector('section[data-screen="start"]:not([hidden])')
    assert phone.is_visible("#language-select") and not phone.is_visible("#languages")
    assert phone.input_value("#language-select") == "en"
    for service in ("counseling", "event"):
        box = phone.locator(f'[data-service="{service}"]').bounding_box()
        assert box["y"] + box["height"] <= 844, f"{service} starts at {box['y']} px"
    assert_accessible(phone, "phone start (en)")
    shot(phone, "phone-start-en")
    phone.select_option("#language-select", "ja")
    wait_until(phone, "document.documentElement.lang === 'ja'")
    assert phone.inner_text('[data-service="counseling"] .choice-title') == "オンライン職業相談"


def test_furigana_are_at_least_12_px_on_every_screen_and_never_space_the_base_apart(phone, page, e2e_app):
    found = {"sizes": [], "spread": []}
    phone.goto("/book?lang=ja-easy")
    phone.wait_for_selector('section[data-screen="start"]:not([hidden])')
    furigana(phone, "start", found)
    phone.click('[data-service="counseling"]')
    phone.click("#terms-details summary")
    furigana(phone, "terms", found)
    phone.check("#terms-read")
    phone.click("#terms-accept")
    furigana(phone, "question", found)
    answer_yes(phone, 3)
    wait_until(phone, "document.querySelector('#question-list input') !== null")
    furigana(phone, "checklist", found)
    for box in phone.locator("#question-list input").all():
        box.check()
    phone.click("#answer-yes")
    phone.wait_for_selector('section[data-screen="time"]:not([hidden])')
    furigana(phone, "time", found)
    phone.click(".slot >> nth=3")
    phone.click('#details-form button[type="submit"]')
    furigana(phone, "details", found)
    fill_details(phone, name="Ana Silva", number="28010-24680")
    furigana(phone, "confirm", found)
    token = join_token("e2e-secret", "lu_0123456789abcdef", "845 1111 0001", "2026-12-03T10:30:00+09:00")
    phone.goto(f"/j/{token}?lang=ja-easy")
    furigana(phone, "join page", found)
    shot(phone, "phone-join-ja-easy")
    enroll(page, e2e_app)                                            # the kiosk: the 求職番号 label, large
    walk_to_time(page, "やさしいにほんご")
    page.click(".slot >> nth=5")
    furigana(page, "kiosk details", found)
    shot(page, "kiosk-details-ja-easy")
    assert len(found["sizes"]) > 50 and found["spread"]
    small = [s for s in found["sizes"] if s[2] < 12]
    assert not small, small[:10]
    spread = [s for s in found["spread"] if s[2] > s[3] + 1]
    assert not spread, spread[:10]


def test_day_headings_name_the_month_in_every_language_form(page, e2e_app):
    enroll(page, e2e_app)
    walk_to_time(page, "English")
    headings = page.eval_on_selector_all(".day h2", "els => els.map((e) => e.textContent)")
    assert headings and all(re.fullmatch(rf"\w{{3}}, ({MONTHS_EN}) \d{{1,2}}", h) for h in headings), headings
    page.click("#restart")
    page.click("#restart-confirm")
    page.wait_for_selector('section[data-screen="start"]:not([hidden])')
    walk_to_time(page, "नेपाली")                                       # Chromium has no Nepali: Babel's CLDR names
    nepali = page.eval_on_selector_all(".day h2", "els => els.map((e) => e.textContent)")
    months = ["जनवरी", "फेब्रुअरी", "मार्च", "अप्रिल", "मे", "जुन", "जुलाई", "अगस्ट", "सेप्टेम्बर", "अक्टोबर", "नोभेम्बर", "डिसेम्बर"]
    assert nepali and all(any(m in h for m in months) and not re.search(r"\d+-\d+", h) for h in nepali), nepali


def test_the_text_size_control_shows_its_state(page, e2e_app):
    enroll(page, e2e_app)
    sizes = page.locator("[data-text-size]")
    assert [sizes.nth(i).get_attribute("aria-pressed") for i in range(3)] == ["true", "false", "false"]
    before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.click('[data-text-size="3"]')
    assert [sizes.nth(i).get_attribute("aria-pressed") for i in range(3)] == ["false", "false", "true"]
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > before
    page.click('#languages button:text-is("English")')
    wait_until(page, "document.documentElement.lang === 'en'")
    assert page.locator('[data-text-size="3"]').evaluate("(b) => b.textContent.includes('Largest')")


def test_the_keypad_keys_are_named_in_the_visitors_language(page, e2e_app):
    enroll(page, e2e_app)
    walk_to_time(page, "English")
    page.click(".slot >> nth=5")
    assert page.get_attribute('#keypad button:text-is("⌫")', "aria-label") == "Delete"
    assert page.get_attribute('#keypad button:text-is("-")', "aria-label") == "Hyphen"
    page.click("#restart")
    page.click("#restart-confirm")
    walk_to_time(page, "中文")
    page.click(".slot >> nth=5")
    assert page.get_attribute('#keypad button:text-is("⌫")', "aria-label") == "删除"


def test_the_office_name_is_no_control_for_visitors_and_nothing_is_outlined_at_the_start(page, e2e_app):
    enroll(page, e2e_app)
    page.reload()
    page.wait_for_selector('section[data-screen="start"]:not([hidden])')
    assert page.evaluate("document.activeElement === document.body")
    outline = page.evaluate("getComputedStyle(document.querySelector('[data-screen=start] h1')).outlineStyle")
    assert outline == "none"
    assert page.evaluate("document.querySelector('#office').tagName") != "BUTTON"
    for _ in range(4):                                               # the keyboard never lands on it
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") != "office"


def test_the_setup_screen_shows_no_developer_command_and_the_start_an_honest_estimate(page, e2e_app):
    page.goto("/kiosk")
    page.wait_for_selector('section[data-screen="setup"]:not([hidden])')
    text = page.inner_text('section[data-screen="setup"]')
    assert "flask" not in text and "--app" not in text and "管理者" in text
    enroll(page, e2e_app)
    assert "約5分" in page.inner_text('section[data-screen="start"] .lead')
