"""The catalogs are complete and the PWA asks only for strings that exist."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.ui_strings import STRINGS

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ["ja", "ja_Hira", "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


@pytest.mark.parametrize("lang", CATALOGS)
def test_every_message_is_translated_with_the_same_placeholders(lang):
    catalog = read_po(open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb"))
    for message in catalog:
        if not message.id:
            continue
        assert message.string, f"{lang}: untranslated {message.id!r}"
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), \
            f"{lang}: placeholders differ in {message.id!r}"
        assert not message.fuzzy, f"{lang}: fuzzy {message.id!r}"


def test_the_catalogs_hold_every_ui_string():
    ids = {m.id for m in read_po(open(ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po", "rb"))}
    assert set(STRINGS.values()) <= ids


def test_the_pwa_uses_only_known_string_keys():
    used = set()
    for path in (ROOT / "pwa").rglob("*"):
        if path.suffix in (".html", ".js"):
            text = path.read_text(encoding="utf-8")
            used |= set(re.findall(r'data-t(?:-label|-alt)?="([a-z_0-9]+)"', text))
            used |= set(re.findall(r'\bt(?:Ja)?\("([a-z_0-9]+)"\s*[,)]', text))
            used |= set(re.findall(r'twice\("([a-z_0-9]+)"', text))
    assert used and used <= set(STRINGS), sorted(used - set(STRINGS))


def test_every_booking_status_and_service_has_a_string():
    from kiosk.domain.bookings import SERVICES, STATES
    assert {f"status_{s}" for s in STATES + ("registering",)} | {f"service_{s}" for s in SERVICES} <= set(STRINGS)


def test_server_side_strings_fill_both_placeholder_styles():
    from kiosk.i18n import translate
    assert translate("Meeting app: {app}", "en", app="Zoom") == "Meeting app: Zoom"
    assert "7" in translate("That day is too far ahead. Please choose a day within the next %(days)s days.", "ja", days=7)
