"""The storage contract on real files: atomic, durable, shared safely between processes."""
import multiprocessing
import os
import subprocess
import sys
from datetime import datetime, timedelta

import orjson

import pytest

from kiosk.services import office as office_service
from kiosk.services.bookings import Context, create_booking
from kiosk.storage import Store
from kiosk.domain.calendar import TOKYO
from tests.factories import NOW, day_records, make_booking, make_payload


def test_bookings_are_kept_in_one_file_per_day_in_a_folder_per_month(data_dir):
    store = Store(data_dir)
    with store.transaction():
        store.save_booking(make_booking())
        store.save_booking(make_booking(start=make_booking().start.replace(month=11)))
    store.checkpoint()
    files = sorted(str(p.relative_to(data_dir)) for p in data_dir.glob("bookings/*/*.json"))
    assert files == ["bookings/2026-11/2026-11-03.json", "bookings/2026-12/2026-12-03.json"]
    assert not list(data_dir.rglob("*.tmp"))


def test_a_booking_and_its_receipt_are_written_together(data_dir):
    store = Store(data_dir)
    booking = make_booking()
    with store.transaction():
        store.save_booking(booking, receipt=("op-1", {"status": "applied"}))
    record = next(iter(day_records(data_dir).values()))
    assert record["booking_id"] == booking.booking_id and record["receipts"] == {"op-1": {"status": "applied"}}
    fresh = Store(data_dir)
    with fresh.transaction():
        assert fresh.receipt("op-1") == {"status": "applied"}


def test_a_process_sees_what_another_process_wrote(data_dir):
    mine = Store(data_dir)
    with mine.transaction():
        assert mine.rooms() == []
    code = ("import sys; from kiosk.storage import Store; from tests.factories import make_booking, NOW;"
            "from kiosk.services.office import add_room; s = Store(sys.argv[1]);"
            "add_room(s, NOW, 'other', 'zoom', '84599990000');"
            "b = make_booking(booking_id='from-other-process');"
            "exec('with s.transaction(): s.save_booking(b)')")
    subprocess.run([sys.executable, "-c", code, str(data_dir)], check=True, cwd=os.getcwd())
    with mine.transaction():
        assert [r.meeting_id for r in mine.rooms()] == ["845 9999 0000"]
        assert mine.booking("from-other-process") is not None
        assert len(mine.bookings_on(make_booking().start.date())) == 1


def _book_in_process(data_dir, count, queue):
    store = Store(data_dir)
    ctx = Context(type("S", (), {"STRIKE_WINDOW_DAYS": 180, "STRIKE_THRESHOLD": 0, "MAX_FUTURE_BOOKINGS": 1,
                                 "CUTOFF_POLICY": "previous_day", "BOOKING_HORIZON_DAYS": 28})(), "s", "http://x")
    ok = 0
    for i in range(count):
        try:
            create_booking(store, ctx, make_payload(jobseeker_no=f"{os.getpid() % 100000:05d}-{i:04d}"), NOW)
            ok += 1
        except Exception as err:  # slot_full is expected once the rooms are taken
            assert getattr(err, "code", None) == "slot_full", err
    queue.put(ok)


def test_two_processes_booking_at_once_never_overbook(data_dir):
    store = Store(data_dir)
    for i in range(3):
        office_service.add_room(store, NOW, "test", "zoom", f"84511110{i:03d}")
    queue = multiprocessing.get_context("fork").Queue()
    procs = [multiprocessing.get_context("fork").Process(target=_book_in_process, args=(data_dir, 4, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert sum(queue.get(timeout=5) for _ in procs) == 3
    with store.transaction():
        assert len(store.bookings_on(make_booking().start.date())) == 3


def test_a_failed_write_leaves_the_file_and_the_cache_as_they_were(data_dir, monkeypatch):
    store = Store(data_dir)
    first = make_booking()
    with store.transaction():
        store.save_booking(first)
    store.checkpoint()
    day_file = data_dir / "bookings" / "2026-12" / "2026-12-03.json"
    before = day_file.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    monkeypatch.setattr(os, "fdatasync", disk_full)
    with pytest.raises(OSError), store.transaction():
        store.save_booking(make_booking())
    monkeypatch.undo()
    assert day_file.read_bytes() == before
    assert not list(data_dir.rglob(".*.tmp"))
    with store.transaction():
        assert [b.booking_id for b in store.bookings_on(first.start.date())] == [first.booking_id]


def test_the_audit_log_chain_verifies_and_detects_an_edit(data_dir):
    store = Store(data_dir)
    for day in range(3):
        office_service.add_closure(store, NOW, "staff", NOW.date().replace(day=20 + day))
    assert store.audit.verify() == {"ok": True, "entries": 3, "error": None}
    path = data_dir / "audit-2026-12.jsonl"
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace("2026-12-21", "2026-12-24")
    path.write_text("\n".join(lines) + "\n")
    result = store.audit.verify()
    assert not result["ok"] and "line was changed" in result["error"]


def test_removing_an_audit_line_breaks_the_chain(data_dir):
    store = Store(data_dir)
    for day in range(3):
        office_service.add_closure(store, NOW, "staff", NOW.date().replace(day=20 + day))
    path = data_dir / "audit-2026-12.jsonl"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[2]]) + "\n")
    assert "chain broken" in store.audit.verify()["error"]


def test_a_day_file_rewritten_from_cached_fragments_has_the_same_bytes_as_a_full_encoding(data_dir):
    store = Store(data_dir)
    bookings = [make_booking(start=datetime(2026, 12, 3, 10, 30, tzinfo=TOKYO), room=f"r{i}") for i in range(5)]
    with store.transaction():
        for b in bookings:
            store.save_booking(b)
        store.save_booking(bookings[2].cancel(NOW, "visitor"))                 # changed in place by TinyDB
        store.save_booking(bookings[4].reschedule(NOW, "staff", bookings[4].start + timedelta(days=1),
                                                  bookings[4].end + timedelta(days=1)))  # removed from this day
    store.checkpoint()
    path = data_dir / "bookings" / "2026-12" / "2026-12-03.json"
    on_disk = path.read_bytes()
    assert on_disk == orjson.dumps(orjson.loads(on_disk))
    statuses = {r["booking_id"]: r["status"] for r in orjson.loads(on_disk)["bookings"].values()}
    assert statuses == {b.booking_id: "cancelled" if b is bookings[2] else "confirmed" for b in bookings[:4]}
    store.close()


def test_a_move_to_another_day_is_written_new_day_first_even_when_the_old_day_changed_before(data_dir):
    """The crash rule of a move (BookingIndex.add) needs the new day on disk before the old day loses it."""
    store = Store(data_dir)
    moving = make_booking()
    with store.transaction():
        store.save_booking(moving)
    with store.transaction():
        store.save_booking(make_booking(room="r2"))                      # the old day is dirty first
        store.save_booking(moving.reschedule(NOW, "staff", moving.start + timedelta(days=1),
                                             moving.end + timedelta(days=1)))
        order = [s.path.name for s in store._commit.dirty]
    assert order.index("2026-12-04.json") < order.index("2026-12-03.json")
    store.close()
