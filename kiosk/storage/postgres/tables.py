"""Each record's table: its key, the columns its queries need, how it is read back (migrations/ has the DDL)."""
from datetime import date

from ...domain.bookings import Booking
from ...domain.events import Event
from ...domain.kiosks import Kiosk
from ...domain.leases import Lease
from ...domain.ops import DeadLetter, Receipt
from ...domain.rooms import Room
from ...domain.staff import Challenge, Credential, StaffLink, StaffMember, StaffSession
from ...domain.terms import PublishedTerms
from ...domain.visitors import Restriction
from .rows import Table


def _plain(record: dict) -> dict:
    return record


BOOKINGS = Table("bookings", ("booking_id",), lambda b: (b.booking_id,), Booking.from_record,
                 ("start", "room", "status", "event_id", "jobseeker_no", "reference", "lease_unit_id"),
                 lambda b: (b.start, b.room, b.status, b.event_id, b.jobseeker_no, b.reference, b.lease_unit_id))
RECEIPTS = Table("receipts", ("kiosk_id", "op_id"), lambda r: (r.kiosk_id, r.op_id), Receipt.from_record,
                 ("at",), lambda r: (r.at,))
LEASES = Table("leases", ("id",), lambda l: (l.id,), Lease.from_record,
               ("kiosk_id", "day", "start", "room", "reference", "expires_at"),
               lambda l: (l.kiosk_id, l.day, l.start, l.room, l.reference, l.expires_at))
DEAD_LETTERS = Table("dead_letters", ("kiosk_id", "op_id"), lambda d: (d.kiosk_id, d.op_id), DeadLetter.from_record,
                     ("received_at",), lambda d: (d.received_at,))
ROOMS = Table("rooms", ("id",), lambda r: (r.id,), Room.from_record)
CLOSURES = Table("closures", ("day",), lambda c: (date.fromisoformat(c["day"]),), _plain, dump=_plain)
EVENTS = Table("events", ("id",), lambda e: (e.id,), Event.from_record, ("start", "capacity"),
               lambda e: (e.start, e.capacity))
TERMS = Table("terms", ("doc", "version_name"), lambda t: (t.doc, t.version), PublishedTerms.from_record,
              ("effective_from",), lambda t: (t.effective_from,))
RESTRICTIONS = Table("restrictions", ("id",), lambda r: (r.id,), Restriction.from_record,
                     ("jobseeker_no", "created_at"), lambda r: (r.jobseeker_no, r.created_at))
META = Table("meta", ("key",), lambda m: (m["key"],), _plain, dump=_plain)
KIOSKS = Table("kiosks", ("id",), lambda k: (k.id,), Kiosk.from_record, ("name", "token_hash", "code_hash"),
               lambda k: (k.name, k.token_hash, k.code_hash))
STAFF = Table("staff", ("id",), lambda m: (m.id,), StaffMember.from_record, ("name",), lambda m: (m.name,))
CREDENTIALS = Table("credentials", ("id",), lambda c: (c.id,), Credential.from_record, ("staff_id", "created_at"),
                    lambda c: (c.staff_id, c.created_at))
STAFF_LINKS = Table("staff_links", ("id",), lambda s: (s.id,), StaffLink.from_record)
SESSIONS = Table("sessions", ("id",), lambda s: (s.id,), StaffSession.from_record,
                 ("staff_id", "created_at", "last_seen_at"), lambda s: (s.staff_id, s.created_at, s.last_seen_at))
CHALLENGES = Table("challenges", ("id",), lambda c: (c.id,), Challenge.from_record, ("expires_at",),
                   lambda c: (c.expires_at,))
