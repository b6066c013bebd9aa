"""Messages in a visitor's language, by the visitor language codes of the API (see LANGUAGES).

flask-babel picks the locale from the request; this module answers for an explicit visitor
language (a booking's, an op's, a screen's), including やさしい日本語, whose catalog Babel
cannot name as a locale of its own (it lives in translations/ja_Hira).
"""
import re
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"

# Visitor language -> catalog folder; languages without a catalog yet read English.
CATALOGS = {"ja": "ja", "ja-easy": "ja_Hira", "en": "en"}


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


@lru_cache(maxsize=None)
def _translations(folder: str):
    found = Translations.load(str(TRANSLATIONS), [folder])
    return found if isinstance(found, Translations) else NullTranslations()


def translate(message: str, language: str | None, **params) -> str:
    """`message` (an English msgid) in `language`, its %(name)s or {name} placeholders filled."""
    text = _translations(catalog_for(language)).gettext(message)
    if not params:
        return text
    if "%(" in text:
        text = text % params
    return re.sub(r"\{(\w+)\}", lambda m: str(params.get(m.group(1), m.group(0))), text)


def clear_cache() -> None:
    """Forget loaded catalogs (after `pybabel compile` in a running process, e.g. tests)."""
    _translations.cache_clear()
