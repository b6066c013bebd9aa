"""POST /api/v1/sync against the live server and real files (sync.md)."""
import pytest
import threading
from datetime import date, datetime, timedelta

import requests

from kiosk.domain.calendar import TOKYO
from kiosk.services import kiosks as kiosk_service
from kiosk.services import office as office_service
from tests.factories import NOW, make_payload
from tests.kiosk_client import Kiosk
from tests.live_api import bookable_starts, live_consent

pytestmark = pytest.mark.both_backends


def enroll(office, live_server, name="entrance"):
    """A kiosk whose clock is the server's test clock (as a kiosk's clock is the wall clock)."""
    code = kiosk_service.enroll(office.store, NOW, "test", name)["code"]
    return Kiosk.enrolled(live_server, code, clock=office.now)


def rooms(office, count):
    return [office_service.add_room(office.store, NOW, "test", "zoom", f"8451000{i:04d}") for i in range(count)]


def test_an_enrollment_code_gives_a_token_once(live_server, office):
    code = kiosk_service.enroll(office.store, NOW, "test", "entrance")["code"]
    first = requests.post(f"{live_server}/api/v1/kiosk/enroll", json={"code": code.lower().replace("-", " ")})
    again = requests.post(f"{live_server}/api/v1/kiosk/enroll", json={"code": code})
    assert first.status_code == 201 and first.json()["name"] == "entrance" and first.json()["token"]
    assert again.status_code == 400 and again.json()["error"]["code"] == "invalid_code"
    with office.store.transaction():
        stored = office.store.kiosk_named("entrance")
    assert first.json()["token"] not in str(stored) and stored.token_hash


def test_an_expired_enrollment_code_is_refused(live_server, office, clock):
    code = kiosk_service.enroll(office.store, NOW, "test", "entrance")["code"]
    clock.now = NOW + timedelta(hours=24)
    r = requests.post(f"{live_server}/api/v1/kiosk/enroll", json={"code": code})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_code"


def test_a_batch_mixing_valid_duplicate_and_refused_ops_answers_each_in_order(live_server, office):
    rooms(office, 1)
    kiosk = enroll(office, live_server)
    first = kiosk.op("booking.create", make_payload())
    assert kiosk.post([first]).json()["results"][0]["status"] == "applied"   # no leases asked for yet
    taken = kiosk.op("booking.create", make_payload())            # same slot, the only room: refused
    valid = kiosk.op("booking.create", make_payload(start="2026-12-10T11:00:00+09:00"))  # beyond the leased days
    bad = kiosk.op("booking.create", make_payload(jobseeker_no="1"))
    body = kiosk.post([first, taken, valid, bad], slips_for=[valid["op_id"]]).json()
    assert [(r["op_id"], r["status"]) for r in body["results"]] == [
        (first["op_id"], "duplicate"), (taken["op_id"], "rejected"), (valid["op_id"], "applied"), (bad["op_id"], "rejected")]
    assert body["results"][1]["error"]["code"] == "slot_full"
    assert body["results"][3]["error"]["code"] == "invalid_jobseeker_no"
    assert body["results"][2]["result"]["slip_svg"].startswith("<svg")   # asked for: the visitor waits
    assert "slip_svg" not in body["results"][0]["result"]
    with office.store.transaction():
        letters = office.store.dead_letters(kiosk_service.authenticate(office.store, kiosk.token).id)
    assert {d.op_id for d in letters} == {taken["op_id"], bad["op_id"]}


def test_a_lost_response_is_answered_duplicate_with_the_same_booking(live_server, office, data_dir):
    rooms(office, 2)
    kiosk = enroll(office, live_server)
    op = kiosk.op("booking.create", make_payload())
    first = kiosk.post([op]).json()["results"][0]                 # the kiosk never hears this answer
    replay = kiosk.post([op]).json()["results"][0]
    assert (first["status"], replay["status"]) == ("applied", "duplicate")
    assert replay["result"] == first["result"]
    with office.store.transaction():
        assert len(office.store.bookings_on(NOW.date() + timedelta(days=2))) == 1


def test_a_malformed_batch_is_400_and_applies_nothing(live_server, office):
    rooms(office, 2)
    kiosk = enroll(office, live_server)
    good = kiosk.op("booking.create", make_payload())
    for body in ({"schema": 2, "ops": [good]}, {"schema": 1, "ops": good}, {"schema": 1}, {"ops": [good]}):
        r = kiosk.http.post(f"{live_server}/api/v1/sync", json=body, headers={"Authorization": f"Bearer {kiosk.token}"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_request"
    with office.store.transaction():
        assert office.store.booking(good["payload"]["booking_id"]) is None


def test_an_op_that_cannot_be_read_is_refused_alone_and_the_rest_of_its_batch_applies(live_server, office):
    rooms(office, 2)
    kiosk = enroll(office, live_server)
    good = kiosk.op("booking.create", make_payload())
    bad = [dict(good, op_id=f"bad-op-{n:04d}", seq=s) for n, s in enumerate((-1, 2 ** 64, "7"))] + [{"op_id": "x"}, 42]
    r = kiosk.post([*bad, good])
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["rejected"] * 5 + ["applied"]
    assert {x["error"]["code"] for x in results[:5]} == {"invalid_request"}
    with office.store.transaction():
        assert office.store.booking(good["payload"]["booking_id"]) is not None
        kept = {d.op_id for d in office.store.dead_letters()}
    assert kept == {"bad-op-0000", "bad-op-0001", "bad-op-0002"}      # the ones that name themselves


def test_a_wrong_or_revoked_token_is_401(live_server, office):
    kiosk = enroll(office, live_server)
    assert kiosk.push().status_code == 200
    kiosk_service.revoke(office.store, NOW, "test", kiosk_service.kiosk_named(office.store, "entrance"))
    kiosk.op("booking.create", make_payload())
    r = kiosk.push()
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert len(kiosk.outbox) == 1
    assert Kiosk(live_server, "forged").push().status_code == 401


def test_leases_are_topped_up_and_hidden_from_everyone_else(live_server, office, client):
    rooms(office, 2)
    kiosk = enroll(office, live_server)
    leases = kiosk.push().json()["leases"]
    assert len(leases) == 2 * 5                                    # 2 units a day for the next 5 bookable days
    assert all(l["slip_svg"].startswith("<svg") and "/j/" in l["join_url"] for l in leases)
    assert kiosk.push().json()["leases"][0].get("slip_svg") is None  # the kiosk has it already
    lease = leases[0]
    day = client.get(f"/api/v1/calendar?from={lease['start'][:10]}&days=1").json["days"][0]
    free = {s["start"]: s["free"] for s in day["slots"]}
    assert free[lease["start"]] == 1                               # one of two rooms is held


def test_an_offline_booking_on_a_lease_applies_even_when_the_slot_filled_meanwhile(live_server, office, client, clock):
    rooms(office, 2)
    kiosk = enroll(office, live_server)
    lease = kiosk.push().json()["leases"][0]
    kiosk.op("booking.create", make_payload(start=lease["start"], lease_unit_id=lease["lease_unit_id"]))
    phone = client.post("/api/v1/bookings", json=make_payload(start=lease["start"]))  # takes the other room
    assert phone.status_code == 201
    assert client.post("/api/v1/bookings", json=make_payload(start=lease["start"])).json["error"]["code"] == "slot_full"
    result = kiosk.push().json()["results"][0]
    assert result["status"] == "applied"
    assert result["result"]["room_id"] == lease["room_id"] and result["result"]["join_url"] == lease["join_url"]


def test_a_booking_on_a_lease_that_expired_before_it_was_made_is_rejected(live_server, office, clock):
    rooms(office, 1)
    kiosk = enroll(office, live_server)
    lease = kiosk.push().json()["leases"][0]
    from datetime import datetime
    expired = datetime.fromisoformat(lease["expires_at"])
    clock.now = expired + timedelta(minutes=5)
    kiosk.op("booking.create", make_payload(start=lease["start"], lease_unit_id=lease["lease_unit_id"]),
             created_at=expired + timedelta(minutes=1))
    body = kiosk.push().json()
    assert body["results"][0]["status"] == "rejected" and body["results"][0]["error"]["code"] == "lease_expired"


def test_a_lease_booking_made_just_before_expiry_applies_when_synced_later(live_server, office, clock):
    rooms(office, 1)
    kiosk = enroll(office, live_server)
    lease = kiosk.push().json()["leases"][0]
    from datetime import datetime
    expires = datetime.fromisoformat(lease["expires_at"])
    clock.now = expires + timedelta(hours=9)                        # synced the next morning
    kiosk.op("booking.create", make_payload(start=lease["start"], lease_unit_id=lease["lease_unit_id"]),
             created_at=expires - timedelta(minutes=1))
    assert kiosk.push().json()["results"][0]["status"] == "applied"


def test_released_leases_return_to_the_pool(live_server, office, client):
    rooms(office, 1)
    kiosk = enroll(office, live_server)
    lease = kiosk.push().json()["leases"][0]
    kiosk.op("lease.release", {"lease_unit_ids": [lease["lease_unit_id"]]})
    body = kiosk.post(kiosk.outbox).json()
    assert body["results"][0]["status"] == "applied"
    assert client.post("/api/v1/bookings", json=make_payload(start=lease["start"])).status_code == 201


def test_two_offline_kiosks_and_a_phone_never_double_book(live_server, office, client, data_dir):
    rooms(office, 3)
    a, b = enroll(office, live_server, "a"), enroll(office, live_server, "b")
    leases_a, leases_b = a.push().json()["leases"], b.push().json()["leases"]
    day = leases_a[0]["start"][:10]
    assert {(l["start"], l["room_id"]) for l in leases_a}.isdisjoint({(l["start"], l["room_id"]) for l in leases_b})
    # Both kiosks go offline and book every unit they hold on that day; meanwhile phones book online.
    for kiosk, leases in ((a, leases_a), (b, leases_b)):
        for lease in leases:
            if lease["start"].startswith(day):
                kiosk.op("booking.create", make_payload(start=lease["start"], lease_unit_id=lease["lease_unit_id"]))
    slots = client.get(f"/api/v1/calendar?from={day}&days=1").json["days"][0]["slots"]
    phone_ok = sum(client.post("/api/v1/bookings", json=make_payload(start=s["start"])).status_code == 201
                   for s in slots for _ in range(3))
    threads = [threading.Thread(target=k.push) for k in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert a.outbox == [] == b.outbox and a.dead_letter == [] == b.dead_letter
    with office.store.transaction():
        day_bookings = [x for x in office.store.bookings_on(NOW.date().fromisoformat(day)) if x.is_active]
    units = [(x.start, x.room) for x in day_bookings]
    assert len(units) == len(set(units)) == phone_ok + 4             # every unit of the day at most once
    assert len(units) == 36                                          # 12 slots x 3 rooms, all booked, none twice


def test_kill_9_during_a_stream_of_syncs_loses_nothing_and_doubles_nothing(tmp_path):
    import signal

    from tests.server_process import start_server, stop
    from tests.stores import open_backend

    data_dir = tmp_path / "data"
    backend = open_backend(data_dir)
    store = backend.office()
    for i in range(8):
        office_service.add_room(store, NOW, "test", "zoom", f"8452000{i:04d}")
    # The server runs on the real clock: the code must be valid now, not at the tests' fixed NOW.
    code = kiosk_service.enroll(store, datetime.now(TOKYO), "test", "entrance")["code"]
    backend.close()
    settings = dict(DEMO=0, LEASE_UNITS_PER_DAY=0)
    server = start_server(data_dir, **settings)
    port = int(server.url.rsplit(":", 1)[1])
    kiosk = Kiosk.enrolled(server.url, code)
    units = bookable_starts(server.url, 28, each_free_unit=True)[:160]
    agreed = live_consent(server.url)
    created = [kiosk.op("booking.create", make_payload(start=start, consent=agreed, jobseeker_no=f"{40000 + n:05d}-{n:04d}"))
               for n, start in enumerate(units)]

    def stream():
        while kiosk.outbox:
            try:
                kiosk.push(limit=5)
            except requests.RequestException:
                return  # the server died: what it did not answer stays in the outbox

    worker = threading.Thread(target=stream)
    worker.start()
    while len(kiosk.confirmed) < 40 and worker.is_alive():
        threading.Event().wait(0.005)
    server.send_signal(signal.SIGKILL)
    server.wait(10)
    worker.join(30)
    applied_before_crash = dict(kiosk.confirmed)
    assert 40 <= len(applied_before_crash) < len(created)

    server = start_server(data_dir, port=port, **settings)
    try:
        for _ in range(10):
            if not kiosk.outbox:
                break
            kiosk.push()
        assert kiosk.outbox == [] and kiosk.dead_letter == []
        assert set(kiosk.confirmed) == {op["op_id"] for op in created}
        reopened = open_backend(data_dir).office()
        with reopened.transaction():
            stored = list(reopened.bookings_between(date.min, date.max))
            for op_id, result in applied_before_crash.items():
                assert reopened.booking(result["booking_id"]).room_id == result["room_id"]
        ids = [b.booking_id for b in stored]
        assert len(ids) == len(set(ids)) == len(created)
        assert len({(b.start, b.room) for b in stored}) == len(stored)
    finally:
        stop(server)


def test_the_kiosk_state_holds_everything_needed_offline(live_server, office):
    rooms(office, 2)
    kiosk = enroll(office, live_server)
    kiosk.push()
    state = kiosk.http.get(f"{live_server}/api/v1/kiosk/state", headers={"Authorization": f"Bearer {kiosk.token}"}).json()
    assert state["kiosk"]["name"] == "entrance" and state["server_time"]
    assert {t["doc"] for t in state["terms"]} == {"online-services", "online-counseling"}
    assert state["calendar"][0]["date"] == "2026-12-01" and state["services"]["counseling"]["meeting_apps"] == ["zoom"]
    assert len(state["leases"]) == 10 and all(l["slip_svg"].startswith("<svg") for l in state["leases"])
    assert state["settings"]["lease_units_per_day"] == 2 and "events" in state
    lean = kiosk.http.get(f"{live_server}/api/v1/kiosk/state?slips=0", headers={"Authorization": f"Bearer {kiosk.token}"}).json()
    assert all("slip_svg" not in l for l in lean["leases"])
    assert kiosk.http.get(f"{live_server}/api/v1/kiosk/state").status_code == 401
