"""Kiosk enrollment, device tokens, status reports, commands and leases (sync.md)."""
import hashlib
import secrets
import uuid
from dataclasses import replace
from datetime import timedelta

from ..domain.calendar import SLOT
from ..domain.errors import DeadLetterUnknown, EnrollmentCodeInvalid, InvalidRequest, KioskUnknown, N_, Unauthorized
from ..domain.kiosks import CODE_TTL, Kiosk
from ..domain.leases import Lease, plan_top_up
from ..slips import qr_svg
from .bookings import _reference, join_url
from .policy import office_calendar
from .retry import retried
from .units import taken_rooms

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a tablet


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _normalize_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def device_token(office_slug: str | None) -> str:
    """A kiosk's device token; it names its office unless that is the default office."""
    secret = secrets.token_urlsafe(32)
    return f"{office_slug}.{secret}" if office_slug else secret


def token_office(token: str) -> str | None:
    """The office a device token names (None: the default office, as tokens before offices)."""
    return token.split(".", 1)[0] if "." in token else None


def enroll(store, now, actor, name: str) -> dict:
    """A one-time enrollment code for kiosk `name` (new, or re-enrolling an existing one)."""
    name = " ".join(str(name).split())
    if not name or len(name) > 60:
        raise InvalidRequest(N_("A kiosk needs a name of at most 60 characters."))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    with store.transaction():
        kiosk = store.kiosk_named(name) or Kiosk(id=f"k_{uuid.uuid4().hex[:10]}", name=name, created_at=now)
        kiosk = replace(kiosk, code_hash=_digest(code), code_expires_at=now + CODE_TTL, revoked_at=None)
        store.save_kiosk(kiosk)
        store.audit(now, actor, "kiosk.enroll", kiosk=kiosk.id, name=name)
    return {"kiosk_id": kiosk.id, "name": name, "code": f"{code[:4]}-{code[4:]}", "expires_at": kiosk.code_expires_at.isoformat()}


def exchange_code(store, now, code: str, office_slug: str | None = None) -> dict:
    """Trade a one-time code for the kiosk's device token; only the token's hash is kept."""
    with store.transaction():
        kiosk = store.kiosk_with_code(_digest(_normalize_code(code)))
        if kiosk is None or kiosk.code_expires_at is None or now >= kiosk.code_expires_at:
            raise EnrollmentCodeInvalid()
        token = device_token(office_slug)
        kiosk = replace(kiosk, token_hash=_digest(token), code_hash=None, code_expires_at=None, enrolled_at=now,
                        revoked_at=None, drained_at=None)
        store.save_kiosk(kiosk)
        store.audit(now, "kiosk", "kiosk.enrolled", kiosk=kiosk.id)
    return {"kiosk_id": kiosk.id, "name": kiosk.name, "token": token}


def authenticate(store, token: str | None) -> Kiosk:
    """The kiosk holding `token`, or Unauthorized (revoked, unknown or missing)."""
    if not token:
        raise Unauthorized()
    with store.transaction():
        kiosk = store.kiosk_with_token(_digest(token))
    if kiosk is None or kiosk.revoked_at is not None:
        raise Unauthorized()
    return kiosk


def revoke(store, now, actor, kiosk: Kiosk) -> Kiosk:
    """Its syncs get 401 from now on, and the units it held are free for everyone at once."""
    with store.transaction():
        kiosk = replace(store.kiosk(kiosk.id), revoked_at=now, token_hash=None, code_hash=None)
        store.save_kiosk(kiosk)
        released = 0
        for lease in store.leases_of(kiosk.id):
            if lease.holds(now):
                store.save_lease(replace(lease, released_at=now))
                released += 1
        store.audit(now, actor, "kiosk.revoke", kiosk=kiosk.id, leases_released=released)
    return kiosk


def kiosk_named(store, name: str) -> Kiosk:
    with store.transaction():
        kiosk = store.kiosk_named(name)
    if kiosk is None:
        raise InvalidRequest(N_("There is no kiosk %(name)s."), name=name)
    return kiosk


@retried
def report_status(store, kiosk: Kiosk, now, offset_ms, status: dict, drained: bool) -> None:
    """Remember last seen, clock offset and what the kiosk says it holds (written at most every 30 s)."""
    report = {"last_seen": now.isoformat(), "clock_offset_ms": offset_ms,
              **{k: v for k, v in status.items() if k != "done_commands"}}
    if kiosk.with_status(report, now, drained) is None:
        return
    with store.transaction():
        current = store.kiosk(kiosk.id)
        changed = current.with_status(report, now, drained) if current else None
        if changed is not None:
            store.save_kiosk(changed)


# -- commands staff send to a kiosk, delivered with its next sync (a remote reset) ----------------

def request_reset(store, now, actor: str, kiosk_id: str) -> dict:
    """Staff ask a kiosk to reset: at its next sync it pushes its outbox, then wipes the visitor
    and reloads the shell (the outbox is kept: a reset never loses a booking)."""
    with store.transaction():
        kiosk = store.kiosk(kiosk_id)
        if kiosk is None:
            raise KioskUnknown()
        command = {"id": uuid.uuid4().hex[:16], "kind": "reset", "requested_at": now.isoformat(), "by": actor}
        store.save_kiosk(replace(kiosk, commands=tuple(c for c in kiosk.commands if c["kind"] != "reset") + (command,)))
        store.audit(now, actor, "kiosk.reset_requested", kiosk=kiosk_id)
    return command


def pending_commands(store, kiosk: Kiosk, now, done=()) -> list[dict]:
    """The kiosk's commands still to carry out; those it reports done are cleared (and logged)."""
    done = set(done)
    if any(c["id"] in done for c in kiosk.commands):
        with store.transaction():
            kiosk = store.kiosk(kiosk.id)
            finished = [c for c in kiosk.commands if c["id"] in done]
            kiosk = replace(kiosk, commands=tuple(c for c in kiosk.commands if c["id"] not in done))
            store.save_kiosk(kiosk)
            for c in finished:
                store.audit(now, f"kiosk:{kiosk.id}", f"kiosk.{c['kind']}_done", kiosk=kiosk.id)
    return [{"id": c["id"], "kind": c["kind"]} for c in kiosk.commands]


def resolve_dead_letter(store, now, actor: str, kiosk_id: str, op_id: str, note: str = ""):
    """Staff called the visitor about a refused booking: it leaves the list (kept, audit-logged)."""
    with store.transaction():
        letter = store.dead_letter(kiosk_id, op_id)
        if letter is None:
            raise DeadLetterUnknown()
        letter = replace(letter, resolved_at=now, resolved_by=actor, resolution=str(note)[:200])
        store.save_dead_letter(letter)
        store.audit(now, actor, "dead_letter.resolved", op_id=op_id, kiosk=kiosk_id)
    return letter


# -- leases ------------------------------------------------------------------------------------

@retried
def top_up_leases(store, ctx, kiosk: Kiosk, now) -> list[Lease]:
    """Give the kiosk N units per bookable day for the next D days (the plan is domain code);
    return the leases it holds. A sync that needs nothing new writes nothing."""
    with store.transaction():
        policy = ctx.rules(store)
        calendar = office_calendar(store, policy)
        own = store.leases_of(kiosk.id)
        given_back = {(l.start, l.room) for l in own if l.released_at is not None}
        days = calendar.bookable_days(now, policy.lease_days)
        if all(sum(1 for l in own if l.day == d and l.holds(now)) >= policy.lease_units_per_day for d in days):
            plan = []
        else:
            for day in days:
                store.lock_units(day)
            taken = {day: taken_rooms(store, day, now) for day in days}
            plan = plan_top_up(calendar, policy, now, store.rooms(), own, given_back, taken)
        rooms = {r.id: r for r in store.rooms()}
        for day, start, room_id in plan:
            room = rooms[room_id]
            lease = Lease(id=f"lu_{uuid.uuid4().hex[:16]}", kiosk_id=kiosk.id, day=day, start=start, end=start + SLOT,
                          room=room.id, room_id=room.meeting_id, meeting_app=room.app, counselor=room.counselor,
                          expires_at=calendar.cutoff(day), granted_at=now, reference=_reference(store))
            store.save_lease(lease)
            own.append(lease)
        if plan:
            store.audit(now, f"kiosk:{kiosk.id}", "lease.grant", kiosk=kiosk.id, units=len(plan))
        if any(l.expires_at < now - timedelta(days=2) for l in own):
            store.drop_leases_before(now - timedelta(days=2))
    return sorted((l for l in own if l.holds(now)), key=lambda l: (l.start, l.room))


def kiosk_leases(store, kiosk: Kiosk, now) -> list[Lease]:
    """The kiosk's leases that still hold a unit (no top-up)."""
    with store.transaction():
        return [l for l in store.leases_of(kiosk.id) if l.holds(now)]


def lease_views(ctx, leases, have=()) -> list[dict]:
    """What the kiosk gets of each lease: the unit, its reference, its link and (unless it has it
    already) the slip's QR code, rendered now (and cached), never stored."""
    views = []
    for lease in leases:
        url = join_url(ctx, lease.id, lease.room_id, lease.start)
        view = {"lease_unit_id": lease.id, "start": lease.start.isoformat(), "end": lease.end.isoformat(),
                "room_id": lease.room_id, "meeting_app": lease.meeting_app, "expires_at": lease.expires_at.isoformat(),
                "join_url": url, "reference": lease.reference}
        if lease.id not in have:
            view["slip_svg"] = qr_svg(url)
        views.append(view)
    return views
