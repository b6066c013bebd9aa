"""The storage contract: what every backend (TinyDB, PostgreSQL) does, and nothing else.

Services and views see only these two protocols. `Backend` is the deployment's storage (one per
process): its offices and their registry, health, the cluster-wide job lock, closing. `OfficeStore`
is one office's data, named after the domain; every read and write happens inside
`with store.transaction():`.

The unit of work. `transaction()` commits everything written inside it, or nothing: an exception
leaves the store, its files or tables and its caches exactly as before. Transactions nest (an
inner one that raises undoes only its own writes). An audit entry (`audit(...)`) is part of the
transaction it is written in: a change is never durable without its audit line and an audit line
never describes a change that did not happen. When `transaction()` returns, what it wrote (and what
it read from other transactions) is durable; if that cannot be made so, it raises
`StorageUnavailable` and nothing of it is kept.

Records are domain dataclasses (kiosk/domain), handed out as values: changing one means saving it.
Lists come sorted as documented; `None` means "no such record". The contract suite in
tests/contract/ drives every backend through this protocol alone.
"""
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol

from ..domain.audit import AuditCheck
from ..domain.bookings import Booking, Visit
from ..domain.events import Event
from ..domain.kiosks import Kiosk
from ..domain.leases import Lease
from ..domain.offices import Office
from ..domain.ops import DeadLetter, Receipt
from ..domain.rooms import Room
from ..domain.staff import Challenge, Credential, StaffLink, StaffMember, StaffSession
from ..domain.terms import PublishedTerms
from ..domain.visitors import Restriction


class OfficeStore(Protocol):
    """One office's data. Every method but `transaction` is called inside a transaction."""

    office: Office

    def transaction(self) -> AbstractContextManager[None]: ...
    def in_transaction(self) -> bool:
        """Is this thread inside a transaction of this store (nested calls join it)?"""
    def lock_units(self, day: date) -> None:
        """Decisions about `day`'s units (a booking, a move, a lease) wait for each other until the
        transaction ends. Called before reading what is taken; a no-op where one lock serialises all."""
    def lock_visitor(self, jobseeker_no: str) -> None:
        """The same for one visitor's bookings (the future-booking limit, one seat per event);
        taken before `lock_units`, never after, so that two transactions never wait for each other."""

    # -- bookings ---------------------------------------------------------------------------
    def booking(self, booking_id: str) -> Booking | None: ...
    def booking_on_lease(self, lease_unit_id: str) -> Booking | None: ...
    def booking_by_reference(self, reference: str) -> Booking | None: ...
    def reference_taken(self, reference: str) -> bool:
        """Is this reference used by a booking or a lease of the office?"""
    def bookings_on(self, day: date) -> list[Booking]:
        """The bookings whose session starts on `day`, by start, room and booking ID."""
    def bookings_starting(self, start: datetime) -> list[Booking]:
        """The bookings of one slot (a booking's hot path: no sorting needed)."""
    def booked_units(self, day: date) -> list[tuple]:
        """(start, room) of every active booking of `day` that holds a room (availability)."""
    def booked_rooms_at(self, start: datetime) -> frozenset[str]:
        """The rooms active bookings hold at `start` (a booking's hot path: one slot, not a day)."""
    def bookings_between(self, first: date, last: date) -> Iterator[Booking]:
        """Every booking from `first` to `last` inclusive, day by day (statistics, exports)."""
    def bookings_for_event(self, event_id: str) -> list[Booking]: ...
    def bookings_of(self, jobseeker_no: str) -> list[Booking]:
        """Every booking held under a 求職番号 (until retention purges it), by start."""
    def visits_of(self, jobseeker_no: str) -> list[Visit]:
        """The same as short facts (the rules' hot path), by start."""
    def booking_days(self) -> list[date]:
        """The days that have bookings, in order."""
    def save_booking(self, booking: Booking) -> None:
        """Insert or replace (a reschedule may move it to another day)."""

    # -- sync receipts, leases, refused ops --------------------------------------------------
    def receipt(self, kiosk_id: str, op_id: str) -> Receipt | None: ...
    def save_receipt(self, receipt: Receipt) -> None: ...
    def drop_receipts_before(self, moment: datetime) -> int: ...
    def lease(self, lease_unit_id: str) -> Lease | None: ...
    def leases_on(self, day: date) -> list[Lease]: ...
    def leases_of(self, kiosk_id: str) -> list[Lease]:
        """The kiosk's leases, by start."""
    def save_lease(self, lease: Lease) -> None: ...
    def drop_leases_before(self, moment: datetime) -> int:
        """Forget leases that expired before `moment` (they hold nothing any more)."""
    def dead_letters(self, kiosk_id: str | None = None) -> list[DeadLetter]:
        """Refused ops, by the time they were received."""
    def dead_letter(self, kiosk_id: str, op_id: str) -> DeadLetter | None: ...
    def save_dead_letter(self, letter: DeadLetter) -> None: ...

    # -- the office's setup ------------------------------------------------------------------
    def rooms(self) -> list[Room]:
        """By room ID."""
    def room(self, room_id: str) -> Room | None: ...
    def save_room(self, room: Room) -> None: ...
    def remove_room(self, room_id: str) -> None: ...
    def closures(self) -> dict[date, str]:
        """Closure days (besides weekends and holidays) and their notes."""
    def save_closure(self, day: date, note: str) -> None: ...
    def remove_closure(self, day: date) -> bool: ...
    def events(self) -> list[Event]:
        """By start and ID."""
    def event(self, event_id: str) -> Event | None: ...
    def save_event(self, event: Event) -> None: ...
    def remove_event(self, event_id: str) -> None: ...
    def published_terms(self) -> list[PublishedTerms]: ...
    def save_terms(self, terms: PublishedTerms) -> None: ...
    def restrictions_for(self, jobseeker_no: str) -> list[Restriction]: ...
    def save_restriction(self, restriction: Restriction) -> None: ...
    def rules(self) -> dict:
        """The booking rules staff changed in the console (they override the environment)."""
    def save_rules(self, rules: dict) -> None: ...
    def meta(self, key: str, default=None): ...
    def set_meta(self, key: str, value) -> None: ...

    # -- kiosks ------------------------------------------------------------------------------
    def kiosks(self) -> list[Kiosk]:
        """By name."""
    def kiosk(self, kiosk_id: str) -> Kiosk | None: ...
    def kiosk_named(self, name: str) -> Kiosk | None: ...
    def kiosk_with_token(self, token_hash: str) -> Kiosk | None: ...
    def kiosk_with_code(self, code_hash: str) -> Kiosk | None: ...
    def save_kiosk(self, kiosk: Kiosk) -> None: ...

    # -- staff -------------------------------------------------------------------------------
    def staff_members(self) -> list[StaffMember]:
        """By name."""
    def staff_member(self, staff_id: str) -> StaffMember | None: ...
    def staff_named(self, name: str) -> StaffMember | None: ...
    def save_staff(self, member: StaffMember) -> None: ...
    def credentials(self, staff_id: str | None = None) -> list[Credential]: ...
    def credential(self, credential_id: str) -> Credential | None: ...
    def save_credential(self, credential: Credential) -> None: ...
    def staff_link(self, link_id: str) -> StaffLink | None: ...
    def save_staff_link(self, link: StaffLink) -> None: ...
    def session(self, session_id: str) -> StaffSession | None: ...
    def sessions_of(self, staff_id: str) -> list[StaffSession]: ...
    def save_session(self, session: StaffSession) -> None: ...
    def drop_sessions_before(self, moment: datetime) -> int: ...
    def save_challenge(self, challenge: Challenge) -> None: ...
    def take_challenge(self, challenge_id: str) -> Challenge | None:
        """The challenge, removed (single use); None if unknown or already taken."""

    # -- moving an office (exports, imports) -----------------------------------------------------
    def restrictions(self) -> list[Restriction]:
        """Every restriction, by ID."""
    def staff_links(self) -> list[StaffLink]:
        """By ID."""
    def receipts(self) -> list[Receipt]:
        """Every receipt, by kiosk and op ID."""
    def leases(self) -> list[Lease]:
        """Every lease, by ID."""
    def meta_items(self) -> dict:
        """Every meta value by key (the rules, what the retention purge has done, ...)."""
    def audit_lines(self) -> dict[str, list[str]]:
        """Each monthly log's lines, exactly as they were hashed, in order."""
    def restore_audit(self, logs: dict[str, list[str]]) -> None:
        """Write another store's audit lines as they are (an import into an office without any),
        and set the anchor to them: the chain verifies here as it did there."""

    # -- the audit log -------------------------------------------------------------------------
    def audit(self, now: datetime, actor: str, action: str, **details) -> dict:
        """Append an entry to the hash chain, as part of the transaction; returns it."""
    def audit_entries(self, limit: int | None = None) -> list[dict]:
        """The newest entries first (all when `limit` is None)."""
    def newest_audit_entries(self) -> Iterator[dict]:
        """The same order, read as they are taken (the console stops at its page's worth);
        to be consumed inside the transaction."""
    def verify_audit(self) -> AuditCheck: ...
    def audit_head(self) -> dict:
        """{"count", "head"}: what an office writes down to anchor the chain outside the store."""


class RateCounter(Protocol):
    """Shared counters for rate limits (per address, per booking), outside any transaction."""

    def hit(self, key: str, limit: int, window_seconds: float, now: datetime) -> bool:
        """Count a call; False when `limit` calls were counted for `key` in the window already."""


class Backend(Protocol):
    """The deployment's storage: offices, health, jobs that run once across the cluster."""

    kind: str                 # "tinydb" or "postgresql"
    default_slug: str

    def office(self, slug: str | None = None) -> OfficeStore:
        """One office's store (the default office for None); OfficeUnknown if there is none."""
    def offices(self) -> list[Office]:
        """By slug."""
    def save_office(self, office: Office) -> None:
        """Add or update an office in the registry (its store exists from then on)."""
    def is_new(self) -> bool:
        """Nothing was ever stored (a fresh data directory or database)."""
    def rate_counter(self) -> RateCounter: ...
    def cluster_job(self, name: str) -> AbstractContextManager[bool]:
        """Run a job (the no-show sweep, the retention purge) once across every server process:
        yields True to the one process that should run it now."""
    def health(self) -> dict:
        """{"backend", "state", ...}: answered without waiting for any lock; state "ok" or why not."""
    def close(self) -> None:
        """Make everything durable in its final place and let go (checkpoint, pool)."""
