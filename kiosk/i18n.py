"""Messages in a visitor's language, by the visitor language codes of the API (see LANGUAGES).

flask-babel picks the locale from the request; this module answers for an explicit visitor
language (a booking's, an op's, a screen's), including やさしい日本語, whose catalog Babel
cannot name as a locale of its own (it lives in translations/ja_Hira).
"""
import re
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"

# Visitor language -> catalog folder (translations/FOLDER/LC_MESSAGES/messages.po).
CATALOGS = {"ja": "ja", "ja-easy": "ja_Hira", "en": "en", "zh-Hans": "zh_Hans", "ko": "ko", "pt-BR": "pt_BR",
            "es": "es", "vi": "vi", "tl": "tl", "ne": "ne", "id": "id", "th": "th"}
# やさしい日本語 writes furigana as <ruby>漢字<rt>かんじ</rt></ruby>, the only markup a catalog may hold.
RUBY = re.compile(r"<ruby>(.*?)<rt>(.*?)</rt></ruby>")


# Each visitor language by its own name, in the order the language pickers show them.
NATIVE_NAMES = (("ja", "日本語"), ("ja-easy", "やさしいにほんご"), ("en", "English"), ("zh-Hans", "中文"),
                ("ko", "한국어"), ("pt-BR", "Português"), ("es", "Español"), ("vi", "Tiếng Việt"),
                ("tl", "Tagalog"), ("ne", "नेपाली"), ("id", "Bahasa Indonesia"), ("th", "ไทย"))
# Babel's locale for formatting dates and times in a visitor language (Tagalog: Filipino's data).
BABEL_LOCALES = {"ja-easy": "ja", "zh-Hans": "zh_Hans", "pt-BR": "pt_BR", "tl": "fil"}


def html_lang(language: str) -> str:
    """The page's lang attribute: a BCP 47 tag (やさしい日本語 is Japanese)."""
    return "ja" if language == "ja-easy" else language


def babel_locale(language: str) -> str:
    return BABEL_LOCALES.get(language, language.replace("-", "_"))


def catalog_for(language: str | None) -> str:
    return CATALOGS.get(language or "", "en")


# The staff console and its messages: Japanese and English only (catalog domain "staff").
STAFF_CATALOGS = {"ja": "ja", "ja-easy": "ja"}


@lru_cache(maxsize=None)
def _translations(folder: str, domain: str = "messages"):
    found = Translations.load(str(TRANSLATIONS), [folder], domain=domain)
    return found if isinstance(found, Translations) else NullTranslations()


def plain(text: str) -> str:
    """Text for places without markup (JSON messages, calendar files): 漢字（かんじ）."""
    return RUBY.sub(lambda m: f"{m.group(1)}（{m.group(2)}）", text)


def as_markup(text: str) -> Markup:
    """HTML with everything escaped except the catalog's ruby and rt tags."""
    return Markup(re.sub(r"&lt;(/?)(ruby|rt)&gt;", r"<\1\2>", str(escape(text))))


def translate(message: str, language: str | None, domain: str = "messages", **params) -> str:
    """`message` in `language` as plain text (API messages, calendar files, page titles)."""
    return plain(translate_raw(message, language, domain, **params))


def translate_markup(message: str, language: str | None, domain: str = "messages", **params) -> Markup:
    """`message` in `language` for an HTML page: furigana as real ruby."""
    return as_markup(translate_raw(message, language, domain, **params))


def page_translator(table: dict, language: str, domain: str = "messages"):
    """For a template: t(key) gives HTML (furigana as ruby), t.plain(key) plain text (titles,
    attributes); `table` maps a page's keys to msgids (STRINGS, STAFF_STRINGS)."""
    def t(key, **params):
        return translate_markup(table[key], language, domain, **params)
    t.plain = lambda key, **params: translate(table[key], language, domain, **params)
    return t


def translate_raw(message: str, language: str | None, domain: str = "messages", **params) -> str:
    """`message` (an English msgid) in `language`, its %(name)s or {name} placeholders filled;
    ruby tags kept as the catalog has them (the PWA renders them)."""
    folder = catalog_for(language) if domain == "messages" else STAFF_CATALOGS.get(language or "", "en")
    text = _translations(folder, domain).gettext(message)
    if not params:
        return text
    if "%(" in text:
        text = text % params
    return re.sub(r"\{(\w+)\}", lambda m: str(params.get(m.group(1), m.group(0))), text)


def clear_cache() -> None:
    """Forget loaded catalogs (after `pybabel compile` in a running process, e.g. tests)."""
    _translations.cache_clear()


def date_patterns(language: str) -> dict:
    """Babel's (CLDR) date patterns and names for a language, for browsers whose Intl lacks it
    (Chromium has no Nepali): the PWA formats dates with these, as format_date would."""
    from babel import Locale
    from babel.dates import get_date_format, get_day_names, get_month_names
    locale = Locale.parse(babel_locale(language))
    day = locale.datetime_skeletons.get("MEd")
    return {
        "full": get_date_format("full", locale=locale).pattern,
        "day": day.pattern if day else "M/d E",
        "months": [get_month_names("wide", locale=locale)[m] for m in range(1, 13)],
        "days": [get_day_names("wide", locale=locale)[d] for d in range(7)],          # Monday first
        "days_short": [get_day_names("abbreviated", locale=locale)[d] for d in range(7)],
    }
