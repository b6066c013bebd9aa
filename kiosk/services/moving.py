"""Moving an office between backends (X8): an export is a folder of JSON Lines, one file per kind of
record, each sorted by its key, plus the audit log's lines exactly as they were hashed. The same
office exported from TinyDB and from PostgreSQL gives the same files. Staff sessions, sign-in
challenges and rate counters are not moved (they are minutes old and worthless elsewhere)."""
from datetime import date
from pathlib import Path

import orjson

from ..domain.bookings import Booking
from ..domain.errors import InvalidRequest, N_
from ..domain.events import Event
from ..domain.kiosks import Kiosk
from ..domain.leases import Lease
from ..domain.offices import Office
from ..domain.ops import DeadLetter, Receipt
from ..domain.rooms import Room
from ..domain.staff import Credential, StaffLink, StaffMember
from ..domain.terms import PublishedTerms
from ..domain.visitors import Restriction

FORMAT = "madoguchi-export 1"
CHUNK = 500   # records per transaction on import


def _dated(pairs):
    return [{"day": day.isoformat(), "note": note} for day, note in sorted(pairs.items())]


# kind -> (read every record from a store, the record class or None for plain dicts, save one)
KINDS = {
    "rooms": (lambda s: s.rooms(), Room, lambda s, r: s.save_room(r)),
    "closures": (lambda s: _dated(s.closures()), None, lambda s, r: s.save_closure(date.fromisoformat(r["day"]), r["note"])),
    "events": (lambda s: sorted(s.events(), key=lambda e: e.id), Event, lambda s, r: s.save_event(r)),
    "terms": (lambda s: sorted(s.published_terms(), key=lambda t: (t.doc, t.version)), PublishedTerms,
              lambda s, r: s.save_terms(r)),
    "restrictions": (lambda s: s.restrictions(), Restriction, lambda s, r: s.save_restriction(r)),
    "kiosks": (lambda s: sorted(s.kiosks(), key=lambda k: k.id), Kiosk, lambda s, r: s.save_kiosk(r)),
    "staff": (lambda s: sorted(s.staff_members(), key=lambda m: m.id), StaffMember, lambda s, r: s.save_staff(r)),
    "credentials": (lambda s: sorted(s.credentials(), key=lambda c: c.id), Credential, lambda s, r: s.save_credential(r)),
    "staff_links": (lambda s: s.staff_links(), StaffLink, lambda s, r: s.save_staff_link(r)),
    "meta": (lambda s: [{"key": k, "value": v} for k, v in sorted(s.meta_items().items())], None,
             lambda s, r: s.set_meta(r["key"], r["value"])),
    "leases": (lambda s: s.leases(), Lease, lambda s, r: s.save_lease(r)),
    "bookings": (lambda s: sorted(s.bookings_between(date.min, date.max), key=lambda b: b.booking_id), Booking,
                 lambda s, r: s.save_booking(r)),
    "receipts": (lambda s: s.receipts(), Receipt, lambda s, r: s.save_receipt(r)),
    "dead_letters": (lambda s: sorted(s.dead_letters(), key=lambda d: (d.kiosk_id, d.op_id)), DeadLetter,
                     lambda s, r: s.save_dead_letter(r)),
}


def _line(record) -> bytes:
    return orjson.dumps(record if isinstance(record, dict) else record.to_record(), option=orjson.OPT_SORT_KEYS) + b"\n"


def export_office(store, dest: Path, now) -> dict:
    """Write the office into the new or empty folder `dest`; returns the manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty")
    (dest / "audit").mkdir(parents=True, exist_ok=True)
    counts = {}
    with store.transaction():
        for kind, (read, _, _) in KINDS.items():
            records = read(store)
            (dest / f"{kind}.jsonl").write_bytes(b"".join(_line(r) for r in records))
            counts[kind] = len(records)
        logs = store.audit_lines()
        head = store.audit_head()
    for name, lines in sorted(logs.items()):
        (dest / "audit" / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    manifest = {"format": FORMAT, "office": store.office.to_record(), "exported_at": now.isoformat(),
                "counts": counts, "audit": head}
    (dest / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    return manifest


def _read(src: Path, kind: str):
    path = src / f"{kind}.jsonl"
    parse = KINDS[kind][1]
    for line in path.read_bytes().splitlines() if path.exists() else ():
        record = orjson.loads(line)
        yield parse.from_record(record) if parse else record


def import_office(backend, src: Path, slug: str | None, now) -> dict:
    """Bring an export into `slug` (the export's own office when None), which must hold nothing yet;
    the audit chain arrives as it was and verifies. Returns what was brought."""
    src = Path(src)
    manifest = orjson.loads((src / "manifest.json").read_bytes())
    if manifest.get("format") != FORMAT:
        raise InvalidRequest(N_("The request is not valid."))
    office = Office.from_record(dict(manifest["office"], slug=slug or manifest["office"]["slug"]))
    if office.slug not in {o.slug for o in backend.offices()}:
        backend.save_office(office)
    store = backend.office(office.slug)
    with store.transaction():
        if store.booking_days() or store.rooms() or store.audit_head()["count"]:
            raise FileExistsError(f"the office {office.slug} holds data already: import into a new office")
    counts = {}
    for kind, (_, _, save) in KINDS.items():
        batch, counts[kind] = [], 0
        for record in _read(src, kind):
            batch.append(record)
            if len(batch) == CHUNK:
                counts[kind] += _save_all(store, save, batch)
                batch = []
        counts[kind] += _save_all(store, save, batch)
    logs = {path.name: path.read_text(encoding="utf-8").splitlines() for path in sorted((src / "audit").glob("*.jsonl"))}
    with store.transaction():
        store.restore_audit(logs)
        check = store.verify_audit()
    return {"office": office.slug, "counts": counts, "audit": check.as_dict()}


def _save_all(store, save, records) -> int:
    if records:
        with store.transaction():
            for record in records:
                save(store, record)
    return len(records)
