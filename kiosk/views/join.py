"""The join page behind the slip's QR (D4, D6): status, time, room ID, the meeting link, the
checklist, a countdown; check-in, cancel and the calendar file. Nothing on it is personal."""
from datetime import datetime

from babel.dates import format_date, format_time
from flask import Blueprint, Response, abort, g, jsonify, redirect, render_template, request, url_for

from ..domain.calendar import tokyo
from ..domain.errors import DomainError
from ..domain.requests import LANGUAGES
from ..i18n import NATIVE_NAMES, babel_locale, html_lang, page_translator, translate, translate_raw
from ..openapi import document
from ..schemas import Schema
from ..services import join as join_service
from ..tokens import read_join_token
from ..ui_strings import STRINGS
from ..storage.errors import OfficeUnknown
from ..web import office_endpoint
from . import base_url, limit, office, store, use_office
from .api import json_body

bp = Blueprint("join", __name__)
bp.add_app_template_global(html_lang)

cancel_schema = Schema(document()["paths"]["/api/v1/join/{token}/cancel"]["post"]["requestBody"]["content"]["application/json"]["schema"])
SCRIPT_STRINGS = ("join_updated", "join_offline", "join_started", "join_copied", "join_offline_action")


def meeting_link(app: str | None, room_id: str | None) -> str | None:
    """A link that opens the meeting app: Zoom's web join URL from the meeting ID."""
    digits = "".join(ch for ch in (room_id or "") if ch.isdigit())
    if app == "zoom" and digits:
        return f"https://zoom.us/j/{digits}"
    return None


def _language(default: str | None) -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    return default or request.accept_languages.best_match(list(LANGUAGES)) or "ja"


def _when(start: datetime, end: datetime | None, locale: str) -> tuple[str, str]:
    """(date with weekday, time span) in the language's own format, on Tokyo's clock."""
    start = tokyo(start)
    span = format_time(start, "HH:mm", locale=locale)
    if end is not None:
        span += f"–{format_time(tokyo(end), 'HH:mm', locale=locale)}"
    return format_date(start.date(), format="full", locale=locale), span


def _claims(token: str) -> dict:
    """The token's claims; the request is about the token's office from here on (a token of
    another office than the URL names is no link of this one)."""
    claims = join_service.claims_of(office().secret, token)
    named = join_service.token_office(claims) or office().backend.default_slug
    if g.get("url_office") and g.url_office != named:
        raise join_service.LinkInvalid()
    use_office(named)
    try:
        store()
    except OfficeUnknown:
        raise join_service.LinkInvalid() from None
    return claims



@bp.get("/j/<token>")
def join(token):
    try:
        claims = _claims(token)
    except join_service.LinkInvalid:
        lang = _language(None)
        return render_template("join_error.html", lang=lang, t=page_translator(STRINGS, lang)), 404
    booking = join_service.booking_for(store(), claims)
    lang = _language(booking.language if booking else None)
    locale = babel_locale(lang)
    start = booking.start if booking else datetime.fromisoformat(claims["s"])
    end = booking.end if booking else None
    date_text, time_text = _when(start, end, locale)
    previous = booking.rescheduled_from if booking else None
    room_id = booking.room_id if booking else claims["r"]
    app = booking.meeting_app if booking else None
    view = {
        "status": booking.status if booking else "registering",
        "service": booking.service if booking else "counseling",
        "date": date_text, "time": time_text, "start": start.isoformat(), "end": end.isoformat() if end else "",
        "previous": " ".join(_when(previous, previous + (end - start), locale)) if previous else None,
        "room_id": room_id, "meeting_app": app, "link": meeting_link(app, room_id),
        "updated": office().now().isoformat(),
        "reference": booking.reference if booking else None,
        "phone": store().office.phone or None,
        "title": join_service.event_title(store(), booking, lang),
    }
    t = page_translator(STRINGS, lang)
    script_data = {"lang": lang, "token": token, "strings": {key: translate_raw(STRINGS[key], lang) for key in SCRIPT_STRINGS}}
    return render_template("join.html", lang=lang, view=view, language_names=NATIVE_NAMES, token=token,
                           messages=MESSAGES, message=request.args.get("m"), fresh=request.args.get("new") == "1",
                           checkin_open=booking is not None and office().now() >= booking.start - join_service.CHECKIN_OPENS,
                           script_data=script_data, t=t)


# Plain forms, so the page works without scripts; each answers with the page again.
MESSAGES = {"too_early": "join_too_early", "wrong_digits": "join_wrong_digits", "checked_in": "join_checked_in",
            "cancelled": "join_cancelled", "not_registered_yet": "status_registering", "invalid_transition": "join_cannot_change",
            "rate_limited": "join_rate_limited", "too_many_tries": "join_too_many_tries"}


def _back(token, code):
    lang = request.form.get("lang") if request.form.get("lang") in LANGUAGES else None
    return redirect(url_for(office_endpoint("join.join"), token=token, m=code, **({"lang": lang} if lang else {})), code=303)


@bp.post("/j/<token>/checkin")
def join_checkin_form(token):
    try:
        join_service.check_in(store(), _claims(token), office().now())
    except DomainError as err:
        return _back(token, err.code)
    return _back(token, "checked_in")


@bp.post("/j/<token>/cancel")
def join_cancel_form(token):
    try:
        claims = _claims(token)
        limit("cancel")
        limit("cancel_booking", claims["b"])
        join_service.cancel(store(), claims, request.form.get("last4", ""), office().now())
    except DomainError as err:
        return _back(token, err.code)
    return _back(token, "cancelled")


# -- the join page's actions (JSON) and calendar file ------------------------------------

def _status(claims, booking) -> dict:
    """The booking as its page shows it, from the token alone while it is not registered yet."""
    if booking is None:
        return {"status": "registering", "start": claims["s"], "room_id": claims["r"]}
    return {"status": booking.status, "service": booking.service, "start": booking.start.isoformat(),
            "end": booking.end.isoformat(), "room_id": booking.room_id, "meeting_app": booking.meeting_app,
            "checked_in": booking.checked_in_at is not None, "language": booking.language,
            "rescheduled_from": booking.rescheduled_from.isoformat() if booking.rescheduled_from else None,
            "meeting_link": meeting_link(booking.meeting_app, booking.room_id)}


@bp.get("/api/v1/join/<token>")
def join_status(token):
    claims = _claims(token)
    booking = join_service.booking_for(store(), claims)
    return jsonify({"booking": _status(claims, booking), "server_time": office().now().isoformat()})


@bp.post("/api/v1/join/<token>/checkin")
def join_checkin(token):
    booking = join_service.check_in(store(), _claims(token), office().now())
    return jsonify({"booking": _status(None, booking)})


@bp.post("/api/v1/join/<token>/cancel")
def join_cancel(token):
    claims = _claims(token)
    limit("cancel")
    body = json_body()
    if isinstance(body.get("language"), str) and body["language"] in LANGUAGES:
        g.lang = body["language"]                # the page's language, which Accept-Language may not carry
    cancel_schema.check(body)
    limit("cancel_booking", claims["b"])     # per booking too: guessing 4 digits from many addresses
    booking = join_service.cancel(store(), claims, body["last4"], office().now())
    return jsonify({"booking": _status(None, booking)})


@bp.get("/j/<token>/calendar.ics")
def join_calendar(token):
    claims = _claims(token)
    booking = join_service.booking_for(store(), claims)
    if booking is None:
        abort(404)
    what = join_service.event_title(store(), booking, booking.language) or translate(STRINGS["service_" + booking.service], booking.language)
    title = f"{what} ({store().office.name})"           # a calendar holds other offices' appointments too
    page = f"{base_url().rstrip('/')}/j/{token}"
    content = join_service.ics(booking.booking_id, tokyo(booking.start), tokyo(booking.end), booking.room_id,
                               booking.meeting_app, title, page, office().now())
    return Response(content, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="madoguchi.ics"'})
