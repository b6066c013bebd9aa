"""One office's data in a TinyDB data directory: the storage contract (contract.py) over the
engine's documents. Files and their layout are in layout.py; nothing outside this package knows them."""
from datetime import date, datetime
from itertools import islice

from ...domain.audit import anchored, chain_entry, empty_anchor, read_entry, verify_chain
from ...domain.bookings import Booking, Visit
from ...domain.calendar import TOKYO, tokyo
from ...domain.events import Event
from ...domain.kiosks import Kiosk
from ...domain.leases import Lease
from ...domain.ops import DeadLetter, Receipt
from ...domain.rooms import Room
from ...domain.staff import Challenge, Credential, StaffLink, StaffMember, StaffSession
from ...domain.terms import PublishedTerms
from ...domain.visitors import Restriction
from ..lookups import KioskLookups
from .derived import DayBookings, Parsed
from .layout import OfficeLayout

OFFICE_TABLES = {"rooms": Room.from_record, "events": Event.from_record, "restrictions": Restriction.from_record,
                 "kiosks": Kiosk.from_record, "staff": StaffMember.from_record, "credentials": Credential.from_record,
                 "staff_links": StaffLink.from_record, "terms": PublishedTerms.from_record,
                 "closures": dict, "meta": dict, "days": dict}


def _keyed(record, key: str) -> dict:
    return dict(record.to_record(), key=key)


class TinyOfficeStore(KioskLookups):
    def __init__(self, engine, office):
        self.engine = engine
        self.office = office
        self.files = OfficeLayout(office.slug)

    def transaction(self):
        return self.engine.transaction()

    def in_transaction(self) -> bool:
        return self.engine.in_transaction()

    def lock_units(self, day: date) -> None:
        """One lock serialises every transaction of the data directory already."""

    def lock_visitor(self, jobseeker_no: str) -> None:
        """One lock serialises every transaction of the data directory already."""

    # -- caches of parsed records ------------------------------------------------------------

    def _parsed(self, name: str, parsers: dict) -> Parsed:
        data = self.engine.file(name)
        if data.derived is None:
            data.derived = Parsed(data, parsers)
        return data.derived

    def _table(self, table: str) -> dict:
        self.engine._require_tx()
        return self._parsed(self.files.office, OFFICE_TABLES).table(table)

    def _day(self, day: date) -> DayBookings:
        self.engine._require_tx()
        data = self.engine.file(self.files.day(day))
        if data.derived is None:
            data.derived = DayBookings(data)
        return data.derived

    def _put(self, name: str, table: str, key: str, record, parsed=None) -> None:
        self.engine.put(name, table, key, record, parsed)

    # -- bookings ------------------------------------------------------------------------------

    def _key(self, key: str) -> dict | None:
        return self.engine.get(self.files.index("keys", key), "keys", key)

    def _by_key(self, key: str) -> Booking | None:
        entry = self._key(key)
        if not entry or not entry.get("booking_id"):
            return None
        return self._day(date.fromisoformat(entry["day"])).get(entry["booking_id"])

    def booking(self, booking_id: str) -> Booking | None:
        found = self._by_key(booking_id)
        return found if found is not None and found.booking_id == booking_id else None

    def booking_on_lease(self, lease_unit_id: str) -> Booking | None:
        found = self._by_key(lease_unit_id)
        return found if found is not None and found.lease_unit_id == lease_unit_id else None

    def booking_by_reference(self, reference: str) -> Booking | None:
        found = self._by_key(reference)
        return found if found is not None and found.reference == reference else None

    def reference_taken(self, reference: str) -> bool:
        return self._key(reference) is not None

    def bookings_on(self, day: date) -> list[Booking]:
        if day.isoformat() not in self._table("days"):
            return []
        return sorted(self._day(day).all(), key=lambda b: (b.start, b.room or "", b.booking_id))

    def bookings_starting(self, start: datetime) -> list[Booking]:
        day = tokyo(start).date()
        if day.isoformat() not in self._table("days"):
            return []
        return self._day(day).starting(start.timestamp())

    def booked_units(self, day: date) -> list[tuple]:
        if day.isoformat() not in self._table("days"):
            return []
        return self._day(day).units()

    def booked_rooms_at(self, start: datetime) -> frozenset[str]:
        day = tokyo(start).date()
        if day.isoformat() not in self._table("days"):
            return frozenset()
        return self._day(day).rooms_at(start.timestamp())

    def bookings_between(self, first: date, last: date):
        for day in self.booking_days():
            if first <= day <= last:
                yield from self.bookings_on(day)

    def bookings_for_event(self, event_id: str) -> list[Booking]:
        event = self.event(event_id)
        if event is None:
            return []
        return [b for b in self.bookings_on(tokyo(event.start).date()) if b.event_id == event_id]

    def _visits_doc(self, jobseeker_no: str) -> dict | None:
        return self.engine.get(self.files.index("visits", jobseeker_no), "visits", jobseeker_no)

    def visits_of(self, jobseeker_no: str) -> list[Visit]:
        doc = self._visits_doc(jobseeker_no) or {"visits": {}}
        return sorted((Visit.from_record(v) for v in doc["visits"].values()), key=lambda v: (v.start, v.booking_id))

    def bookings_of(self, jobseeker_no: str) -> list[Booking]:
        found = (self.booking(v.booking_id) for v in self.visits_of(jobseeker_no))
        return [b for b in found if b is not None]

    def booking_days(self) -> list[date]:
        return sorted(date.fromisoformat(d) for d in self._table("days"))

    def save_booking(self, booking: Booking) -> None:
        """One document in its day's file, and its index entries (key, reference, lease, visits)."""
        day = tokyo(booking.start).date()
        old = self.booking(booking.booking_id)
        old_day = tokyo(old.start).date() if old else None
        if old_day is not None and old_day != day:
            self._put(self.files.day(old_day), "bookings", booking.booking_id, None)
        if day.isoformat() not in self._table("days"):
            self._put(self.files.office, "days", day.isoformat(), {"day": day.isoformat()})
        self._put(self.files.day(day), "bookings", booking.booking_id, booking.to_record(), booking)
        entry = {"booking_id": booking.booking_id, "day": day.isoformat()}
        for key in (booking.booking_id, booking.reference, booking.lease_unit_id):
            if key and (old_day != day or self._key(key) != dict(entry, key=key)):
                self._put(self.files.index("keys", key), "keys", key, dict(entry, key=key))
        self._index_visit(old, booking)

    def _index_visit(self, old: Booking | None, new: Booking) -> None:
        if old is not None and old.jobseeker_no and old.jobseeker_no != new.jobseeker_no:
            self._set_visit(old.jobseeker_no, new.booking_id, None)
        if new.jobseeker_no and (old is None or old.visit() != new.visit() or old.jobseeker_no != new.jobseeker_no):
            self._set_visit(new.jobseeker_no, new.booking_id, new.visit())

    def _set_visit(self, jobseeker_no: str, booking_id: str, visit: Visit | None) -> None:
        doc = self._visits_doc(jobseeker_no) or {"jobseeker_no": jobseeker_no, "visits": {}}
        visits = dict(doc["visits"])
        if visit is None:
            visits.pop(booking_id, None)
        else:
            visits[booking_id] = visit.to_record()
        self._put(self.files.index("visits", jobseeker_no), "visits", jobseeker_no,
                  dict(doc, visits=visits) if visits else None)

    # -- receipts, leases, refused ops --------------------------------------------------------

    def receipt(self, kiosk_id: str, op_id: str) -> Receipt | None:
        key = f"{kiosk_id} {op_id}"
        doc = self.engine.get(self.files.index("receipts", key), "receipts", key)
        return Receipt.from_record(doc) if doc else None

    def save_receipt(self, receipt: Receipt) -> None:
        key = f"{receipt.kiosk_id} {receipt.op_id}"
        self._put(self.files.index("receipts", key), "receipts", key, _keyed(receipt, key))

    def drop_receipts_before(self, moment: datetime) -> int:
        """Receipts are kept for the retention period; older ones go (a replay that old is a new op,
        and its booking_id still makes it a duplicate)."""
        dropped = 0
        for bucket in range(4096):
            name = f"{self.files.base}/index/receipts/{bucket:03x}.json"
            if not self.engine.exists(name):
                continue
            for doc in self.engine.docs(name, "receipts"):
                if datetime.fromisoformat(doc["at"]) < moment:
                    self._put(name, "receipts", doc["key"], None)
                    dropped += 1
        return dropped

    def _leases(self) -> dict:
        self.engine._require_tx()
        return self._parsed(self.files.leases, {"leases": Lease.from_record}).table("leases")

    def lease(self, lease_unit_id: str) -> Lease | None:
        return self._leases().get(lease_unit_id)

    def leases_on(self, day: date) -> list[Lease]:
        return sorted((l for l in self._leases().values() if l.day == day), key=lambda l: (l.start, l.room))

    def leases_of(self, kiosk_id: str) -> list[Lease]:
        return sorted((l for l in self._leases().values() if l.kiosk_id == kiosk_id), key=lambda l: (l.start, l.room))

    def save_lease(self, lease: Lease) -> None:
        if self.lease(lease.id) is None:   # a new lease reserves its reference for the slip
            self._put(self.files.index("keys", lease.reference), "keys", lease.reference,
                      {"key": lease.reference, "lease_id": lease.id, "day": lease.day.isoformat()})
        self._put(self.files.leases, "leases", lease.id, lease.to_record())

    def drop_leases_before(self, moment: datetime) -> int:
        old = [l for l in self._leases().values() if l.expires_at < moment]
        for lease in old:
            self._put(self.files.leases, "leases", lease.id, None)
        return len(old)

    def _dead(self) -> dict:
        self.engine._require_tx()
        return self._parsed(self.files.dead_letters, {"dead_letters": DeadLetter.from_record}).table("dead_letters")

    def dead_letters(self, kiosk_id: str | None = None) -> list[DeadLetter]:
        found = [d for d in self._dead().values() if kiosk_id is None or d.kiosk_id == kiosk_id]
        return sorted(found, key=lambda d: (d.received_at, d.op_id))

    def dead_letter(self, kiosk_id: str, op_id: str) -> DeadLetter | None:
        return self._dead().get(f"{kiosk_id} {op_id}")

    def save_dead_letter(self, letter: DeadLetter) -> None:
        key = f"{letter.kiosk_id} {letter.op_id}"
        self._put(self.files.dead_letters, "dead_letters", key, _keyed(letter, key))

    # -- the office's setup ----------------------------------------------------------------------

    def rooms(self) -> list[Room]:
        return sorted(self._table("rooms").values(), key=lambda r: r.id)

    def room(self, room_id: str) -> Room | None:
        return self._table("rooms").get(room_id)

    def save_room(self, room: Room) -> None:
        self._put(self.files.office, "rooms", room.id, room.to_record())

    def remove_room(self, room_id: str) -> None:
        self._put(self.files.office, "rooms", room_id, None)

    def closures(self) -> dict:
        return {date.fromisoformat(k): v.get("note", "") for k, v in self._table("closures").items()}

    def save_closure(self, day: date, note: str) -> None:
        self._put(self.files.office, "closures", day.isoformat(), {"day": day.isoformat(), "note": note})

    def remove_closure(self, day: date) -> bool:
        if day.isoformat() not in self._table("closures"):
            return False
        self._put(self.files.office, "closures", day.isoformat(), None)
        return True

    def events(self) -> list[Event]:
        return sorted(self._table("events").values(), key=lambda e: (e.start, e.id))

    def event(self, event_id: str) -> Event | None:
        return self._table("events").get(event_id)

    def save_event(self, event: Event) -> None:
        self._put(self.files.office, "events", event.id, event.to_record())

    def remove_event(self, event_id: str) -> None:
        self._put(self.files.office, "events", event_id, None)

    def published_terms(self) -> list[PublishedTerms]:
        return sorted(self._table("terms").values(), key=lambda t: (t.doc, t.effective_from, t.version))

    def save_terms(self, terms: PublishedTerms) -> None:
        key = f"{terms.doc} {terms.version}"
        self._put(self.files.office, "terms", key, _keyed(terms, key))

    def restrictions_for(self, jobseeker_no: str) -> list[Restriction]:
        return sorted((r for r in self._table("restrictions").values() if r.jobseeker_no == jobseeker_no),
                      key=lambda r: r.created_at)

    def save_restriction(self, restriction: Restriction) -> None:
        self._put(self.files.office, "restrictions", restriction.id, restriction.to_record())

    def meta(self, key: str, default=None):
        doc = self._table("meta").get(key)
        return doc["value"] if doc else default

    def set_meta(self, key: str, value) -> None:
        self._put(self.files.office, "meta", key, {"key": key, "value": value})

    def rules(self) -> dict:
        return dict(self.meta("rules", {}) or {})

    def save_rules(self, rules: dict) -> None:
        self.set_meta("rules", dict(rules))

    # -- kiosks ------------------------------------------------------------------------------------

    def kiosks(self) -> list[Kiosk]:
        return sorted(self._table("kiosks").values(), key=lambda k: (k.name, k.id))

    def kiosk(self, kiosk_id: str) -> Kiosk | None:
        return self._table("kiosks").get(kiosk_id)

    def _kiosk_where(self, field: str, value) -> Kiosk | None:
        if not value:
            return None
        return next((k for k in self._table("kiosks").values() if getattr(k, field) == value), None)

    def save_kiosk(self, kiosk: Kiosk) -> None:
        self._put(self.files.office, "kiosks", kiosk.id, kiosk.to_record())

    # -- staff -----------------------------------------------------------------------------------

    def staff_members(self) -> list[StaffMember]:
        return sorted(self._table("staff").values(), key=lambda m: (m.name, m.id))

    def staff_member(self, staff_id: str) -> StaffMember | None:
        return self._table("staff").get(staff_id)

    def staff_named(self, name: str) -> StaffMember | None:
        return next((m for m in self._table("staff").values() if m.name == name), None)

    def save_staff(self, member: StaffMember) -> None:
        self._put(self.files.office, "staff", member.id, member.to_record())

    def credentials(self, staff_id: str | None = None) -> list[Credential]:
        found = [c for c in self._table("credentials").values() if staff_id is None or c.staff_id == staff_id]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def credential(self, credential_id: str) -> Credential | None:
        return self._table("credentials").get(credential_id)

    def save_credential(self, credential: Credential) -> None:
        self._put(self.files.office, "credentials", credential.id, credential.to_record())

    def staff_link(self, link_id: str) -> StaffLink | None:
        return self._table("staff_links").get(link_id)

    def save_staff_link(self, link: StaffLink) -> None:
        self._put(self.files.office, "staff_links", link.id, link.to_record())

    def _sessions(self, table: str, parse) -> dict:
        self.engine._require_tx()
        return self._parsed(self.files.sessions, {"sessions": StaffSession.from_record,
                                                  "challenges": Challenge.from_record}).table(table)

    def session(self, session_id: str) -> StaffSession | None:
        return self._sessions("sessions", StaffSession.from_record).get(session_id)

    def sessions_of(self, staff_id: str) -> list[StaffSession]:
        return sorted((s for s in self._sessions("sessions", None).values() if s.staff_id == staff_id),
                      key=lambda s: s.created_at)

    def save_session(self, session: StaffSession) -> None:
        self._put(self.files.sessions, "sessions", session.id, session.to_record())

    def drop_sessions_before(self, moment: datetime) -> int:
        old = [s for s in self._sessions("sessions", None).values() if s.last_seen_at < moment]
        for s in old:
            self._put(self.files.sessions, "sessions", s.id, None)
        for c in [c for c in self._sessions("challenges", None).values() if c.expires_at < moment]:
            self._put(self.files.sessions, "challenges", c.id, None)
        return len(old)

    def save_challenge(self, challenge: Challenge) -> None:
        self._put(self.files.sessions, "challenges", challenge.id, challenge.to_record())

    def take_challenge(self, challenge_id: str) -> Challenge | None:
        found = self._sessions("challenges", None).get(challenge_id)
        if found is not None:
            self._put(self.files.sessions, "challenges", challenge_id, None)
        return found

    # -- moving an office ------------------------------------------------------------------------

    def restrictions(self) -> list[Restriction]:
        return sorted(self._table("restrictions").values(), key=lambda r: r.id)

    def staff_links(self) -> list[StaffLink]:
        return sorted(self._table("staff_links").values(), key=lambda l: l.id)

    def receipts(self) -> list[Receipt]:
        found = []
        for bucket in range(4096):
            name = f"{self.files.base}/index/receipts/{bucket:03x}.json"
            if self.engine.exists(name):
                found += [Receipt.from_record(d) for d in self.engine.docs(name, "receipts")]
        return sorted(found, key=lambda r: (r.kiosk_id, r.op_id))

    def leases(self) -> list[Lease]:
        return sorted(self._leases().values(), key=lambda l: l.id)

    def meta_items(self) -> dict:
        return {k: v["value"] for k, v in sorted(self._table("meta").items()) if k != "audit_anchor"}

    def audit_lines(self) -> dict:
        return {name: [line.decode() for line in lines] for name, lines in self._audit_logs().items()}

    def restore_audit(self, logs: dict) -> None:
        import orjson
        anchor = empty_anchor()
        for name in sorted(logs):
            for line in logs[name]:
                entry = orjson.loads(line)
                n = anchor["count"] + 1
                self.engine.append_log_raw(f"{self.files.audit_folder}/{name}", n, line.encode())
                anchor = anchored(anchor, name, entry)
        self._put(self.files.audit_anchor, "meta", "anchor", {"key": "anchor", "value": anchor})

    # -- the audit log ---------------------------------------------------------------------------

    def _anchor(self) -> dict:
        doc = self.engine.get(self.files.audit_anchor, "meta", "anchor")
        return doc["value"] if doc else (self.meta("audit_anchor") or empty_anchor())

    def audit(self, now: datetime, actor: str, action: str, **details) -> dict:
        anchor = self._anchor()
        entry = chain_entry(anchor["count"] + 1, anchor["head"], now, actor, action, details)
        month = f"{tokyo(now):%Y-%m}"
        self.engine.append_log(self.files.audit(month), entry["n"], entry)
        self._put(self.files.audit_anchor, "meta", "anchor",
                  {"key": "anchor", "value": anchored(anchor, f"{month}.jsonl", entry)})
        return entry

    def _audit_logs(self) -> dict:
        self.engine._require_tx()
        return {name.rsplit("/", 1)[1]: self.engine.log_lines(name) for name in self.engine.logs(self.files.audit_folder)}

    def audit_entries(self, limit: int | None = None) -> list[dict]:
        return list(islice(self.newest_audit_entries(), limit))

    def newest_audit_entries(self):
        for name, lines in sorted(self._audit_logs().items(), reverse=True):
            for line in reversed(lines):
                yield read_entry(name, line)

    def verify_audit(self):
        notes = [f"set aside: {name}" for name in self.engine.status.torn]
        return verify_chain(self._audit_logs(), self._anchor(), notes)

    def audit_head(self) -> dict:
        anchor = self._anchor()
        return {"count": anchor["count"], "head": anchor["head"]}
