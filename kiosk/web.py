"""Per-app wiring the views share: the Madoguchi state, the locale choice, security headers."""
from dataclasses import dataclass, field
from typing import Callable

from flask import g, request

from .domain.requests import LANGUAGES
from .i18n import babel_locale

# Accept-Language tags a browser may send for a visitor language besides the code itself.
ALIASES = {"fil": "tl", "zh-CN": "zh-Hans", "zh-SG": "zh-Hans", "zh": "zh-Hans", "pt": "pt-BR"}


def request_language() -> str:
    """The visitor language of this request: the payload's or op's (g.lang), else the
    browser's Accept-Language, else Japanese."""
    lang = g.get("lang")
    if lang:
        return lang
    for tag, _ in request.accept_languages:
        tag = ALIASES.get(tag, tag)
        for code in LANGUAGES:
            if tag.lower() == code.lower() or tag.split("-")[0].lower() == code.split("-")[0].lower():
                return code
    return "ja"


def select_locale() -> str:
    """flask-babel's locale: the request's visitor language, as Babel names it."""
    return babel_locale(request_language())


CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"


@dataclass
class Madoguchi:
    """What every view needs: settings, the store, the signing secret and the clock."""

    settings: object
    store: object
    secret: str
    now: Callable
    limits: dict = field(default_factory=dict)
    challenges: object = None
    base_settings: object = None   # the environment's, before the console's rules (services/rules.py)
    last_sweep: tuple | None = None  # (when, how many marked) by the in-server no-show sweeper

    def __post_init__(self):
        self.base_settings = self.base_settings or self.settings
        from .ratelimit import RateLimiter
        from .services.staff import Challenges
        self.challenges = self.challenges or Challenges()
        self.limits.setdefault("signin", RateLimiter(limit=30, window=60))
        self.limits.setdefault("enroll", RateLimiter(limit=10, window=60))
        self.limits.setdefault("booking", RateLimiter(limit=self.settings.RATE_LIMIT_BOOKINGS_PER_MINUTE, window=60))
        self.limits.setdefault("cancel", RateLimiter(limit=self.settings.RATE_LIMIT_CANCELS_PER_MINUTE, window=60))


def install_headers(app) -> None:
    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "no-referrer"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h["X-Frame-Options"] = "DENY"
        if request.path.startswith(("/api/", "/staff")) or request.path == "/healthz":
            h["Cache-Control"] = "no-store"
        if request.is_secure:
            h["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
