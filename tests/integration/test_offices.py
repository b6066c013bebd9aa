"""Offices are isolated (X8): office A's staff session, kiosk token and join links get nothing of
office B through any endpoint; each office's pages and API live under /o/<slug>/ (the default
office's at the root as always)."""
import json

import pytest

from kiosk.domain.offices import Office
from kiosk.services import kiosks as kiosk_service
from kiosk.services import office as office_service
from tests.factories import NOW, make_payload
from tests.integration.test_staff_signin import ORIGIN, register, setup_token
from tests.webauthn_authenticator import SoftAuthenticator

pytestmark = pytest.mark.both_backends


@pytest.fixture
def two_offices(office):
    office.backend.save_office(Office(slug="sanda", name="ハローワーク三田", name_en="Hello Work Sanda", phone="079-000",
                                      created_at=NOW))
    for slug, meeting in (("main", "845 1111 0001"), ("sanda", "845 2222 0001")):
        office_service.add_room(office.backend.office(slug), NOW, "test", "zoom", meeting)
    return office.backend


def test_each_office_books_under_its_own_address_and_sees_only_its_own(client, two_offices):
    mine = client.post("/api/v1/bookings", json=make_payload()).json["booking"]
    theirs = client.post("/o/sanda/api/v1/bookings", json=make_payload()).json["booking"]
    assert (mine["room_id"], theirs["room_id"]) == ("845 1111 0001", "845 2222 0001")
    assert client.get("/o/sanda/api/v1/office").json["office"]["name"] == "ハローワーク三田"
    assert client.get("/o/main/api/v1/office").json["office"]["slug"] == "main"
    assert client.get("/o/nowhere/api/v1/calendar").status_code == 404
    for url, booking in ((mine["join_url"], mine), (theirs["join_url"], theirs)):
        token = url.rsplit("/j/", 1)[1]
        assert client.get(f"/api/v1/join/{token}").json["booking"]["room_id"] == booking["room_id"]


def test_a_join_link_of_one_office_opens_nothing_under_another(client, two_offices):
    theirs = client.post("/o/sanda/api/v1/bookings", json=make_payload(jobseeker_no="28010-55555")).json["booking"]
    token = theirs["join_url"].rsplit("/j/", 1)[1]
    for method, path, body in (("get", f"/o/main/api/v1/join/{token}", None), ("get", f"/o/main/j/{token}", None),
                               ("post", f"/o/main/api/v1/join/{token}/cancel", {"last4": "5555"}),
                               ("post", f"/o/main/api/v1/join/{token}/checkin", {}),
                               ("get", f"/o/main/j/{token}/calendar.ics", None)):
        r = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
        assert r.status_code == 404, (path, r.status_code)
    assert client.post("/o/sanda/api/v1/bookings/lookup", json={"reference": theirs["reference"], "last4": "5555"}).status_code == 200
    assert client.post("/api/v1/bookings/lookup", json={"reference": theirs["reference"], "last4": "5555"}).status_code == 404


def test_a_kiosk_of_one_office_is_unknown_to_another(client, two_offices):
    code = kiosk_service.enroll(two_offices.office("main"), NOW, "test", "入口")["code"]
    token = client.post("/api/v1/kiosk/enroll", json={"code": code}).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/kiosk/state?terms=0", headers=auth).status_code == 200
    assert client.get("/o/main/api/v1/kiosk/state?terms=0", headers=auth).status_code == 200
    assert client.get("/o/sanda/api/v1/kiosk/state?terms=0", headers=auth).status_code == 401
    body = {"schema": 1, "ops": []}
    assert client.post("/o/sanda/api/v1/sync", json=body, headers=auth).status_code == 401
    assert client.post("/o/sanda/api/v1/kiosk/enroll", json={"code": code}).status_code == 400
    code_b = kiosk_service.enroll(two_offices.office("sanda"), NOW, "test", "三田入口")["code"]
    token_b = client.post("/o/sanda/api/v1/kiosk/enroll", json={"code": code_b}).json["token"]
    assert token_b.startswith("sanda.")                              # the token names its office
    state = client.get("/api/v1/kiosk/state?terms=0", headers={"Authorization": f"Bearer {token_b}"}).json
    assert state["office"]["slug"] == "sanda" and state["kiosk"]["name"] == "三田入口"


def test_a_staff_member_of_one_office_gets_nothing_of_another_through_any_staff_endpoint(app, client, two_offices):
    register(client, SoftAuthenticator(), setup_token(app.test_cli_runner()))      # an admin of the default office
    headers = {"X-Madoguchi": "1"}
    assert client.get("/staff", base_url=ORIGIN).get_data(as_text=True).count('data-mode="today"') == 1
    assert 'data-mode="today"' not in client.get("/o/sanda/staff", base_url=ORIGIN).get_data(as_text=True)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/o/<office>/api/v1/staff/") or "POST" not in rule.methods:
            continue
        path = rule.rule.replace("<office>", "sanda")
        for name in rule.arguments - {"office"}:
            path = path.replace(f"<{name}>", "x")
        if path.endswith(("/signin/options", "/signin/verify", "/register/options", "/register/verify", "/signout")):
            continue                                       # open to anyone: the ceremonies themselves
        r = client.post(path, json={}, headers=headers, base_url=ORIGIN)
        assert r.status_code in (401, 403), (path, r.status_code)
        checked += 1
    assert checked >= 15
    for page in ("/o/sanda/staff/week", "/o/sanda/staff/settings", "/o/sanda/staff/audit", "/o/sanda/staff/stats"):
        assert 'data-mode="signin"' in client.get(page, base_url=ORIGIN).get_data(as_text=True), page
    assert client.get("/o/sanda/staff/export/day.csv?date=2026-12-03", base_url=ORIGIN).status_code == 401
    assert client.get("/o/sanda/staff/stats/bookings.csv", base_url=ORIGIN).status_code == 401



def test_the_prefecture_sees_every_offices_counts_and_no_personal_data(app, client, two_offices):
    for start, number in (("2026-12-03T10:30:00+09:00", "28010-12345"), ("2026-12-03T11:00:00+09:00", "28010-12346")):
        assert client.post("/api/v1/bookings", json=make_payload(start=start, name="伊丹 花子",
                                                                  jobseeker_no=number)).status_code == 201
    assert client.post("/o/sanda/api/v1/bookings", json=make_payload(name="三田 太郎", jobseeker_no="28010-67890",
                                                                       language="vi")).status_code == 201
    cli = app.test_cli_runner()
    out = cli.invoke(args=["office", "stats", "--from", "2026-12-01", "--to", "2026-12-31", "--json"])
    counts = {o["office"]: o for o in json.loads(out.output)["offices"]}
    assert (counts["main"]["bookings"], counts["sanda"]["bookings"]) == (2, 1)
    assert counts["sanda"]["languages"] == {"vi": 1} and counts["sanda"]["name"] == "ハローワーク三田"
    for secret in ("伊丹 花子", "三田 太郎", "1234", "67890"):
        assert secret not in out.output
    assert [o["bookings"] for o in json.loads(cli.invoke(args=["office", "stats", "--json", "--from", "2027-01-01",
                                                               "--to", "2027-01-31"]).output)["offices"]] == [0, 0]
    refused = cli.invoke(args=["office", "stats", "--from", "2026-01-01", "--to", "2027-06-01"])
    assert refused.exit_code != 0 and "at most a year" in refused.output


def test_an_offices_first_admin_link_opens_under_that_offices_address(app, client, two_offices):
    out = app.test_cli_runner().invoke(args=["staff", "setup-link", "--office", "sanda", "--json"])
    url = json.loads(out.output)["url"]
    path = "/" + url.split("/", 3)[3]
    assert path.startswith("/o/sanda/staff/setup/")
    assert client.get(path, base_url=ORIGIN).status_code == 200
    assert client.get(path.removeprefix("/o/sanda"), base_url=ORIGIN).status_code == 410   # not a link of the default office
