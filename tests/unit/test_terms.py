from datetime import date

import pytest

from kiosk.domain.errors import ConsentMissing, TermsOutdated
from kiosk.domain.terms import TermsVersion, check_consent, current_versions
from kiosk.terms import builtin_versions
from tests.factories import consent

OLD = TermsVersion("online-services", "2024-04", date(2024, 4, 1), {"ja": "旧"})
NEW = TermsVersion("online-services", "2027-01", date(2027, 1, 1), {"ja": "新", "en": "new"})


def test_the_version_in_force_is_the_latest_that_took_effect():
    assert current_versions([OLD, NEW], date(2026, 12, 31))["online-services"] is OLD
    assert current_versions([OLD, NEW], date(2027, 1, 1))["online-services"] is NEW


def test_the_shipped_terms_are_the_offices_two_documents_with_japanese_and_english():
    versions = builtin_versions()
    assert {v.doc for v in versions} == {"online-services", "online-counseling"}
    for v in versions:
        assert set(v.texts) >= {"ja", "en"}
        assert "The Japanese text governs" in v.texts["en"]
    services = next(v for v in versions if v.doc == "online-services")
    assert "神戸地方裁判所" in services.texts["ja"] and "録音・録画・配信" in services.texts["ja"]


def test_consent_to_the_current_versions_is_recorded_with_their_digests():
    current = current_versions(builtin_versions(), date(2026, 12, 1))
    recorded = check_consent(consent(), "counseling", current)
    assert [r["doc"] for r in recorded] == ["online-services", "online-counseling"]


def test_consent_to_the_english_text_counts_too():
    current = current_versions(builtin_versions(), date(2026, 12, 1))
    c = {"terms": [{"doc": d, "version": v.version, "sha256": v.sha256("en")} for d, v in current.items()]}
    check_consent(c, "counseling", current)


def test_an_outdated_version_is_refused():
    current = {"online-services": NEW}
    with pytest.raises(TermsOutdated):
        check_consent({"terms": [{"doc": "online-services", "version": "2024-04", "sha256": OLD.sha256()}]}, "event", current)


def test_a_digest_of_other_text_is_refused():
    current = current_versions(builtin_versions(), date(2026, 12, 1))
    c = consent()
    c["terms"][0] = dict(c["terms"][0], sha256="0" * 64)
    with pytest.raises(TermsOutdated):
        check_consent(c, "counseling", current)


def test_no_consent_or_a_missing_document_is_refused():
    current = current_versions(builtin_versions(), date(2026, 12, 1))
    with pytest.raises(ConsentMissing):
        check_consent({}, "event", current)
    with pytest.raises(ConsentMissing):
        check_consent(consent(services=("online-services",)), "counseling", current)


def test_an_event_needs_only_the_online_services_terms():
    current = current_versions(builtin_versions(), date(2026, 12, 1))
    check_consent(consent(services=("online-services",)), "event", current)


def test_every_language_without_a_full_translation_has_a_summary_of_every_article():
    import re
    from kiosk.domain.requests import LANGUAGES
    from kiosk.terms import builtin_versions
    for version in builtin_versions():
        articles = len(re.findall(r"^第\s*[０-９0-9]+\s*条", version.texts["ja"], flags=re.M))
        assert articles == 12
        for lang in set(LANGUAGES) - set(version.texts):
            summary = version.summaries[lang]
            assert [a["number"] for a in summary["articles"]] == list(range(1, articles + 1)), (version.doc, lang)
            assert all(a["heading"].strip() and a["summary"].strip() for a in summary["articles"])
            assert summary["governs"].strip() and summary["title"].strip() and "needs native review" in summary["review"]


def test_a_consent_names_the_digest_of_what_was_shown_in_a_summary_language():
    from kiosk.domain.terms import sha256_text, shown_with_summary
    from kiosk.terms import builtin_versions
    version = builtin_versions()[0]
    shown = shown_with_summary(version.summaries["ko"], version.texts["ja"])
    assert version.sha256("ko") == sha256_text(shown) != version.sha256("ja")
    assert version.accepts(sha256_text(shown)) and not version.accepts(sha256_text(shown + " "))
