"""One office's data in PostgreSQL: the storage contract (contract.py) over its tables. Sort orders
and `None`s are TinyDB's (tinydb/office_store.py is the reference); `seq` breaks ties in the order
records were first saved, as TinyDB's files keep them."""
import copy
from datetime import date, datetime
from itertools import islice

import orjson
from psycopg.types.json import Jsonb

from ...domain.audit import anchored, chain_entry, empty_anchor, read_entry, verify_chain
from ...domain.bookings import ACTIVE, Booking, Visit
from ...domain.calendar import tokyo
from ...domain.events import Event
from ...domain.kiosks import Kiosk
from ...domain.leases import Lease
from ...domain.ops import DeadLetter, Receipt
from ...domain.rooms import Room
from ...domain.staff import Challenge, Credential, StaffLink, StaffMember, StaffSession
from ...domain.terms import PublishedTerms
from ...domain.visitors import Restriction
from ..errors import TransactionConflict
from ..lookups import KioskLookups
from .locks import lock_key
from .rows import Rows
from .tables import (BOOKINGS, CHALLENGES, CLOSURES, CREDENTIALS, DEAD_LETTERS, EVENTS, KIOSKS, LEASES, META,
                     RECEIPTS, RESTRICTIONS, ROOMS, SESSIONS, STAFF, STAFF_LINKS, TERMS)

BY_UNIT = """start, coalesce(room, '') COLLATE "C", booking_id"""
ACTIVE_SQL = "status IN (" + ", ".join(f"'{s}'" for s in ACTIVE) + ")"


AUDIT_PAGE = 500
NEWEST_AUDIT = tuple(f"SELECT log, n, line FROM audit_log WHERE office_id = %s{where} ORDER BY log DESC, n DESC"
                     for where in ("", " AND (log, n) < (%s, %s)"))

# The line and the new head in one statement (one round trip while the head is locked).
APPEND_AUDIT = """WITH line AS (INSERT INTO audit_log (office_id, n, log, at, actor, action, line)
                   VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING office_id)
UPDATE audit_heads SET anchor = %s WHERE office_id = (SELECT office_id FROM line)"""


class PgOfficeStore(Rows, KioskLookups):
    def __init__(self, transactions, office_id: int, office, setup):
        super().__init__(transactions, office_id, setup)
        self.office = office

    def transaction(self):
        return self._tx.transaction(self.office_id)

    def in_transaction(self) -> bool:
        return self._tx.current() is not None

    def lock_units(self, day: date) -> None:
        """A transaction-scoped advisory lock on (office, day): every process's decisions about the
        day's units take turns; it goes with COMMIT or ROLLBACK. Setup read after it (a rescheduled
        booking's rooms) is read as of now, not as of the setup version read before the wait."""
        self._rows("SELECT pg_advisory_xact_lock(%s, %s)", (lock_key(f"units {day.isoformat()}"),))
        self._setup_read_again()

    def lock_visitor(self, jobseeker_no: str) -> None:
        """The same on (office, 求職番号). Waiting for it means another transaction was deciding about
        this visitor: what this one read before (no booking with this ID yet, no receipt) may be
        stale, so the use case starts again (TransactionConflict) and reads it afresh under the lock."""
        key = lock_key(f"visitor {jobseeker_no or ''}")
        read_before = self._tx.open(self.office_id).statements > 0
        if self._rows("SELECT pg_try_advisory_xact_lock(%s, %s)", (key,))[0][0]:
            return
        self._rows("SELECT pg_advisory_xact_lock(%s, %s)", (key,))
        if read_before:
            raise TransactionConflict()

    # -- bookings ------------------------------------------------------------------------------

    def booking(self, booking_id: str) -> Booking | None:
        return self._get(BOOKINGS, booking_id)

    def booking_on_lease(self, lease_unit_id: str) -> Booking | None:
        return self._first(BOOKINGS, "lease_unit_id = %s", (lease_unit_id,))

    def booking_by_reference(self, reference: str) -> Booking | None:
        return self._first(BOOKINGS, "reference = %s", (reference,))

    def reference_taken(self, reference: str) -> bool:
        sql = ("SELECT EXISTS (SELECT 1 FROM bookings WHERE office_id = %s AND reference = %s) "
               "OR EXISTS (SELECT 1 FROM leases WHERE office_id = %s AND reference = %s)")
        return self._rows(sql, (reference, self.office_id, reference))[0][0]

    def bookings_on(self, day: date) -> list[Booking]:
        return self._all(BOOKINGS, "day = %s", (day,), order=BY_UNIT)

    def bookings_starting(self, start: datetime) -> list[Booking]:
        return self._all(BOOKINGS, "day = %s AND start = %s", (tokyo(start).date(), start), order="booking_id")

    def booked_units(self, day: date) -> list[tuple]:
        sql = (f"SELECT record->>'start', room FROM bookings WHERE office_id = %s AND day = %s AND {ACTIVE_SQL} "
               f"AND room IS NOT NULL")
        return [(datetime.fromisoformat(start), room) for start, room in self._rows(sql, (day,))]

    def booked_rooms_at(self, start: datetime) -> frozenset[str]:
        sql = f"SELECT room FROM bookings WHERE office_id = %s AND start = %s AND {ACTIVE_SQL} AND room IS NOT NULL"
        return frozenset(room for (room,) in self._rows(sql, (start,)))

    def bookings_between(self, first: date, last: date):
        for day in self.booking_days():
            if first <= day <= last:
                yield from self.bookings_on(day)

    def bookings_for_event(self, event_id: str) -> list[Booking]:
        event = self.event(event_id)
        if event is None:
            return []
        return self._all(BOOKINGS, "day = %s AND event_id = %s", (tokyo(event.start).date(), event_id), order=BY_UNIT)

    def bookings_of(self, jobseeker_no: str) -> list[Booking]:
        return self._all(BOOKINGS, "jobseeker_no = %s", (jobseeker_no,), order="start, booking_id")

    def visits_of(self, jobseeker_no: str) -> list[Visit]:
        return [b.visit() for b in self.bookings_of(jobseeker_no)]

    def booking_days(self) -> list[date]:
        return [day for (day,) in self._rows("SELECT DISTINCT day FROM bookings WHERE office_id = %s ORDER BY day")]

    def save_booking(self, booking: Booking) -> None:
        self._save(BOOKINGS, booking)

    # -- receipts, leases, refused ops --------------------------------------------------------

    def receipt(self, kiosk_id: str, op_id: str) -> Receipt | None:
        return self._get(RECEIPTS, kiosk_id, op_id)

    def save_receipt(self, receipt: Receipt) -> None:
        self._save(RECEIPTS, receipt)

    def drop_receipts_before(self, moment: datetime) -> int:
        return self._tx.count(self.office_id, "DELETE FROM receipts WHERE office_id = %s AND at < %s",
                              (self.office_id, moment))

    def lease(self, lease_unit_id: str) -> Lease | None:
        return self._get(LEASES, lease_unit_id)

    def leases_on(self, day: date) -> list[Lease]:
        return self._all(LEASES, "day = %s", (day,), order="start, room, seq")

    def leases_of(self, kiosk_id: str) -> list[Lease]:
        return self._all(LEASES, "kiosk_id = %s", (kiosk_id,), order="start, room, seq")

    def save_lease(self, lease: Lease) -> None:
        self._save(LEASES, lease)

    def drop_leases_before(self, moment: datetime) -> int:
        return self._tx.count(self.office_id, "DELETE FROM leases WHERE office_id = %s AND expires_at < %s",
                              (self.office_id, moment))

    def dead_letters(self, kiosk_id: str | None = None) -> list[DeadLetter]:
        where, params = ("kiosk_id = %s", (kiosk_id,)) if kiosk_id is not None else ("", ())
        return self._all(DEAD_LETTERS, where, params, order="received_at, op_id, seq")

    def dead_letter(self, kiosk_id: str, op_id: str) -> DeadLetter | None:
        return self._get(DEAD_LETTERS, kiosk_id, op_id)

    def save_dead_letter(self, letter: DeadLetter) -> None:
        self._save(DEAD_LETTERS, letter)

    # -- the office's setup ----------------------------------------------------------------------

    def rooms(self) -> list[Room]:
        return self._all(ROOMS, order="id", setup=True)

    def room(self, room_id: str) -> Room | None:
        return self._get(ROOMS, room_id)

    def save_room(self, room: Room) -> None:
        self._save(ROOMS, room)

    def remove_room(self, room_id: str) -> None:
        self._delete(ROOMS, room_id)

    def closures(self) -> dict:
        return {date.fromisoformat(c["day"]): c.get("note", "") for c in self._all(CLOSURES, setup=True)}

    def save_closure(self, day: date, note: str) -> None:
        self._save(CLOSURES, {"day": day.isoformat(), "note": note})

    def remove_closure(self, day: date) -> bool:
        return self._delete(CLOSURES, day) > 0

    def events(self) -> list[Event]:
        return self._all(EVENTS, order="start, id")

    def event(self, event_id: str) -> Event | None:
        return self._get(EVENTS, event_id)

    def save_event(self, event: Event) -> None:
        self._save(EVENTS, event)

    def remove_event(self, event_id: str) -> None:
        self._delete(EVENTS, event_id)

    def published_terms(self) -> list[PublishedTerms]:
        return self._all(TERMS, order="doc, effective_from, version_name", setup=True)

    def save_terms(self, terms: PublishedTerms) -> None:
        self._save(TERMS, terms)

    def restrictions_for(self, jobseeker_no: str) -> list[Restriction]:
        return self._all(RESTRICTIONS, "jobseeker_no = %s", (jobseeker_no,), order="created_at, seq")

    def save_restriction(self, restriction: Restriction) -> None:
        self._save(RESTRICTIONS, restriction)

    def meta(self, key: str, default=None):
        found = self._get(META, key)
        return found["value"] if found else default

    def set_meta(self, key: str, value) -> None:
        self._save(META, {"key": key, "value": value})

    def rules(self) -> dict:
        found = self._get(META, "rules", setup=True)     # a copy: the process keeps the one it read
        return copy.deepcopy(dict(found["value"] or {})) if found else {}

    def save_rules(self, rules: dict) -> None:
        self.set_meta("rules", dict(rules))

    # -- kiosks ------------------------------------------------------------------------------------

    def kiosks(self) -> list[Kiosk]:
        return self._all(KIOSKS, order="name, id")

    def kiosk(self, kiosk_id: str) -> Kiosk | None:
        return self._get(KIOSKS, kiosk_id)

    def _kiosk_where(self, column: str, value) -> Kiosk | None:
        return self._first(KIOSKS, f"{column} = %s", (value,)) if value else None

    def save_kiosk(self, kiosk: Kiosk) -> None:
        self._save(KIOSKS, kiosk)

    # -- staff -----------------------------------------------------------------------------------

    def staff_members(self) -> list[StaffMember]:
        return self._all(STAFF, order="name, id")

    def staff_member(self, staff_id: str) -> StaffMember | None:
        return self._get(STAFF, staff_id)

    def staff_named(self, name: str) -> StaffMember | None:
        return self._first(STAFF, "name = %s", (name,))

    def save_staff(self, member: StaffMember) -> None:
        self._save(STAFF, member)

    def credentials(self, staff_id: str | None = None) -> list[Credential]:
        where, params = ("staff_id = %s", (staff_id,)) if staff_id is not None else ("", ())
        return self._all(CREDENTIALS, where, params, order="created_at, id")

    def credential(self, credential_id: str) -> Credential | None:
        return self._get(CREDENTIALS, credential_id)

    def save_credential(self, credential: Credential) -> None:
        self._save(CREDENTIALS, credential)

    def staff_link(self, link_id: str) -> StaffLink | None:
        return self._get(STAFF_LINKS, link_id)

    def save_staff_link(self, link: StaffLink) -> None:
        self._save(STAFF_LINKS, link)

    def session(self, session_id: str) -> StaffSession | None:
        return self._get(SESSIONS, session_id)

    def sessions_of(self, staff_id: str) -> list[StaffSession]:
        return self._all(SESSIONS, "staff_id = %s", (staff_id,), order="created_at, seq")

    def save_session(self, session: StaffSession) -> None:
        self._save(SESSIONS, session)

    def drop_sessions_before(self, moment: datetime) -> int:
        dropped = self._tx.count(self.office_id, "DELETE FROM sessions WHERE office_id = %s AND last_seen_at < %s",
                                 (self.office_id, moment))
        self._tx.count(self.office_id, "DELETE FROM challenges WHERE office_id = %s AND expires_at < %s",
                       (self.office_id, moment))
        return dropped

    def save_challenge(self, challenge: Challenge) -> None:
        self._save(CHALLENGES, challenge)

    def take_challenge(self, challenge_id: str) -> Challenge | None:
        """One DELETE ... RETURNING: of two requests racing with one challenge, one gets it."""
        row = self._rows("DELETE FROM challenges WHERE office_id = %s AND id = %s RETURNING record", (challenge_id,))
        return Challenge.from_record(row[0][0]) if row else None

    # -- moving an office ------------------------------------------------------------------------

    def restrictions(self) -> list[Restriction]:
        return self._all(RESTRICTIONS, order='id COLLATE "C"')

    def staff_links(self) -> list[StaffLink]:
        return self._all(STAFF_LINKS, order='id COLLATE "C"')

    def receipts(self) -> list[Receipt]:
        return self._all(RECEIPTS, order='kiosk_id COLLATE "C", op_id COLLATE "C"')

    def leases(self) -> list[Lease]:
        return self._all(LEASES, order='id COLLATE "C"')

    def meta_items(self) -> dict:
        return {m["key"]: m["value"] for m in self._all(META, order='key COLLATE "C"')}

    def audit_lines(self) -> dict:
        logs = {}
        for log, line in self._rows("SELECT log, line FROM audit_log WHERE office_id = %s ORDER BY log, n"):
            logs.setdefault(log, []).append(line)
        return logs

    def restore_audit(self, logs: dict) -> None:
        """Lines as they are: their hashes cover them. The anchor follows them."""
        from datetime import datetime as _datetime
        anchor = self._anchor(lock=True)
        for log in sorted(logs):
            for line in logs[log]:
                entry = orjson.loads(line)
                n = anchor["count"] + 1
                at = _datetime.fromisoformat(entry["at"]) if entry.get("at") else None
                self._rows("INSERT INTO audit_log (office_id, n, log, at, actor, action, line) "
                           "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                           (n, log, at, entry.get("actor", ""), entry.get("action", ""), line))
                anchor = anchored(anchor, log, entry)
        self._tx.rows(self.office_id, "UPDATE audit_heads SET anchor = %s WHERE office_id = %s",
                      (Jsonb(anchor), self.office_id))

    # -- the audit log -------------------------------------------------------------------------

    def _anchor(self, lock: bool = False) -> dict:
        """The chain's head row; locked (FOR UPDATE) it makes audited commits of the office take turns."""
        sql = "SELECT anchor FROM audit_heads WHERE office_id = %s" + (" FOR UPDATE" if lock else "")
        row = self._rows(sql)
        if not row and lock:
            self._rows("INSERT INTO audit_heads (office_id, anchor) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                       (Jsonb(empty_anchor()),))
            row = self._rows(sql)
        return row[0][0] if row else empty_anchor()

    def audit(self, now: datetime, actor: str, action: str, **details) -> dict:
        anchor = self._anchor(lock=True)
        entry = chain_entry(anchor["count"] + 1, anchor["head"], now, actor, action, details)
        log = f"{tokyo(now):%Y-%m}.jsonl"     # the monthly logs' names, as on TinyDB (the anchor names them)
        self._rows(APPEND_AUDIT, (entry["n"], log, now, actor, action, orjson.dumps(entry).decode(),
                                  Jsonb(anchored(anchor, log, entry))))
        return entry

    def audit_entries(self, limit: int | None = None) -> list[dict]:
        return list(islice(self.newest_audit_entries(min(limit, AUDIT_PAGE) if limit else AUDIT_PAGE), limit))

    def newest_audit_entries(self, page: int = AUDIT_PAGE):
        """Read `page` lines at a time, each page after the last one's (log, n)."""
        after = ()
        while True:
            rows = self._rows(NEWEST_AUDIT[bool(after)] + f" LIMIT {int(page)}", after)
            yield from (read_entry(log, line) for log, _, line in rows)
            if len(rows) < page:
                return
            after = rows[-1][:2]

    def verify_audit(self):
        return verify_chain(self.audit_lines(), self._anchor())

    def audit_head(self) -> dict:
        anchor = self._anchor()
        return {"count": anchor["count"], "head": anchor["head"]}

    # -- what the backend asks -----------------------------------------------------------------

    def holds_anything(self) -> bool:
        """Was anything ever stored for this office (is_new)?"""
        tables = ("meta", "rooms", "events", "closures", "kiosks", "staff", "terms", "bookings", "audit_log")
        sql = " OR ".join(f"EXISTS (SELECT 1 FROM {t} WHERE office_id = %(o)s)" for t in tables)
        return self._tx.rows(self.office_id, "SELECT " + sql, {"o": self.office_id})[0][0]
