"""Rules the server owns are not re-typed in the kiosk: it reads them from the state; until the state
carries them, its marked fallback (pwa/static/js/rules.js) must say what the server says."""
from kiosk.domain.requests import ELIGIBILITY_QUESTIONS
from kiosk.domain.terms import REQUIRED_DOCS
from kiosk.i18n import NATIVE_NAMES

FALLBACK = """async () => {
  const rules = await import('/static/js/rules.js');
  return { languages: rules.languages(null), counseling: rules.termsDocs(null, 'counseling'),
           event: rules.termsDocs(null, 'event'), eligibility: rules.eligibilityQuestions(null) };
}"""


def test_the_kiosks_fallback_rules_are_the_servers(page):
    page.goto("/kiosk")
    page.wait_for_selector('section[data-screen="setup"]:not([hidden])')
    fallback = page.evaluate(FALLBACK)
    assert [tuple(pair) for pair in fallback["languages"]] == list(NATIVE_NAMES)
    assert fallback["counseling"] == list(REQUIRED_DOCS["counseling"]) and fallback["event"] == list(REQUIRED_DOCS["event"])
    assert fallback["eligibility"] == list(ELIGIBILITY_QUESTIONS)


def test_every_eligibility_question_of_the_server_has_its_question_and_its_answer_to_a_no():
    from kiosk.ui_strings import STRINGS
    assert {f"{kind}_{key}" for key in ELIGIBILITY_QUESTIONS for kind in ("q", "no")} <= set(STRINGS)
