"""The flask CLI: office setup, exports and checks, with --json for scripts."""
import json
from datetime import timedelta

from kiosk.services import office as office_service
from kiosk.services.bookings import create_booking
from tests.factories import NOW, context, make_payload
from tests.stores import open_backend


def run_json(runner, *args):
    result = runner.invoke(args=[*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_rooms_are_added_listed_and_disabled(runner):
    room = run_json(runner, "room", "add", "--app", "zoom", "--meeting-id", "845 1234 5678", "--counselor", "佐藤")
    assert room == {"id": "r1", "app": "zoom", "meeting_id": "845 1234 5678", "counselor": "佐藤", "active": True, "demo": False}
    run_json(runner, "room", "add", "--app", "teleoffice", "--meeting-id", "TO-22")
    assert [r["id"] for r in run_json(runner, "room", "list")] == ["r1", "r2"]
    assert run_json(runner, "room", "disable", "r1")["active"] is False
    assert [r["active"] for r in run_json(runner, "room", "list")] == [False, True]


def test_a_duplicate_or_unknown_room_is_a_clear_error(runner):
    run_json(runner, "room", "add", "--app", "zoom", "--meeting-id", "84512345678")
    dup = runner.invoke(args=["room", "add", "--app", "zoom", "--meeting-id", "845 1234 5678"])
    assert dup.exit_code == 1 and "exists already" in dup.output and "Traceback" not in dup.output
    missing = runner.invoke(args=["room", "disable", "r9"])
    assert missing.exit_code == 1 and "r9" in missing.output


def test_a_closure_day_closes_the_calendar(runner, client):
    assert run_json(runner, "closure", "add", "2026-12-04", "--note", "庁舎点検") == {"day": "2026-12-04", "note": "庁舎点検"}
    day = client.get("/api/v1/calendar?from=2026-12-04&days=1").json["days"][0]
    assert (day["open"], day["reason"]) == (False, "closure")
    assert runner.invoke(args=["closure", "add", "2026-02-30"]).exit_code == 2


def test_a_days_bookings_are_listed_for_staff_scripts(runner, office, two_rooms):
    ctx = context(office)
    create_booking(office.store, ctx, make_payload(name="山田 花子", jobseeker_no="28010-11111"), NOW)
    listed = run_json(runner, "bookings", "list", "--date", "2026-12-03")
    assert [(b["name"], b["jobseeker_no"], b["status"], b["start"]) for b in listed] == [
        ("山田 花子", "28010-11111", "confirmed", "2026-12-03T10:30:00+09:00")]
    assert run_json(runner, "bookings", "list", "--date", "2026-12-04") == []


def test_the_demo_office_is_cleared(tmp_path, clock):
    from app import create_app
    app = create_app({"KIOSK_DATA_DIR": str(tmp_path / "demo"), "SECRET_KEY": "x", "CLOCK": clock})
    runner = app.test_cli_runner()
    assert run_json(runner, "room", "list") == []                  # only `python app.py` seeds by itself
    assert run_json(runner, "demo")["seeded"] is True
    assert len(run_json(runner, "room", "list")) == 2
    assert len(run_json(runner, "event", "list")) == 1
    assert run_json(runner, "demo", "--clear") == {"rooms_removed": 2, "events_removed": 1}
    assert run_json(runner, "room", "list") == [] and run_json(runner, "event", "list") == []
    assert run_json(create_app({"KIOSK_DATA_DIR": str(tmp_path / "demo"), "SECRET_KEY": "x", "CLOCK": clock})
                    .test_cli_runner(), "room", "list") == []  # a restart does not bring it back


def test_the_sweep_marks_no_shows_and_records_strikes(runner, office, clock, two_rooms):
    ctx = context(office)
    booking, _ = create_booking(office.store, ctx, make_payload(jobseeker_no="28010-22222"), NOW)
    clock.now = booking.start + timedelta(minutes=9)
    assert run_json(runner, "sweep") == {"no_show": []}
    clock.now = booking.start + timedelta(minutes=10)
    assert run_json(runner, "sweep") == {"no_show": [booking.booking_id]}
    assert run_json(runner, "visitor", "show", "28010-22222")["strikes"] == 1
    assert run_json(runner, "audit", "verify")["ok"] is True


def test_the_strike_threshold_refuses_a_repeat_no_show(tmp_path, clock):
    from app import create_app
    app = create_app({"KIOSK_DATA_DIR": str(tmp_path / "i"), "DEMO": False, "SECRET_KEY": "x", "CLOCK": clock,
                      "STRIKE_THRESHOLD": 1})
    office = app.extensions["madoguchi"]
    office_service.add_room(office.store, NOW, "t", "zoom", "84511112222")
    client = app.test_client()
    first = client.post("/api/v1/bookings", json=make_payload(jobseeker_no="28010-33333")).json["booking"]
    clock.now = NOW + timedelta(days=2, hours=2)
    app.test_cli_runner().invoke(args=["sweep"])
    r = client.post("/api/v1/bookings", json=make_payload(jobseeker_no="28010-33333", language="en",
                                                          start="2026-12-08T10:00:00+09:00"))
    assert first["status"] == "confirmed"
    assert r.status_code == 403 and r.json["error"]["code"] == "restricted"
    assert "counter" in r.json["error"]["message"]


def test_a_staff_restriction_refuses_bookings_until_lifted(runner, client, two_rooms):
    run_json(runner, "visitor", "restrict", "２８０１０－４４４４４", "--reason", "暴言", "--until", "2026-12-31")
    r = client.post("/api/v1/bookings", json=make_payload(jobseeker_no="28010-44444"))
    assert r.json["error"]["code"] == "restricted"
    assert run_json(runner, "visitor", "lift", "28010-44444") == {"lifted": 1}
    assert client.post("/api/v1/bookings", json=make_payload(jobseeker_no="28010-44444")).status_code == 201


def test_the_audit_log_names_no_jobseeker_number(runner, data_dir):
    run_json(runner, "visitor", "restrict", "28010-44444", "--reason", "r", "--until", "2026-12-31")
    text = "".join(p.read_text() for p in data_dir.glob("offices/main/audit/*.jsonl"))
    assert "visitor.restrict" in text and "44444" not in text


def test_publishing_new_terms_makes_consent_to_the_old_ones_outdated(runner, client, clock, tmp_path, two_rooms):
    new_text = tmp_path / "ja.txt"
    new_text.write_text("改定後の利用規約\n", encoding="utf-8")
    published = run_json(runner, "terms", "publish", "--doc", "online-services", "--version", "2026-12",
                         "--effective-from", "2026-12-01", "--ja", str(new_text))
    assert published["version"] == "2026-12"
    old = client.post("/api/v1/bookings", json=make_payload())
    assert old.status_code == 422 and old.json["error"]["code"] == "terms_outdated"
    terms = client.get("/api/v1/terms").json["terms"]
    current = {t["doc"]: t for t in terms if t["lang"] == "ja"}
    assert current["online-services"]["version"] == "2026-12"
    consent = {"terms": [{"doc": d, "version": t["version"], "sha256": t["sha256"]} for d, t in current.items()]}
    assert client.post("/api/v1/bookings", json=make_payload(consent=consent)).status_code == 201
    versions = run_json(runner, "terms", "list")
    assert [v["version"] for v in versions if v["doc"] == "online-services"] == ["2024-04", "2026-12"]


def test_a_broken_audit_chain_fails_verify(runner, data_dir):
    run_json(runner, "closure", "add", "2026-12-04")
    run_json(runner, "closure", "add", "2026-12-07")
    path = next(data_dir.glob("offices/main/audit/*.jsonl"))
    path.write_text(path.read_text().replace("2026-12-04", "2026-12-11"))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "BROKEN" in result.output


def test_a_backup_taken_while_the_server_runs_holds_every_booking_it_confirmed(runner, client, two_rooms, tmp_path):
    booked = client.post("/api/v1/bookings", json=make_payload())
    assert booked.status_code == 201                      # in the server's journal, perhaps not yet in its day file
    copy = run_json(runner, "backup", str(tmp_path / "copy"))
    assert "offices/main/office.json" in copy["files"]
    backend = open_backend(tmp_path / "copy")
    restored = backend.office()
    with restored.transaction():
        assert restored.booking(booked.json["booking"]["booking_id"]).status == "confirmed"
        assert len(restored.rooms()) == 2
        assert restored.verify_audit().ok
    backend.close()
    again = runner.invoke(args=["backup", str(tmp_path / "copy")])
    assert again.exit_code == 1 and "not empty" in again.output


def _flask(tmp_path, *args, **env):
    import os
    import subprocess
    import sys
    from pathlib import Path
    environ = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "fresh"), "SECRET_KEY": "", **env}
    return subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "app", *args], capture_output=True,
                          text=True, env=environ, cwd=Path(__file__).parents[2])


def test_help_and_translate_touch_no_data(tmp_path):
    for args in (("--help",), ("translate", "--help"), ("translate", "status")):
        assert _flask(tmp_path, *args).returncode == 0
    assert not (tmp_path / "fresh").exists()


def test_a_command_closes_its_store_so_its_change_is_in_the_files(tmp_path):
    result = _flask(tmp_path, "closure", "add", "2026-12-04", "--json")
    assert result.returncode == 0, result.stderr
    journal = tmp_path / "fresh" / "journal"
    assert all(p.stat().st_size == 0 for p in journal.glob("*.log"))
    assert "2026-12-04" in (tmp_path / "fresh" / "offices" / "main" / "office.json").read_text()
    assert not list((tmp_path / "fresh" / "offices").rglob("rooms*")) and not (tmp_path / "fresh" / "secret_key").exists()


def test_an_office_is_exported_and_imported_as_another_office_by_the_cli(runner, client, two_rooms, tmp_path):
    assert client.post("/api/v1/bookings", json=make_payload()).status_code == 201
    exported = run_json(runner, "data", "export", str(tmp_path / "out"))
    assert exported["counts"]["bookings"] == 1 and exported["counts"]["rooms"] == 2
    imported = run_json(runner, "data", "import", str(tmp_path / "out"), "--office", "copy")
    assert imported["office"] == "copy" and imported["audit"]["ok"] and imported["counts"]["bookings"] == 1
    assert [r["meeting_id"] for r in run_json(runner, "room", "list", "--office", "copy")] == ["845 1111 0001", "845 1111 0002"]
    assert {o["slug"] for o in run_json(runner, "office", "list")} == {"main", "copy"}
    again = runner.invoke(args=["data", "import", str(tmp_path / "out"), "--office", "copy"])
    assert again.exit_code == 1 and "holds data already" in again.output
