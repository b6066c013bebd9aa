"""The audit page's view model: who (a name, never `staff:<hex>`), what (a label for every action
code the code writes), readable details (labelled, Tokyo time, never a name or 求職番号), and the
filters by day, staff and action. Pure: entries, people and a language in, rows out."""
import re
from dataclasses import dataclass
from datetime import date, datetime

from ..domain.calendar import tokyo
from ..domain.errors import S_
from ..i18n import translate

ACTIONS = {
    "booking.create": S_("Booking made"),
    "booking.cancel": S_("Booking cancelled"),
    "booking.checkin": S_("Visitor checked in"),
    "booking.reschedule": S_("Booking moved"),
    "booking.room": S_("Room changed"),
    "booking.attended": S_("Marked as attended"),
    "booking.attended_undone": S_("Attended undone"),
    "booking.note": S_("Note saved"),
    "booking.no_show": S_("Marked as no-show"),
    "lease.grant": S_("Units lent to a kiosk"),
    "lease.release": S_("Units given back by a kiosk"),
    "kiosk.enroll": S_("Kiosk enrollment code made"),
    "kiosk.enrolled": S_("Kiosk enrolled"),
    "kiosk.revoke": S_("Kiosk revoked"),
    "kiosk.reset_requested": S_("Kiosk reset requested"),
    "kiosk.reset_done": S_("Kiosk reset done"),
    "dead_letter.resolved": S_("Refused booking dealt with"),
    "office.add": S_("Office added"),
    "rules.change": S_("Booking rules changed"),
    "room.add": S_("Room added"),
    "room.enable": S_("Room enabled"),
    "room.disable": S_("Room disabled"),
    "closure.add": S_("Closed day added"),
    "closure.remove": S_("Closed day removed"),
    "event.add": S_("Event added"),
    "event.cancel": S_("Event cancelled"),
    "terms.publish": S_("Terms published"),
    "visitor.restrict": S_("Visitor restricted"),
    "visitor.lift": S_("Restriction lifted"),
    "demo.clear": S_("Demo data cleared"),
    "staff.setup_link": S_("First sign-up link made"),
    "staff.recover_link": S_("Recovery link made"),
    "staff.invite": S_("Staff member invited"),
    "staff.key_added": S_("Security key registered"),
    "staff.key_revoked": S_("Security key revoked"),
    "staff.signed_in": S_("Signed in"),
    "staff.sign_in_refused": S_("Sign-in refused"),
    "staff.enabled": S_("Staff account enabled"),
    "staff.disabled": S_("Staff account disabled"),
    "retention.purge": S_("Old personal data purged"),
}

DETAILS = {
    "booking_id": S_("Booking"), "status": S_("Status"), "service": S_("Service"), "start": S_("Start"),
    "channel": S_("Booked at"), "lease": S_("Lent unit"), "arrived_late": S_("Arrived late"), "kiosk": S_("Kiosk"),
    "units": S_("Units"), "leases_released": S_("Units given back"), "op_id": S_("Operation"), "office": S_("Office"),
    "room": S_("Room"), "app": S_("Meeting app"), "meeting_id": S_("Meeting ID"), "day": S_("Day"), "note": S_("Note"),
    "event": S_("Event"), "kind": S_("Kind"), "doc": S_("Document"), "version": S_("Version"),
    "effective_from": S_("In force from"), "sha256": S_("Text fingerprint"), "visitor": S_("Visitor (pseudonym)"),
    "restriction": S_("Restriction"), "until": S_("Until"), "reason": S_("Reason"), "lifted": S_("Lifted"),
    "rooms": S_("Rooms"), "events": S_("Events"), "staff": S_("Staff member"), "key": S_("Key"), "role": S_("Role"),
    "dead_letters": S_("Refused bookings"), "bookings": S_("Bookings"), "before": S_("Before"),
    "cutoff_policy": S_("Booking closes"), "booking_horizon_days": S_("Days ahead that can be booked"),
    "no_show_grace_minutes": S_("Minutes after the start before a no-show"),
    "strike_threshold": S_("No-shows before an automatic restriction (0: off)"),
    "max_future_bookings": S_("Future counseling bookings per job seeker number"),
    "lease_units_per_day": S_("Units each kiosk holds per day for offline bookings"),
    "lease_days": S_("Days each kiosk holds units for"), "retention_days": S_("Days before personal data is purged"),
}
VALUES = {
    "status": {"confirmed": S_("confirmed"), "attended": S_("attended"), "cancelled": S_("cancelled"),
               "no_show": S_("no-show")},
    "service": {"counseling": S_("Counseling"), "event": S_("Event")},
    "channel": {"kiosk": S_("Kiosk"), "phone": S_("Phone"), "staff": S_("By staff (phone call)")},
    "role": {"staff": S_("Staff"), "admin": S_("Administrator")},
}
PERSONAL = {"name", "visitor_name", "jobseeker_no", "phone", "email"}   # never shown, whatever the action
JOBSEEKER_NO = re.compile(r"\d{5}-?\d{4,8}")
SHORT_IDS = {"booking_id", "op_id", "lease", "restriction", "event", "key", "visitor"}
SYSTEM_ACTORS = {"system", "sweeper", "retention"}
YES, NO, SYSTEM = S_("yes"), S_("no"), S_("System")
VISITOR, KIOSK, COMMAND_LINE, UNKNOWN = S_("Visitor"), S_("Kiosk"), S_("Command line"), S_("unknown")
LIMIT = 200


class BadFilter(ValueError):
    """A filter value that is not a day, a staff member or an action code (its message is a msgid)."""


@dataclass(frozen=True)
class Filters:
    day: date | None = None
    staff: str | None = None
    action: str | None = None


@dataclass(frozen=True)
class Row:
    n: int
    time: str
    who: str
    action: str
    label: str
    details: tuple               # (label, value) pairs


def parse_filters(args, staff_ids) -> Filters:
    """The GET query's filters; BadFilter for a value that is not one we offer."""
    day_text, staff, action = (str(args.get(k, "")).strip() for k in ("day", "staff", "action"))
    day = None
    if day_text:
        try:
            day = date.fromisoformat(day_text) if len(day_text) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise BadFilter(S_("That day is not a date (YYYY-MM-DD)."))
    if staff and staff not in staff_ids:
        raise BadFilter(S_("There is no such staff member."))
    if action and action not in ACTIONS:
        raise BadFilter(S_("There is no such action."))
    return Filters(day, staff or None, action or None)


def who(actor: str, staff_names: dict, kiosk_names: dict, lang: str) -> str:
    """A person's or a kiosk's name for an audit actor ("staff:<id>", "kiosk:<id>", a kiosk id…)."""
    kind, _, ident = actor.partition(":")
    if kind == "staff":
        return staff_names.get(ident) or translate(UNKNOWN, lang, "staff")
    if kind == "kiosk" and ident:
        return kiosk_names.get(ident) or translate(KIOSK, lang, "staff")
    if actor in kiosk_names:
        return kiosk_names[actor]
    if actor == "kiosk":
        return translate(KIOSK, lang, "staff")
    if actor in ("visitor", "phone"):
        return translate(VISITOR, lang, "staff")
    if kind == "cli":
        return translate(COMMAND_LINE, lang, "staff")
    return translate(SYSTEM, lang, "staff")


def _moment(text: str, with_time: bool = True) -> str | None:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d")
    return tokyo(moment).strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def detail_value(key: str, value, staff_names: dict, kiosk_names: dict, lang: str) -> str:
    if isinstance(value, bool):
        return translate(YES if value else NO, lang, "staff")
    if key in VALUES and value in VALUES[key]:
        return translate(VALUES[key][value], lang, "staff")
    if key == "staff":
        return staff_names.get(str(value)) or translate(UNKNOWN, lang, "staff")
    if key == "kiosk":
        return kiosk_names.get(str(value)) or translate(KIOSK, lang, "staff")
    text = str(value)
    if key in ("start", "before", "until", "effective_from", "day") and _moment(text):
        return _moment(text)
    if key in SHORT_IDS or key == "sha256":
        return text[:8]
    return JOBSEEKER_NO.sub("*****-****", text)


def details(raw: dict, staff_names: dict, kiosk_names: dict, lang: str) -> tuple:
    """Labelled details in the language, personal ones left out."""
    found = []
    for key, value in (raw or {}).items():
        if key in PERSONAL or value is None or value == "":
            continue
        label = translate(DETAILS[key], lang, "staff") if key in DETAILS else key.replace("_", " ")
        found.append((label, detail_value(key, value, staff_names, kiosk_names, lang)))
    return tuple(found)


def action_label(code: str, lang: str) -> str:
    return translate(ACTIONS[code], lang, "staff") if code in ACTIONS else code


def matches(entry: dict, filters: Filters) -> bool:
    if filters.action and entry.get("action") != filters.action:
        return False
    if filters.staff and entry.get("actor") != f"staff:{filters.staff}":
        return False
    if filters.day:
        at = _moment(entry.get("at", ""), with_time=False)
        return at == filters.day.isoformat()
    return True


def rows(entries, filters: Filters, staff_names: dict, kiosk_names: dict, lang: str, limit: int = LIMIT) -> list[Row]:
    """The newest `limit` entries that pass the filters, as the page shows them."""
    found = []
    for e in entries:
        if not matches(e, filters):
            continue
        found.append(Row(e.get("n", 0), _moment(e.get("at", "")) or "", who(e.get("actor", ""), staff_names, kiosk_names, lang),
                         e.get("action", ""), action_label(e.get("action", ""), lang),
                         details(e.get("details"), staff_names, kiosk_names, lang)))
        if len(found) >= limit:
            break
    return found


def action_choices(lang: str) -> list[tuple]:
    """(code, label) by label, for the filter."""
    return sorted(((code, action_label(code, lang)) for code in ACTIONS), key=lambda c: c[1])
