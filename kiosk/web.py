"""Per-app wiring the views share: the Madoguchi state, the locale choice, security headers."""
from dataclasses import dataclass, field
from typing import Callable

from flask import g, request

# Locales flask-babel formats and translates the request in (Accept-Language). Messages in an
# explicit visitor language, やさしい日本語 included, come from kiosk/i18n.py.
CATALOG_LOCALES = ("ja", "en")
LANGUAGE_TO_LOCALE = {"ja": "ja", "ja-easy": "ja", "en": "en"}


def locale_for(language: str) -> str:
    """The gettext locale for a visitor language code (see LANGUAGES)."""
    return LANGUAGE_TO_LOCALE.get(language, "en")

CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"


@dataclass
class Madoguchi:
    """What every view needs: settings, the store, the signing secret and the clock."""

    settings: object
    store: object
    secret: str
    now: Callable
    limits: dict = field(default_factory=dict)

    def __post_init__(self):
        from .ratelimit import RateLimiter
        self.limits.setdefault("enroll", RateLimiter(limit=10, window=60))
        self.limits.setdefault("booking", RateLimiter(limit=self.settings.RATE_LIMIT_BOOKINGS_PER_MINUTE, window=60))
        self.limits.setdefault("cancel", RateLimiter(limit=self.settings.RATE_LIMIT_CANCELS_PER_MINUTE, window=60))


def select_locale() -> str:
    """The visitor's language (booking payload), else Accept-Language, else Japanese."""
    lang = g.get("lang")
    if lang:
        return locale_for(lang)
    return request.accept_languages.best_match(CATALOG_LOCALES) or "ja"


def install_headers(app) -> None:
    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "no-referrer"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h["X-Frame-Options"] = "DENY"
        if request.path.startswith("/api/") or request.path == "/healthz":
            h["Cache-Control"] = "no-store"
        if request.is_secure:
            h["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
