"""X1: the whole kiosk flow in each of the twelve languages: nothing left untranslated, the page's
lang right, axe clean, and screenshots of every screen to look at (and the "nothing was booked"
screen and the "start over?" question in a few)."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.i18n import CATALOGS, NATIVE_NAMES
from tests.e2e.conftest import answer_yes, assert_accessible, enroll, server_bookings, shot, wait_until
from tests.e2e.test_kiosk_flow import fill_details

ROOT = Path(__file__).resolve().parents[2]
KANA = re.compile(r"[\u3040-\u30ff]")
HAN = re.compile(r"[\u4e00-\u9fff]")
HTML_LANG = {"ja-easy": "ja"}
# Words these languages use as they are (the catalogs' reviewers may still change them).
LOANWORDS = {"tl": {"Online", "Offline", "Room ID", "Enrollment code"}, "id": {"Online", "Offline"}}


def catalog_strings(folder) -> set:
    with open(ROOT / "translations" / folder / "LC_MESSAGES" / "messages.po", "rb") as f:
        return {m.string for m in read_po(f) if m.id and m.string}


ENGLISH = {s for s in catalog_strings("en") if len(s) > 3}
JAPANESE = catalog_strings("ja")

# Every visible text node of the screen and header, except those inside an element that says it
# is in another language (the slip's Japanese copy, the Japanese terms, the office's name, the
# language buttons): [text, the nearest lang attribute].
TEXT_NODES = """() => {
  const out = [];
  const roots = [document.querySelector('section.screen:not([hidden])'), document.querySelector('header')];
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      if (!node.data.trim() || !el.checkVisibility() || el.closest('ruby, .ja')) continue;  // furigana'd words; the slip's Japanese copy
      out.push([node.data.trim(), el.closest('[lang]').getAttribute('lang')]);
    }
  }
  return out;
}"""


def untranslated(page, lang) -> list:
    """Text the visitor sees in their language's place that is English or Japanese instead."""
    page_lang = HTML_LANG.get(lang, lang)
    found = []
    for text, where in page.evaluate(TEXT_NODES):
        if where != page_lang:
            continue
        if lang != "en" and text in ENGLISH - LOANWORDS.get(lang, set()):
            found.append(text)
        if lang not in ("ja", "ja-easy") and (KANA.search(text) or (lang != "zh-Hans" and HAN.search(text))):
            found.append(text)
        if lang == "ja-easy" and text in JAPANESE - catalog_strings(CATALOGS["ja-easy"]):
            found.append(text)
    return found


def check_screen(page, lang, name):
    assert page.get_attribute("html", "lang") == HTML_LANG.get(lang, lang)
    assert not untranslated(page, lang), f"{lang} {name}: {untranslated(page, lang)}"
    assert_accessible(page, f"{name} ({lang})")
    shot(page, f"lang-{lang}-{name}")


@pytest.mark.parametrize("lang, label", NATIVE_NAMES)
def test_the_whole_kiosk_flow_reads_in_the_visitors_language(page, e2e_app, lang, label):
    enroll(page, e2e_app)
    page.click(f'#languages button:text-is("{label}")')
    page.wait_for_selector(f'#languages button[aria-pressed="true"]:text-is("{label}")')
    check_screen(page, lang, "start")
    page.click('[data-service="counseling"]')
    page.wait_for_selector('[data-screen="terms"]:not([hidden])')
    page.click("#terms-details summary")                         # the full text, unfolded
    check_screen(page, lang, "terms")
    page.check("#terms-read")
    page.click("#terms-accept")
    wait_until(page, "document.querySelector('#question-progress').textContent.includes('1')")
    check_screen(page, lang, "question")
    answer_yes(page, 3)
    wait_until(page, "document.querySelector('#question-list input') !== null")
    check_screen(page, lang, "checklist")
    for box in page.locator("#question-list input").all():
        box.check()
    page.click("#answer-yes")
    page.wait_for_selector('[data-screen="time"]:not([hidden])')
    check_screen(page, lang, "time")
    page.click(".slot >> nth=0")
    fill_details(page, name="Nguyen Van An", number="28010-12345")
    check_screen(page, lang, "confirm")
    page.click("#book")
    page.wait_for_selector('[data-screen="slip"]:not([hidden])')
    check_screen(page, lang, "slip")
    (booking,) = server_bookings(e2e_app)
    assert booking.language == lang and booking.consent["language"] == lang


@pytest.mark.parametrize("lang, label", [("ja-easy", "やさしいにほんご"), ("en", "English"), ("ne", "नेपाली")])
def test_nothing_was_booked_and_start_over_read_in_the_visitors_language(page, context, e2e_app, lang, label):
    enroll(page, e2e_app)
    page.click(f'#languages button:text-is("{label}")')
    page.wait_for_selector(f'#languages button[aria-pressed="true"]:text-is("{label}")')
    page.click('[data-service="counseling"]')
    page.check("#terms-read")
    page.click("#terms-accept")
    answer_yes(page)
    page.click(".slot >> nth=5")                                 # not leased: it waits for the server
    fill_details(page, name="Nguyen Van An", number="28010-12345")
    context.route("**/api/v1/sync", lambda route: route.abort())
    page.evaluate("document.documentElement.dataset.confirmSeconds = '2'")
    page.click("#book")
    page.wait_for_selector('[data-screen="not-booked"]:not([hidden])', timeout=15000)
    check_screen(page, lang, "not-booked")
    page.click("#restart")
    page.wait_for_selector("#restart-dialog[open]")
    assert not untranslated(page, lang)
    assert_accessible(page, f"start over? ({lang})")
    shot(page, f"lang-{lang}-restart")
