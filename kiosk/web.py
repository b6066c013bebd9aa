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

# name -> (calls, per seconds): per client address unless the view keys it otherwise
LIMITS = {"signin": (30, 60), "enroll": (10, 60), "cancel_booking": (5, 3600)}


@dataclass
class Madoguchi:
    """What every view needs: settings, the storage backend, the signing secret and the clock."""

    settings: object
    backend: object
    secret: str
    now: Callable
    last_sweep: tuple | None = None  # (when, how many marked) by the in-server no-show sweeper
    limits: dict = field(default_factory=dict)

    def __post_init__(self):
        self.limits = {**LIMITS, "booking": (self.settings.RATE_LIMIT_BOOKINGS_PER_MINUTE, 60),
                       "cancel": (self.settings.RATE_LIMIT_CANCELS_PER_MINUTE, 60), **self.limits}

    @property
    def store(self):
        """The default office's store (the CLI's and single-office code's)."""
        return self.backend.office()

    def allowed(self, name: str, key: str) -> bool:
        """Count a call against limit `name` for `key`; False once the limit is reached (0 = off)."""
        limit, window = self.limits[name]
        if limit <= 0:
            return True
        return self.backend.rate_counter().hit(f"{name}:{key}", limit, window, self.now())


def install_headers(app) -> None:
    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "no-referrer"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h["X-Frame-Options"] = "DENY"
        if request.path.startswith(("/api/", "/staff", "/o/")) or request.path == "/healthz" \
                or request.path.endswith(".ics"):
            h.setdefault("Cache-Control", "no-store")
        if request.is_secure:
            h["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
