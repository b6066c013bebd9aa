"""The write-ahead journal on real files: a commit is durable as one line, files follow later."""
import os
import subprocess
import sys

from kiosk.storage import Store
from kiosk.storage.journal import Journal, encode_line
from tests.factories import make_booking

DAY = "bookings/2026-12/2026-12-03.json"

# A process that commits one booking and dies before its checkpoint, without a clean exit.
COMMIT_AND_DIE = (
    "import os, sys; from kiosk.storage import Store, store; from tests.factories import make_booking;"
    "store.CHECKPOINT_QUIET_S = 3600;"
    "s = Store(sys.argv[1]); b = make_booking(booking_id='kept-in-the-journal');"
    "exec('with s.transaction(): s.save_booking(b)'); os._exit(0)"
)


def commit_and_die(data_dir):
    subprocess.run([sys.executable, "-c", COMMIT_AND_DIE, str(data_dir)], check=True, cwd=os.getcwd())


def test_a_commit_is_durable_in_the_journal_before_its_file_is_written(data_dir):
    commit_and_die(data_dir)
    assert not (data_dir / DAY).exists() and (data_dir / "journal.log").stat().st_size > 0
    store = Store(data_dir)
    with store.transaction():
        assert store.booking("kept-in-the-journal") is not None
    assert (data_dir / "journal.log").stat().st_size == 0          # replayed into the day file
    assert "kept-in-the-journal" in (data_dir / DAY).read_text()
    store.close()


def test_a_line_cut_short_by_a_crash_is_ignored_and_the_lines_before_it_are_kept(data_dir):
    commit_and_die(data_dir)
    whole = encode_line([[DAY, {"put": [["bookings", "9", {"booking_id": "never-acknowledged"}]], "del": []}]])
    with open(data_dir / "journal.log", "ab") as journal:
        journal.write(whole[: len(whole) // 2])                    # the crash came mid-write
    store = Store(data_dir)
    with store.transaction():
        assert store.booking("kept-in-the-journal") is not None
        assert store.booking("never-acknowledged") is None
    store.close()


def test_replaying_the_journal_again_after_a_crash_mid_replay_gives_the_same_files(data_dir):
    commit_and_die(data_dir)
    lines = (data_dir / "journal.log").read_bytes()
    Journal(data_dir).replay()
    once = (data_dir / DAY).read_bytes()
    (data_dir / "journal.log").write_bytes(lines)                  # as if the crash came before the journal was emptied
    Journal(data_dir).replay()
    assert (data_dir / DAY).read_bytes() == once


def test_another_process_waits_for_the_checkpoint_and_reads_current_files(data_dir):
    server = Store(data_dir)
    with server.transaction():
        server.save_booking(make_booking(booking_id="from-the-server"))
    code = ("import sys; from kiosk.storage import Store; s = Store(sys.argv[1]);"
            "exec('with s.transaction(): print(s.booking(\"from-the-server\") is not None)')")
    out = subprocess.run([sys.executable, "-c", code, str(data_dir)], check=True, cwd=os.getcwd(),
                         capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "True"
    assert (data_dir / "journal.log").stat().st_size == 0          # the server checkpointed before letting go
    server.close()


def test_closing_the_store_writes_the_journal_into_the_files(data_dir):
    store = Store(data_dir)
    with store.transaction():
        store.save_booking(make_booking(booking_id="written-at-close"))
    store.close()
    assert "written-at-close" in (data_dir / DAY).read_text()
    assert (data_dir / "journal.log").stat().st_size == 0
