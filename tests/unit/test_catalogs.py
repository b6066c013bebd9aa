"""The catalogs are complete and the PWA asks only for strings that exist."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.domain.requests import LANGUAGES
from kiosk.i18n import CATALOGS as BY_LANGUAGE
from kiosk.ui_strings import STRINGS

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(BY_LANGUAGE.values())
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")
RUBY = re.compile(r"<ruby>([^<>]+)<rt>([^<>]+)</rt></ruby>")


def test_every_visitor_language_has_its_own_catalog():
    assert set(BY_LANGUAGE) == set(LANGUAGES) and len(set(BY_LANGUAGE.values())) == len(LANGUAGES)
    for folder in CATALOGS:
        assert (ROOT / "translations" / folder / "LC_MESSAGES" / "messages.po").exists(), folder


@pytest.mark.parametrize("lang", CATALOGS)
def test_each_catalog_names_its_review_status(lang):
    catalog = read_po(open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb"))
    assert "needs native review" in catalog.last_translator or "reviewed by" in catalog.last_translator.lower()


@pytest.mark.parametrize("lang", CATALOGS)
def test_only_well_formed_furigana_is_markup_in_a_catalog(lang):
    for message in read_po(open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb")):
        if message.id:
            assert "<" not in RUBY.sub("", message.string), f"{lang}: markup in {message.string!r}"


def test_compiling_the_catalogs_gives_no_warnings(tmp_path):
    import shutil
    import subprocess
    import sys
    shutil.copytree(ROOT / "translations", tmp_path / "t")
    out = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(tmp_path / "t"),
                          "--statistics"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "warning" not in (out.stdout + out.stderr).lower(), out.stdout + out.stderr
    assert out.stderr.count("(100%)") == len(CATALOGS), out.stderr


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


def test_easy_japanese_furigana_is_ruby_on_pages_and_plain_in_messages():
    from kiosk.i18n import translate, translate_markup
    assert "<ruby>" in translate_markup("Accept and continue", "ja-easy")
    assert "<" not in translate("Accept and continue", "ja-easy") and "（" in translate("Accept and continue", "ja-easy")


def test_server_side_strings_fill_both_placeholder_styles():
    from kiosk.i18n import translate
    assert translate("Meeting app: {app}", "en", app="Zoom") == "Meeting app: Zoom"
    assert "7" in translate("That day is too far ahead. Please choose a day within the next %(days)s days.", "ja", days=7)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_staff_catalogs_are_complete_in_japanese_and_english(lang):
    from kiosk.staff_strings import STAFF_STRINGS
    catalog = read_po(open(ROOT / "translations" / lang / "LC_MESSAGES" / "staff.po", "rb"))
    ids = {m.id for m in catalog if m.id}
    assert set(STAFF_STRINGS.values()) <= ids
    for message in catalog:
        if message.id:
            assert message.string and not message.fuzzy, f"{lang}: {message.id!r}"
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string))


def test_the_staff_pages_use_only_known_staff_string_keys():
    from kiosk.staff_strings import STAFF_STRINGS
    from kiosk.staff.pages import SCRIPT_STRINGS
    used = set(SCRIPT_STRINGS)
    for path in [*sorted((ROOT / "pwa" / "templates" / "staff").glob("*.html")), ROOT / "pwa" / "templates" / "kiosk.html"]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bs(?:t|\.plain)?\(["']([a-z_0-9]+)["']""", text))
    from kiosk.domain.bookings import STATES
    from kiosk.domain.calendar import CUTOFF_POLICIES
    from kiosk.domain.events import EVENT_KINDS
    from kiosk.services.staff import ROLES
    from kiosk.staff.pages import PAGES
    families = {"nav_": PAGES, "st_": STATES, "role_": ROLES, "kind_": EVENT_KINDS, "wd_": range(5),   # s("st_" + b.status) ...
                "closed_": ("weekend", "holiday", "year_end", "closure"), "cutoff_": CUTOFF_POLICIES}
    prefixes = {key for key in used if key.endswith("_")}
    used = (used - prefixes) | {f"{p}{v}" for p, values in families.items() for v in values}
    assert prefixes == set(families) and used <= set(STAFF_STRINGS), sorted(used - set(STAFF_STRINGS))


def _marked(config: str, keywords: dict) -> set:
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    with open(ROOT / config) as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = extract_from_dir(str(ROOT / "kiosk"), [(p.replace("kiosk/", "", 1), m) for p, m in method_map
                                                    if p.startswith("kiosk/")], options_map, keywords=keywords)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def test_every_message_marked_in_the_code_is_in_every_visitor_catalog():
    marked = _marked("babel.cfg", {"N_": None})
    for lang in CATALOGS:
        ids = {m.id for m in read_po(open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb"))}
        assert marked <= ids, f"{lang}: run `flask --app app translate update` and translate {sorted(marked - ids)}"


def test_every_staff_message_marked_in_the_code_is_in_the_staff_catalogs():
    marked = _marked("babel-staff.cfg", {"S_": None})
    for lang in ("ja", "en"):
        ids = {m.id for m in read_po(open(ROOT / "translations" / lang / "LC_MESSAGES" / "staff.po", "rb"))}
        assert marked <= ids, f"{lang}: untranslated staff messages {sorted(marked - ids)}"
