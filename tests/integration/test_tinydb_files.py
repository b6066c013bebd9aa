"""The TinyDB backend on real files: TinyDB's own format, other processes, torn lines, old layouts."""
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from tinydb import Query, TinyDB

from kiosk.domain.errors import SlotFull
from kiosk.services import office as office_service
from kiosk.services.bookings import create_booking
from kiosk.services.kiosks import authenticate
from kiosk.storage.tinydb import engine as engine_module
from kiosk.storage.tinydb.files import TinyFile
from tests.contract.test_bookings import ctx
from tests.factories import NOW, make_booking, make_payload
from tests.stores import open_backend

FIXTURE = Path(__file__).parents[1] / "fixtures" / "v1_instance"
DAY = date(2026, 12, 3)


def test_the_data_files_are_tinydb_files_that_tinydb_itself_reads(data_dir):
    backend = open_backend(data_dir)
    office_service.add_room(backend.office(), NOW, "test", "zoom", "845 0000 0001")
    booking, _ = create_booking(backend.office(), ctx(), make_payload(), NOW)
    backend.close()                                    # a checkpoint: everything is in its file now
    assert not list((data_dir / "journal").glob("*.log")) or all(
        p.stat().st_size == 0 for p in (data_dir / "journal").glob("*.log"))
    day = TinyDB(data_dir / "offices/main/bookings/2026-12/2026-12-03.json", storage=TinyFile)
    (found,) = day.table("bookings").search(Query().booking_id == booking.booking_id)
    assert found["room_id"] == "845 0000 0001" and found["reference"] == booking.reference
    office = TinyDB(data_dir / "offices/main/office.json", storage=TinyFile)
    assert [r["meeting_id"] for r in office.table("rooms").all()] == ["845 0000 0001"]


def test_a_process_sees_what_another_process_wrote(data_dir):
    mine = open_backend(data_dir)
    with mine.office().transaction():
        assert mine.office().rooms() == []
    code = ("import sys; from tests.stores import open_backend; from tests.factories import make_booking, NOW;"
            "from kiosk.services.office import add_room; b = open_backend(sys.argv[1]); s = b.office();"
            "add_room(s, NOW, 'other', 'zoom', '84599990000');"
            "exec('with s.transaction(): s.save_booking(make_booking(booking_id=\"from-other\"))'); b.close()")
    subprocess.run([sys.executable, "-c", code, str(data_dir)], check=True, cwd=os.getcwd())
    store = mine.office()
    with store.transaction():
        assert [r.meeting_id for r in store.rooms()] == ["845 9999 0000"]
        assert store.booking("from-other") is not None and len(store.bookings_on(DAY)) == 1
    mine.close()


def _book_in_process(data_dir, count, queue):
    backend = open_backend(data_dir)
    ok = 0
    for i in range(count):
        try:
            create_booking(backend.office(), ctx(), make_payload(jobseeker_no=f"{os.getpid() % 100000:05d}-{i:04d}"), NOW)
            ok += 1
        except SlotFull:
            pass
    backend.close()
    queue.put(ok)


def test_two_processes_booking_at_once_never_overbook(data_dir):
    backend = open_backend(data_dir)
    for i in range(3):
        office_service.add_room(backend.office(), NOW, "test", "zoom", f"84511110{i:03d}")
    backend.close()
    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()
    procs = [fork.Process(target=_book_in_process, args=(data_dir, 4, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert sum(queue.get(timeout=5) for _ in procs) == 3
    again = open_backend(data_dir)
    with again.office().transaction():
        assert len(again.office().bookings_on(DAY)) == 3
    again.close()


def test_a_torn_journal_line_is_set_aside_and_writes_go_on(data_dir):
    backend = open_backend(data_dir)
    with backend.office().transaction():
        backend.office().save_booking(make_booking(booking_id="kept"))
    backend.engine.close(checkpoint=False)             # as if the process died: the booking is only journaled
    (journal,) = (data_dir / "journal").glob("*.log")
    with open(journal, "ab") as f:
        f.write(b"1a2b3c4d {\"c\": [[\"offices/main/office.json\"")      # a crash in the middle of an append
    again = open_backend(data_dir)
    store = again.office()
    with store.transaction():
        assert store.booking("kept") is not None
        store.save_booking(make_booking(booking_id="after", room="r2"))
    assert again.health()["set_aside"] and (data_dir / again.health()["set_aside"][0]).exists()
    again.engine.close(checkpoint=False)
    third = open_backend(data_dir)
    with third.office().transaction():
        assert {b.booking_id for b in third.office().bookings_on(DAY)} == {"kept", "after"}
    third.close()


def test_a_format_1_data_directory_is_migrated_once_and_loses_nothing(tmp_path):
    data_dir = tmp_path / "instance"
    shutil.copytree(FIXTURE, data_dir)
    expected = json.loads((data_dir / "expected.json").read_text())
    old_audit = (FIXTURE / "audit-2026-12.jsonl").read_text().splitlines()
    backend = open_backend(data_dir, SECRET_KEY="fixture-secret")
    store = backend.office()
    with store.transaction():
        assert [r.meeting_id for r in store.rooms()] == ["845 1111 0001", "845 1111 0002"]
        assert {b.booking_id for b in store.bookings_between(date.min, date.max)} == {
            "phone-booking-0001", "phone-booking-0002", "event-booking-0001", "kiosk-booking-0001", "kiosk-booking-0003"}
        assert store.booking("phone-booking-0002").status == "cancelled"
        leased = store.booking("kiosk-booking-0003")
        lease = store.lease(expected["lease_unit_id"])
        assert leased.lease_unit_id == lease.id and lease.booking_id == leased.booking_id
        assert leased.reference == lease.reference and store.booking_on_lease(lease.id) == leased
        assert store.lease(expected["released"]).released_at is not None
        assert all(b.reference for b in store.bookings_between(date.min, date.max))
        kiosk = store.kiosk_named("入口")
        assert store.receipt(kiosk.id, "op-kiosk-000001").result["booking_id"] == "kiosk-booking-0001"
        assert store.receipt(kiosk.id, "op-kiosk-000004").result["released"] == [expected["released"]]
        assert store.dead_letter(kiosk.id, "op-kiosk-000002").error["code"] == "invalid_jobseeker_no"
        assert store.credential(expected["credential_id"]).staff_id == expected["staff_id"]
        assert store.staff_member(expected["staff_id"]).name == "山田 管理者"
        assert [r.jobseeker_no for r in store.restrictions_for("28010-99999")] == ["28010-99999"]
        assert store.rules() == {"LEASE_UNITS_PER_DAY": 1} and store.closures() == {date(2026, 12, 4): "庁舎点検"}
        assert [v.booking_id for v in store.visits_of("28010-10001")] == ["phone-booking-0001"]
        check = store.verify_audit()
        assert check.ok and check.entries == len(old_audit)
        store.audit(NOW, "test", "after.migration")
    assert authenticate(store, expected["token"]).id == kiosk.id
    backend.close()
    kept = list(data_dir.glob("format-1-*"))
    assert len(kept) == 1 and (kept[0] / "config.json").exists() and not (data_dir / "config.json").exists()
    again = open_backend(data_dir)
    with again.office().transaction():
        assert again.office().verify_audit().ok and again.office().audit_head()["count"] == len(old_audit) + 1
    again.close()


def test_opening_a_long_history_reads_none_of_it(data_dir):
    """Start-up, a CLI command and a returning visitor read index buckets and one day, never the history."""
    backend = open_backend(data_dir)
    office_service.add_room(backend.office(), NOW, "test", "zoom", "845 0000 0001")
    store = backend.office()
    with store.transaction():
        for n in range(300):
            start = make_booking().start.replace(month=1 + n % 11, day=1 + n % 27)
            store.save_booking(make_booking(booking_id=f"old-{n}", start=start, jobseeker_no=f"28010-{n % 7:05d}"))
    backend.close()
    fresh = open_backend(data_dir)
    store = fresh.office()
    with store.transaction():
        assert len(store.visits_of("28010-00003")) > 30
    create_booking(store, ctx(), make_payload(jobseeker_no="28010-00003"), NOW)
    loaded = [name for name in fresh.engine._files if "/bookings/" in name]
    assert loaded == ["offices/main/bookings/2026-12/2026-12-03.json"]
    fresh.close()


def test_a_cache_too_small_for_the_history_reads_files_again_and_loses_no_change(data_dir, monkeypatch):
    """Clean files are let go over the cache's budget and read again; a file with changes not yet
    checkpointed is never let go, whatever the budget."""
    monkeypatch.setattr(engine_module, "CACHE_BYTES", 4096)
    backend = open_backend(data_dir)
    store = backend.office()
    days = [date(2026, month, day) for month in range(1, 12) for day in (5, 15, 25)]
    with store.transaction():
        for n, day in enumerate(days):
            store.save_booking(make_booking(booking_id=f"b-{n}", start=make_booking().start.replace(month=day.month, day=day.day)))
    with store.transaction():                      # nothing written out yet: every file is still held
        assert [store.booking(f"b-{n}").start.date() for n in range(len(days))] == days
    backend.engine.checkpoint()
    with store.transaction():
        assert [len(store.bookings_on(day)) for day in days] == [1] * len(days)
        store.save_booking(store.booking("b-0").cancel(NOW, "staff"))
    assert len(backend.engine._lru) < len(days)    # clean files were let go...
    with store.transaction():                      # ...and read again as they were
        assert [store.booking(f"b-{n}").status for n in range(len(days))] == ["cancelled"] + ["confirmed"] * (len(days) - 1)
    backend.close()
    again = open_backend(data_dir)
    with again.office().transaction():
        assert again.office().booking("b-0").status == "cancelled" and len(again.office().bookings_on(days[-1])) == 1
    again.close()
