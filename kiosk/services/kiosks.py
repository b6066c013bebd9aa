"""Kiosk enrollment, device tokens, status reports and leases (sync.md)."""
import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from ..domain.calendar import SLOT
from ..domain.errors import DeadLetterUnknown, EnrollmentCodeInvalid, InvalidRequest, KioskUnknown, N_, Unauthorized
from ..domain.leases import choose_units, is_held
from ..slips import qr_svg
from ..tokens import join_token
from .policy import office_calendar
from .units import taken_rooms

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a tablet
CODE_TTL = timedelta(hours=24)
STATUS_WRITE_INTERVAL = timedelta(seconds=30)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _normalize_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def enroll(store, now, actor, name: str) -> dict:
    """A one-time enrollment code for kiosk `name` (new, or re-enrolling an existing one)."""
    name = " ".join(str(name).split())
    if not name or len(name) > 60:
        raise InvalidRequest(N_("A kiosk needs a name of at most 60 characters."))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    with store.transaction():
        record = store.kiosk(name=name) or {"id": f"k_{uuid.uuid4().hex[:10]}", "name": name,
                                            "created_at": now.isoformat(), "token_hash": None}
        record.update(code_hash=_digest(code), code_expires_at=(now + CODE_TTL).isoformat(), revoked_at=None)
        store.save_kiosk(record)
        store.audit.append(now, actor, "kiosk.enroll", kiosk=record["id"], name=name)
    return {"kiosk_id": record["id"], "name": name, "code": f"{code[:4]}-{code[4:]}",
            "expires_at": record["code_expires_at"]}


def exchange_code(store, now, code: str) -> dict:
    """Trade a one-time code for the kiosk's device token; only the token's hash is kept."""
    with store.transaction():
        record = store.kiosk(code_hash=_digest(_normalize_code(code)))
        if record is None or now >= datetime.fromisoformat(record["code_expires_at"]):
            raise EnrollmentCodeInvalid()
        token = secrets.token_urlsafe(32)
        record.update(token_hash=_digest(token), code_hash=None, code_expires_at=None,
                      enrolled_at=now.isoformat(), revoked_at=None)
        store.save_kiosk(record)
        store.audit.append(now, "kiosk", "kiosk.enrolled", kiosk=record["id"])
    return {"kiosk_id": record["id"], "name": record["name"], "token": token}


def authenticate(store, token: str | None) -> dict:
    """The kiosk holding `token`, or Unauthorized (revoked, unknown or missing)."""
    if not token:
        raise Unauthorized()
    with store.transaction():
        record = store.kiosk(token_hash=_digest(token))
    if record is None or record.get("revoked_at"):
        raise Unauthorized()
    return record


def revoke(store, now, actor, name: str) -> dict:
    with store.transaction():
        record = store.kiosk(name=name)
        if record is None:
            raise InvalidRequest(N_("There is no kiosk %(name)s."), name=name)
        record.update(revoked_at=now.isoformat(), token_hash=None, code_hash=None)
        store.save_kiosk(record)
        store.audit.append(now, actor, "kiosk.revoke", kiosk=record["id"])
    return record


def report_status(store, kiosk: dict, now, offset_ms: int | None, status: dict | None) -> None:
    """Remember last seen, clock offset and what the kiosk says it holds; written at most every 30 s."""
    report = {"last_seen": now.isoformat(), "clock_offset_ms": offset_ms, **(status or {})}
    previous = kiosk.get("status") or {}
    steady = lambda r: {k: v for k, v in r.items() if k not in ("last_seen", "clock_offset_ms")}  # noqa: E731
    changed = steady(report) != steady(previous)
    stale = not previous.get("last_seen") or now - datetime.fromisoformat(previous["last_seen"]) >= STATUS_WRITE_INTERVAL
    if changed or stale:
        with store.transaction():
            record = store.kiosk(id=kiosk["id"])
            record["status"] = report
            store.save_kiosk(record)


# -- commands staff send to a kiosk, delivered with its next sync (a remote reset) ----------------

def request_reset(store, now, actor: str, kiosk_id: str) -> dict:
    """Staff ask a kiosk to reset: at its next sync it pushes its outbox, then wipes the visitor
    and reloads the shell (the outbox is kept: a reset never loses a booking)."""
    with store.transaction():
        record = store.kiosk(id=kiosk_id)
        if record is None:
            raise KioskUnknown()
        command = {"id": uuid.uuid4().hex[:16], "kind": "reset", "requested_at": now.isoformat(), "by": actor}
        record["commands"] = [c for c in record.get("commands", []) if c["kind"] != "reset"] + [command]
        store.save_kiosk(record)
        store.audit.append(now, actor, "kiosk.reset_requested", kiosk=kiosk_id)
    return command


def pending_commands(store, kiosk: dict, now, done=()) -> list[dict]:
    """The kiosk's commands still to carry out; those it reports done are cleared (and logged)."""
    commands = kiosk.get("commands", [])
    finished = [c for c in commands if c["id"] in set(done)]
    if finished:
        with store.transaction():
            record = store.kiosk(id=kiosk["id"])
            record["commands"] = [c for c in record.get("commands", []) if c["id"] not in set(done)]
            store.save_kiosk(record)
            for c in finished:
                store.audit.append(now, f"kiosk:{kiosk['id']}", f"kiosk.{c['kind']}_done", kiosk=kiosk["id"])
        commands = record["commands"]
    return [{"id": c["id"], "kind": c["kind"]} for c in commands]


def resolve_dead_letter(store, now, actor: str, op_id: str, note: str = "") -> dict:
    """Staff called the visitor about a refused booking: it leaves the list (kept, audit-logged)."""
    with store.transaction():
        letter = next((d for d in store.dead_letters() if d["op_id"] == op_id), None)
        if letter is None:
            raise DeadLetterUnknown()
        letter = dict(letter, resolved_at=now.isoformat(), resolved_by=actor, resolution=str(note)[:200])
        store.save_dead_letter(letter)
        store.audit.append(now, actor, "dead_letter.resolved", op_id=op_id, kiosk=letter["kiosk_id"])
    return letter


def _lease_view(lease: dict, with_slip: bool) -> dict:
    view = {k: lease[k] for k in ("start", "end", "room_id", "meeting_app", "expires_at", "join_url")}
    view["lease_unit_id"] = lease["id"]
    if with_slip:
        view["slip_svg"] = lease["slip_svg"]
    return view


def top_up_leases(store, settings, kiosk_id: str, now, secret: str, base_url: str, have=()) -> list[dict]:
    """Give the kiosk N units per bookable day for the next D days; return its held leases."""
    with store.transaction():
        calendar = office_calendar(store, settings)
        rooms = {r.id: r for r in store.rooms() if r.active}
        granted, mine = [], []
        for day in calendar.bookable_days(now, settings.LEASE_DAYS):
            leases = [l for l in store.leases(day.isoformat()) if l["kiosk_id"] == kiosk_id]
            own = [l for l in leases if is_held(l, now, used=store.booking_on_lease(l["id"]) is not None)]
            # Units the kiosk gave back stay with everyone else: never granted to it again.
            given_back = {(l["start"], l["room"]) for l in leases if l.get("released_at")}
            mine += own
            need = settings.LEASE_UNITS_PER_DAY - len(own)
            if need <= 0:
                continue
            taken = taken_rooms(store, day, now)
            free = {start: [r for r in sorted(rooms) if r not in taken.get(start, set())
                            and (start.isoformat(), r) not in given_back]
                    for start in calendar.slot_starts(day)}
            held_starts = {datetime.fromisoformat(l["start"]) for l in own}
            for start, room_id in choose_units(free, need, held_starts):
                room, unit_id = rooms[room_id], f"lu_{uuid.uuid4().hex[:16]}"
                join_url = f"{base_url.rstrip('/')}/j/{join_token(secret, unit_id, room.meeting_id, start.isoformat())}"
                granted.append({
                    "id": unit_id, "kiosk_id": kiosk_id, "day": day.isoformat(), "start": start.isoformat(),
                    "end": (start + SLOT).isoformat(), "room": room.id, "room_id": room.meeting_id,
                    "meeting_app": room.app, "counselor": room.counselor,
                    "expires_at": calendar.cutoff(day).isoformat(), "granted_at": now.isoformat(),
                    "join_url": join_url, "slip_svg": qr_svg(join_url),
                })
        store.add_leases(granted)
        store.prune_leases((now - timedelta(days=2)).isoformat())
    return [_lease_view(l, l["id"] not in have) for l in sorted(mine + granted, key=lambda l: l["start"])]


def kiosk_leases(store, kiosk_id: str, now, with_slips: bool = True) -> list[dict]:
    """The kiosk's leases that still hold a unit (no top-up), each with its slip unless asked not to."""
    with store.transaction():
        return [_lease_view(l, with_slips) for l in sorted(store.leases(), key=lambda l: l["start"])
                if l["kiosk_id"] == kiosk_id and is_held(l, now, used=store.booking_on_lease(l["id"]) is not None)]
