"""Per-app wiring the views share: the Madoguchi state, the locale choice, security headers."""
from dataclasses import dataclass, field
from typing import Callable

import orjson
from flask import g, request
from flask.json.provider import JSONProvider

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
        tag = ALIASES.get(tag, tag).lower()
        exact = next((code for code in LANGUAGES if tag == code.lower()), None)    # ja-easy before ja
        if exact:
            return exact
        for code in LANGUAGES:
            if tag.split("-")[0] == code.split("-")[0].lower():
                return code
    return "ja"


def select_locale() -> str:
    """flask-babel's locale: the request's visitor language, as Babel names it."""
    return babel_locale(request_language())


class FastJSON(JSONProvider):
    """Flask's JSON through orjson: UTF-8 as it is, keys in the order given; and a strict reader,
    which refuses what JSON does not allow (lone surrogates, NaN, numbers past 64 bits) and
    nesting deeper than 1,024, before any of it reaches a view."""

    def dumps(self, obj, **kwargs) -> str:
        return orjson.dumps(obj, default=_default).decode()

    def loads(self, s, **kwargs):
        return orjson.loads(s)

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(orjson.dumps(obj, default=_default), mimetype="application/json")


def _default(obj):
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    raise TypeError(f"not JSON: {type(obj).__name__}")


CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

# name -> (calls, per seconds): per client address unless the view keys it otherwise
LIMITS = {"signin": (30, 60), "cancel_booking": (5, 3600)}


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
                       "cancel": (self.settings.RATE_LIMIT_CANCELS_PER_MINUTE, 60),
                       "enroll": (self.settings.RATE_LIMIT_ENROLLMENTS_PER_MINUTE, 60), **self.limits}

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


STATIC_HEADERS = [("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                  ("Referrer-Policy", "no-referrer"), ("Cross-Origin-Opener-Policy", "same-origin"),
                  ("X-Frame-Options", "DENY")]
PRIVATE = ("/api/", "/staff", "/o/")


class SecurityHeaders:
    """WSGI middleware: the security headers on every response (security.md), added as the
    response starts; API, staff and calendar answers are never cached; HSTS when the request came
    over HTTPS (directly, or through a trusted proxy)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        secure = environ.get("wsgi.url_scheme") == "https"

        def start(status, headers, exc_info=None):
            names = {name.lower() for name, _ in headers}
            headers.extend(h for h in STATIC_HEADERS if h[0].lower() not in names)
            if (path.startswith(PRIVATE) or path == "/healthz" or path.endswith(".ics")) and "cache-control" not in names:
                headers.append(("Cache-Control", "no-store"))
            if secure:
                headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def install_headers(app) -> None:
    app.wsgi_app = SecurityHeaders(app.wsgi_app)


def install_offices(app) -> None:
    """`/o/<slug>/...` serves that office: the slug leaves the view's arguments for `g.office_slug`,
    URLs built while serving it keep it, and pages learn their base (`office_base`) for their scripts."""
    from flask import g

    @app.url_value_preprocessor
    def office_from_url(endpoint, values):
        if values and "office" in values:
            g.office_slug = g.url_office = values.pop("office")

    @app.url_defaults
    def office_in_urls(endpoint, values):
        if endpoint.startswith("o_") and "office" not in values and g.get("url_office"):
            values["office"] = g.url_office

    @app.context_processor
    def office_base():
        slug = g.get("url_office")
        return {"office_base": f"/o/{slug}" if slug else ""}


def office_endpoint(endpoint: str) -> str:
    """The endpoint for this request's URL: `o_pwa.kiosk` under /o/<slug>/, else `pwa.kiosk`."""
    return f"o_{endpoint}" if g.get("url_office") else endpoint
