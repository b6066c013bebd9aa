"""Rendering a console page: its template under staff/, the page's language (Japanese or
English) and the staff strings."""
from flask import g, render_template, request

from ..i18n import page_translator
from ..staff_strings import STAFF_STRINGS

PAGES = ("today", "call", "week", "visitors", "kiosks", "team", "settings", "audit", "stats")
ADMIN_PAGES = ("kiosks", "audit")
SCRIPT_STRINGS = ("interpreter", "assistant", "svc_counseling", "svc_event", "checked_in", "st_confirmed", "st_attended",
                  "st_cancelled", "st_no_show", "mark_attended", "undo_attended", "more_actions", "cancel_booking",
                  "reschedule", "change_room", "note", "confirm_cancel", "move_for", "wd_0", "wd_1", "wd_2", "wd_3", "wd_4",
                  "day_closed", "no_free_times", "lifted", "no_restriction", "no_bookings_visitor", "choose_time_first", "not_found", "name_needed",
                  "wa_cancelled", "wa_invalid_state", "wa_security", "wa_aborted", "wa_offline", "wa_wrong_key", "wa_failed")


def language() -> str:
    asked = request.args.get("lang")
    return asked if asked in ("ja", "en") else (request.accept_languages.best_match(["ja", "en"]) or "ja")


def render(page: str, status: int = 200, **context):
    """The page `page` (staff/<page>.html), for the signed-in member if any."""
    lang = language()
    member = g.get("staff")
    nav = [p for p in PAGES if member and (member.role == "admin" or p not in ADMIN_PAGES)]
    s = page_translator(STAFF_STRINGS, lang, "staff")
    return render_template(f"staff/{page}.html", mode=page, lang=lang, s=s, member=member, nav=nav,
                           script_strings={key: s.plain(key) for key in SCRIPT_STRINGS}, **context), status
