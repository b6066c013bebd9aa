"""An office moves between backends losslessly (X8): TinyDB -> PostgreSQL -> TinyDB gives the same
export, and the audit chain verifies on every side."""
import json
import uuid
from pathlib import Path

from kiosk.config import load_settings
from kiosk.services import kiosks as kiosk_service
from kiosk.services import office as office_service
from kiosk.services.bookings import cancel_booking, create_booking
from kiosk.services.sync import sync
from kiosk.storage import open_backend
from tests.contract.test_bookings import ctx
from tests.factories import NOW, make_payload


def tiny(folder: Path):
    return open_backend(load_settings({"KIOSK_DATA_DIR": str(folder), "SECRET_KEY": "move"}, environ={}))


def an_office_with_history(store):
    for n in range(3):
        office_service.add_room(store, NOW, "cli:it", "zoom", f"845 0000 000{n}", f"相談員{n}")
    office_service.add_closure(store, NOW, "cli:it", NOW.date().replace(day=24), "点検")
    office_service.add_event(store, NOW, "cli:it", "seminar", "面接セミナー", NOW.replace(day=10, hour=14),
                             NOW.replace(day=10, hour=15), 5, "zoom", "845 9999 0000", titles={"en": "Interview seminar"})
    first, _ = create_booking(store, ctx(), make_payload(jobseeker_no="28010-00001"), NOW)
    create_booking(store, ctx(), make_payload(jobseeker_no="28010-00002", start="2026-12-04T11:00:00+09:00"), NOW)
    cancel_booking(store, first.booking_id, NOW, "staff:s1")
    code = kiosk_service.enroll(store, NOW, "cli:it", "入口")["code"]
    kiosk = kiosk_service.authenticate(store, kiosk_service.exchange_code(store, NOW, code)["token"])
    body = {"schema": 1, "client_sent_at": NOW.isoformat(), "ops": [
        {"op_id": str(uuid.uuid4()), "seq": 1, "type": "booking.create", "created_at": NOW.isoformat(),
         "payload": make_payload(jobseeker_no="28010-00003", start="2026-12-07T10:00:00+09:00")},
        {"op_id": str(uuid.uuid4()), "seq": 2, "type": "booking.create", "created_at": NOW.isoformat(),
         "payload": make_payload(jobseeker_no="1")}]}                       # refused: a dead letter
    leases = sync(store, ctx(), kiosk, body, NOW, lambda err, lang: err.code)["leases"]
    lease = leases[0]
    on_lease = {"schema": 1, "client_sent_at": NOW.isoformat(), "ops": [
        {"op_id": str(uuid.uuid4()), "seq": 3, "type": "booking.create", "created_at": NOW.isoformat(),
         "payload": make_payload(jobseeker_no="28010-00004", start=lease["start"], lease_unit_id=lease["lease_unit_id"])}]}
    sync(store, ctx(), kiosk, on_lease, NOW, lambda err, lang: err.code)


def files(folder: Path) -> dict:
    found = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}
    manifest = json.loads(found.pop("manifest.json"))
    manifest.pop("exported_at")
    return {**found, "manifest": manifest}


def test_an_office_goes_to_postgresql_and_back_and_nothing_changes(tmp_path, postgres_database):
    from kiosk.services.moving import export_office, import_office
    source = tiny(tmp_path / "tiny")
    an_office_with_history(source.office())
    export_office(source.office(), tmp_path / "a", NOW)
    source.close()

    pg = open_backend(load_settings({"DATABASE_URL": postgres_database.app_url, "SECRET_KEY": "move",
                                     "KIOSK_DATA_DIR": str(tmp_path / "unused")}, environ={}))
    result = import_office(pg, tmp_path / "a", None, NOW)
    assert result["audit"]["ok"] and result["counts"]["bookings"] == 4
    export_office(pg.office(), tmp_path / "b", NOW)
    pg.close()

    back = tiny(tmp_path / "again")
    assert import_office(back, tmp_path / "b", None, NOW)["audit"]["ok"]
    export_office(back.office(), tmp_path / "c", NOW)
    with back.office().transaction():
        store = back.office()
        assert store.verify_audit().ok and len(store.dead_letters()) == 1 and len(store.receipts()) == 2
        assert any(b.lease_unit_id for b in store.bookings_between(NOW.date(), NOW.date().replace(day=31)))
    back.close()

    a, b, c = files(tmp_path / "a"), files(tmp_path / "b"), files(tmp_path / "c")
    assert a == b == c
    assert a["manifest"]["counts"]["leases"] > 0 and a["manifest"]["audit"]["count"] > 10


def test_an_import_into_an_office_that_holds_data_is_refused(tmp_path):
    import pytest
    from kiosk.services.moving import export_office, import_office
    source = tiny(tmp_path / "tiny")
    an_office_with_history(source.office())
    export_office(source.office(), tmp_path / "a", NOW)
    with pytest.raises(FileExistsError):
        import_office(source, tmp_path / "a", None, NOW)
    assert import_office(source, tmp_path / "a", "copy", NOW)["office"] == "copy"
    source.close()
