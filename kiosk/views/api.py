"""The JSON API, versioned under /api/v1 (a contract: extend, never rename)."""
import json
from datetime import date

from flask import Blueprint, g, jsonify, request

from ..domain.bookings import normalize_reference
from ..domain.calendar import tokyo
from ..domain.errors import InvalidRequest, N_
from ..domain.requests import LANGUAGES
from ..openapi import BOOKING_CREATE, BOOKING_LOOKUP, document
from ..schemas import Schema
from ..services import join as join_service
from ..services.availability import calendar_days, open_events
from ..services.bookings import booking_result, create_booking
from ..services.policy import terms_in_force
from ..slips import qr_svg
from ..terms import titles
from ..web import request_language
from . import context, limit, office, policy, store

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_DAYS = 62
MAX_RANGE_DAYS = 366
booking_schema = Schema(BOOKING_CREATE)
lookup_schema = Schema(BOOKING_LOOKUP)


def json_body(lenient: bool = False) -> dict:
    """The request's JSON object, or InvalidRequest (never a 500) for anything else.

    The reader (orjson) refuses lone surrogates, NaN and nesting past 1,024 levels. With
    `lenient` (a kiosk's sync, whose ops are judged one by one), JSON that only breaks Unicode is
    read anyway, so that one op with a lone surrogate is refused alone instead of blocking the
    kiosk's whole outbox; the per-op checks (domain/text.py) find it."""
    if not request.is_json:
        raise InvalidRequest(N_("Send the request as JSON (Content-Type: application/json)."))
    body = request.get_json(silent=True)
    if body is None and lenient:
        try:
            body = json.loads(request.get_data(cache=True), parse_constant=_no_constant)
        except (ValueError, RecursionError):
            body = None
    if not isinstance(body, dict):
        raise InvalidRequest(N_("The request body is not a valid JSON object."))
    return body


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


@bp.get("/calendar")
def calendar():
    now = office().now()
    try:
        first = date.fromisoformat(request.args["from"]) if "from" in request.args else tokyo(now).date()
        days = int(request.args.get("days", 7))
    except ValueError:
        raise InvalidRequest(N_("Use from=YYYY-MM-DD and days=1 to 62.")) from None
    today = tokyo(now).date()
    if not 1 <= days <= MAX_DAYS:
        raise InvalidRequest(N_("Use from=YYYY-MM-DD and days=1 to 62."))
    if abs((first - today).days) > MAX_RANGE_DAYS:
        raise InvalidRequest(N_("The calendar covers one year back and one year ahead."))
    return jsonify({"days": calendar_days(store(), policy(), first, days, now)})


@bp.get("/events")
def events():
    return jsonify({"events": open_events(store(), office().now())})


def terms_in_force_json(lang: str | None, summary_text: bool = True) -> list[dict]:
    """The versions in force, each in Japanese (governing) and `lang`, or every language when None.

    A language with a full translation (en) has `kind` "full"; another has "summary": the
    summary of each article and, as `text`, the full Japanese text shown below it (left out
    with `summary_text=False`: the Japanese entry has it, and a kiosk's state stays small).
    """
    with store().transaction():
        current = terms_in_force(store(), office().now())
    names = titles()
    result = []
    for doc, version in sorted(current.items()):
        for text_lang in version.digests:
            if lang and text_lang not in (lang, "ja"):
                continue
            entry = {
                "doc": doc, "version": version.version, "lang": text_lang,
                "title": names.get(doc, {}).get(text_lang) or names.get(doc, {}).get("ja", doc),
                "sha256": version.sha256(text_lang), "effective_from": version.effective_from.isoformat(),
                "governing": text_lang == "ja", "kind": "full", "text": version.texts.get(text_lang),
            }
            if text_lang not in version.texts:
                summary = version.summaries[text_lang]
                entry.update(kind="summary", title=summary["title"], text_lang="ja",
                             summary={"governs": summary["governs"], "articles": summary["articles"]})
                if summary_text:
                    entry["text"] = version.texts["ja"]
                else:
                    del entry["text"]
            result.append(entry)
    return result


@bp.get("/terms")
def terms():
    lang = request.args.get("lang")
    if lang is not None and lang not in LANGUAGES:
        raise InvalidRequest(N_("Unknown language."))
    return jsonify({"terms": terms_in_force_json(lang, request.args.get("summary_text") != "0")})


@bp.post("/bookings")
def bookings():
    limit("booking")
    body = json_body()
    if isinstance(body.get("language"), str) and body["language"] in LANGUAGES:
        g.lang = body["language"]
    booking_schema.check(body)
    ctx = context()
    booking, created = create_booking(store(), ctx, body, office().now())
    return jsonify({"booking": booking_result(booking, ctx)}), 201 if created else 200


@bp.post("/bookings/lookup")
def booking_lookup():
    """"My booking" at the kiosk or on a phone: the reference and the last 4 digits of the 求職番号
    (in the body, never in a URL). Limited per address and per reference (4 digits can be guessed)."""
    limit("cancel")
    body = json_body()
    if isinstance(body.get("language"), str) and body["language"] in LANGUAGES:
        g.lang = body["language"]
    lookup_schema.check(body)
    limit("cancel_booking", f"ref:{normalize_reference(body['reference'])}")
    booking = join_service.find_mine(store(), body["reference"], body["last4"])
    result = booking_result(booking, context())
    title = join_service.event_title(store(), booking, request_language())
    return jsonify({"booking": dict(result, slip_svg=qr_svg(result["join_url"]), end=booking.end.isoformat(),
                                    **({"event_title": title} if title else {}))})


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
