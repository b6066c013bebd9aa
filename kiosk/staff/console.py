"""The console service: each page's facts read in one transaction and handed to its view as a
view model (frozen dataclasses), so that a view makes one call and a template only shows."""
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from ..domain.bookings import ATTENDED, CONFIRMED, NO_SHOW
from ..domain.calendar import tokyo
from ..domain.errors import DomainError
from ..i18n import NATIVE_NAMES, translate

LANGUAGE_NAMES = dict(NATIVE_NAMES)
from ..services import rules as rules_service
from . import audit_view
from ..services.policy import all_terms_versions, office_calendar
from ..services.week import week_units

CLOCK_WARNING_SECONDS = 60     # a kiosk this far off prints wrong times on its slips


@dataclass(frozen=True)
class TodayRow:
    """One booking of the day list, and what staff may do with it now (the server checks again)."""

    booking_id: str
    start: str
    time: str
    room: str | None
    room_id: str | None
    name: str | None
    jobseeker_no: str | None
    reference: str | None
    service: str
    language: str
    language_name: str
    interpreter: str | None      # the interpreter's language, "?" when asked for without one
    assistant: bool
    status: str
    ready: bool                  # checked in on the phone: the counselor can call now
    note: str | None
    actions: tuple = ()

    def as_json(self) -> dict:
        """For the page's poll: no 求職番号 (the screen does not show it; the printed list does)."""
        found = asdict(self)
        found.pop("jobseeker_no")
        found["actions"] = list(self.actions)
        return found


def _actions(b) -> tuple:
    """The moves Booking allows from its state (domain/bookings.py); the server refuses the rest."""
    found = []
    if b.status in (CONFIRMED, NO_SHOW):
        found.append("attended")
    if b.status == ATTENDED:
        found.append("unattended")
    if b.status == CONFIRMED:
        found.append("cancel")
        if b.service == "counseling":
            found += ["reschedule", "room"]
    found.append("note")
    return tuple(found)


def _row(b) -> TodayRow:
    interpreter = (b.interpreter_language or "?") if b.needs_interpreter else None
    return TodayRow(b.booking_id, b.start.isoformat(), tokyo(b.start).strftime("%H:%M"), b.room, b.room_id, b.name,
                    b.jobseeker_no, b.reference, b.service, b.language, LANGUAGE_NAMES.get(b.language, b.language),
                    interpreter, b.needs_assistant, b.status, b.status == CONFIRMED and b.checked_in_at is not None,
                    b.note, _actions(b))


def day_rows(store, day: date) -> list[TodayRow]:
    """The day's bookings by time, then room."""
    return [_row(b) for b in sorted(store.bookings_on(day), key=lambda b: (b.start, b.room_id or ""))]


@dataclass(frozen=True)
class TodayView:
    day: date
    rows: list
    keys: int                    # the member's usable keys: the console asks for a second one
    refused: list                # dead letters nobody told the visitor of
    rooms: list                  # active rooms, for "another room"
    last_sweep: tuple | None
    grace: int

    def rows_json(self) -> list:
        return [r.as_json() for r in self.rows]


def today(store, policy, member, now: datetime, last_sweep=None) -> TodayView:
    day = tokyo(now).date()
    with store.transaction():
        rows = day_rows(store, day)
        keys = sum(1 for c in store.credentials(member.id) if not c.revoked_at)
        refused = [d for d in store.dead_letters() if not d.resolved_at and not d.visitor_told]
        rooms = [r for r in store.rooms() if r.active]
    return TodayView(day, rows, keys, refused, rooms, last_sweep, policy.grace_minutes)


def today_json(store, day: date) -> dict:
    """What the Today page polls for: the day's rows, ready visitors and new bookings included."""
    with store.transaction():
        rows = day_rows(store, day)
    return {"date": day.isoformat(), "bookings": [r.as_json() for r in rows]}


@dataclass(frozen=True)
class DayList:
    """The printed day list (A4)."""

    office: str
    day: date
    printed_at: datetime
    rows: list


def day_list(store, day: date, now: datetime) -> DayList:
    with store.transaction():
        return DayList(store.office.name, day, tokyo(now), day_rows(store, day))


def free_starts(store, policy, monday: date, now: datetime) -> dict:
    """A week of counseling starts staff can move a booking to: a free room, and a start the
    calendar takes now (open day, a slot, before its cut-off, within the horizon)."""
    with store.transaction():
        calendar = office_calendar(store, policy)
        return _free_starts(calendar, week_units(store, policy, monday, now), monday, now)


def _free_starts(calendar, week, monday: date, now: datetime) -> dict:
    days = []
    for day in week:
        starts = []
        for slot in day["slots"]:
            if not any(u["state"] == "free" for u in slot["units"]):
                continue
            try:
                calendar.check_counseling_start(slot["start"], now)
            except DomainError:
                continue
            starts.append({"start": slot["start"].isoformat(), "time": tokyo(slot["start"]).strftime("%H:%M")})
        days.append({"date": day["date"].isoformat(), "weekday": day["date"].weekday(), "reason": day["reason"],
                     "starts": starts})
    return {"monday": monday.isoformat(), "previous": (monday - timedelta(days=7)).isoformat(),
            "next": (monday + timedelta(days=7)).isoformat(), "days": days}


def first_bookable_monday(store, policy, now: datetime) -> date:
    """The Monday of the first day a booking can be moved to (today's cut-off is usually past)."""
    with store.transaction():
        days = office_calendar(store, policy).bookable_days(now, 1)
    first = days[0] if days else tokyo(now).date()
    return first - timedelta(days=first.weekday())


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    role: str
    active: bool
    keys: list = field(default_factory=list)


def team(store, member) -> list[Member]:
    """Everyone with their usable keys for an admin; the member alone otherwise."""
    with store.transaction():
        people = store.staff_members() if member.role == "admin" else [member]
        return [Member(m.id, m.name, m.role, m.active, [c for c in store.credentials(m.id) if not c.revoked_at])
                for m in people]


@dataclass(frozen=True)
class KioskRow:
    id: str
    name: str
    last_seen: str | None
    clock_offset_s: float | None
    clock_off: bool               # beyond CLOCK_WARNING_SECONDS: check the tablet's time
    outbox: int | None
    dead_letters: int | None
    reset_waiting: bool


def kiosks(store) -> list[KioskRow]:
    with store.transaction():
        found = [k for k in store.kiosks() if not k.revoked_at]
    rows = []
    for k in found:
        st = k.status or {}
        offset = st.get("clock_offset_ms")
        seconds = round(offset / 1000, 1) if isinstance(offset, (int, float)) else None
        rows.append(KioskRow(k.id, k.name, st.get("last_seen"), seconds,
                             seconds is not None and abs(seconds) > CLOCK_WARNING_SECONDS,
                             st.get("outbox"), st.get("dead_letters"), bool(k.commands)))
    return rows


@dataclass(frozen=True)
class SettingsView:
    rooms: list
    closures: list
    events: list
    terms: list
    rules: dict


def rules_in_force(policy) -> dict:
    """The editable booking rules as they apply now (overrides over the environment)."""
    return {name: policy.setting(name) for name in rules_service.EDITABLE}


def settings(store, policy, now: datetime) -> SettingsView:
    with store.transaction():
        rooms, closures, events = store.rooms(), sorted(store.closures().items()), store.events()
        terms = sorted(all_terms_versions(store), key=lambda v: (v.doc, v.effective_from))
    return SettingsView(rooms, closures, [e for e in events if e.end > now], terms, rules_in_force(policy))


@dataclass(frozen=True)
class AuditView:
    check: dict
    rows: list                   # audit_view.Row, newest first, filtered
    filters: object              # audit_view.Filters
    error: str | None            # why a filter could not be read; the log is then shown unfiltered
    staff: list                  # (id, name) for the filter
    actions: list                # (code, label) for the filter


def audit(store, args, lang: str) -> AuditView:
    """The chain check and the entries that pass the GET filters (day, staff, action)."""
    with store.transaction():
        check = store.verify_audit().as_dict()
        staff_names = {m.id: m.name for m in store.staff_members()}
        kiosk_names = {k.id: k.name for k in store.kiosks()}
        error = None
        try:
            filters = audit_view.parse_filters(args, staff_names)
        except audit_view.BadFilter as refused:
            filters, error = audit_view.Filters(), translate(str(refused), lang, "staff")
        # Read newest first only as far as the page's rows (the chain check above reads every line).
        rows = audit_view.rows(store.newest_audit_entries(), filters, staff_names, kiosk_names, lang)
    return AuditView(check, rows, filters, error, sorted(staff_names.items(), key=lambda m: m[1]),
                     audit_view.action_choices(lang))
