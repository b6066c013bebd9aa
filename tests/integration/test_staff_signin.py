"""Staff sign-in with security keys (X5), against the real WebAuthn verification (py_webauthn)
and a software security key (tests/webauthn_authenticator.py); RP ID localhost."""
import json
from datetime import timedelta

import pytest

from kiosk.domain.staff import StaffMember
from tests.factories import NOW, context, make_payload
from tests.webauthn_authenticator import SoftAuthenticator

pytestmark = pytest.mark.both_backends

ORIGIN = "https://localhost"
JSON = {"X-Madoguchi": "1"}


def post(client, url, body, headers=JSON, origin=ORIGIN):
    return client.post(url, json=body, headers=headers, base_url=origin)


def setup_token(runner, *args) -> str:
    result = runner.invoke(args=["staff", "setup-link", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["url"].rsplit("/staff/setup/", 1)[1]


def register(client, key, token, name="山田 管理者"):
    answer = post(client, "/api/v1/staff/register/options", {"link": token, "name": name})
    assert answer.status_code == 200, answer.json
    credential = key.create(answer.json["options"], ORIGIN)
    return post(client, "/api/v1/staff/register/verify", {"challenge_id": answer.json["challenge_id"], "credential": credential})


def signin_options(client, name="山田 管理者"):
    return post(client, "/api/v1/staff/signin/options", {"name": name}).json


def sign_in(client, key, name="山田 管理者", **answer_as):
    options = signin_options(client, name)
    credential = key.get(options["options"], answer_as.pop("origin", ORIGIN), **answer_as)
    return post(client, "/api/v1/staff/signin/verify", {"challenge_id": options["challenge_id"], "credential": credential})


@pytest.fixture
def admin_key(app, client, runner):
    key = SoftAuthenticator()
    assert register(client, key, setup_token(runner)).status_code == 201
    post(client, "/api/v1/staff/signout", {})
    return key


def audit_logs(app):
    """The office's monthly audit log files."""
    return list((app.extensions["madoguchi"].settings.data_dir / "offices" / "main" / "audit").glob("*.jsonl"))


def audit_text(app) -> str:
    """The audit log's lines, as the store holds them (any backend)."""
    store = app.extensions["madoguchi"].store
    with store.transaction():
        return "\n".join(line for lines in store.audit_lines().values() for line in lines)


def console(client):
    return client.get("/staff", base_url=ORIGIN, headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_the_setup_link_registers_the_first_admin_and_signs_them_in(client, runner):
    response = register(client, SoftAuthenticator(), setup_token(runner))
    assert response.status_code == 201 and response.json["staff"]["role"] == "admin"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-madoguchi=") and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = console(client)
    assert 'data-mode="today"' in page and "Register a second security key" in page


def test_a_setup_link_works_once_and_only_for_15_minutes(client, runner, clock):
    token = setup_token(runner)
    assert register(client, SoftAuthenticator(), token).status_code == 201
    again = post(client, "/api/v1/staff/register/options", {"link": token, "name": "誰か"})
    assert again.status_code == 410 and again.json["error"]["code"] == "link_unusable"
    assert client.get(f"/staff/setup/{token}", base_url=ORIGIN).status_code == 410


def test_an_expired_setup_link_is_refused(client, runner, clock):
    token = setup_token(runner)
    clock.now = NOW + timedelta(minutes=16)
    assert post(client, "/api/v1/staff/register/options", {"link": token, "name": "山田"}).status_code == 410


def test_no_setup_link_once_an_admin_exists(admin_key, runner):
    result = runner.invoke(args=["staff", "setup-link"])
    assert result.exit_code == 1 and "administrator exists" in result.output


def test_an_admin_signs_in_again_with_the_key(admin_key, client):
    assert "Sign in with your security key" in console(client)
    response = sign_in(client, admin_key)
    assert response.status_code == 200 and 'data-mode="today"' in console(client)


def test_a_replayed_assertion_is_refused(admin_key, client):
    options = signin_options(client)
    body = {"challenge_id": options["challenge_id"], "credential": admin_key.get(options["options"], ORIGIN)}
    assert post(client, "/api/v1/staff/signin/verify", body).status_code == 200
    assert post(client, "/api/v1/staff/signin/verify", body).status_code == 401


def test_a_wrong_origin_or_rp_id_is_refused(admin_key, client):
    assert sign_in(client, admin_key, origin="https://madoguchi.evil.example").status_code == 401
    assert sign_in(client, admin_key, rp_id="evil.example").status_code == 401


def test_missing_user_verification_is_refused(admin_key, client):
    admin_key.user_verification = False
    assert sign_in(client, admin_key).status_code == 401


def test_a_cloned_key_with_an_old_sign_count_is_refused(admin_key, client):
    assert sign_in(client, admin_key).status_code == 200
    admin_key.sign_count[admin_key.credential_ids[0]] = 0
    assert sign_in(client, admin_key).status_code == 401


def test_the_credential_of_another_user_is_refused(admin_key, app, client, runner):
    other = SoftAuthenticator()
    store, office = app.extensions["madoguchi"].store, app.extensions["madoguchi"]
    from kiosk.services import staff as staff_service
    with store.transaction():
        store.save_staff(StaffMember(id="s2", name="佐藤 職員", role="staff", created_at=NOW))
        token = staff_service._new_link(store, office.now(), "invite", "staff", "佐藤 職員", "s2")
    assert register(client, other, token, name="佐藤 職員").status_code == 201
    post(client, "/api/v1/staff/signout", {})
    options = signin_options(client, "山田 管理者")                    # the admin's challenge...
    credential = other.get(options["options"], ORIGIN, credential_id=other.credential_ids[0])   # ...signed by 佐藤's key
    response = post(client, "/api/v1/staff/signin/verify", {"challenge_id": options["challenge_id"], "credential": credential})
    assert response.status_code == 401


def test_state_changes_need_our_header_and_never_come_cross_site(admin_key, client):
    assert post(client, "/api/v1/staff/signin/options", {"name": "x"}, headers={}).status_code == 403
    assert post(client, "/api/v1/staff/signin/options", {"name": "x"},
                headers={**JSON, "Sec-Fetch-Site": "cross-site"}).status_code == 403


def test_a_session_ends_after_15_idle_minutes(admin_key, client, clock):
    sign_in(client, admin_key)
    clock.now = NOW + timedelta(minutes=14)
    assert 'data-mode="today"' in console(client)
    clock.now = NOW + timedelta(minutes=29, seconds=30)
    assert 'data-mode="today"' not in console(client)


def test_sign_out_everywhere_ends_every_session(admin_key, app, client):
    second = app.test_client()
    assert sign_in(client, admin_key).status_code == 200 and sign_in(second, admin_key).status_code == 200
    post(client, "/api/v1/staff/signout", {"everywhere": True})
    assert 'data-mode="today"' not in console(second)


def test_a_lost_key_is_recovered_with_a_console_link_and_the_audit_log_says_so(admin_key, client, runner):
    token = setup_token(runner, "--recover", "山田 管理者")
    new_key = SoftAuthenticator()
    assert register(client, new_key, token).status_code == 201
    post(client, "/api/v1/staff/signout", {})
    assert sign_in(client, new_key).status_code == 200
    log = runner.invoke(args=["audit", "verify", "--json"])
    assert log.exit_code == 0


# -- the console's actions ---------------------------------------------------------------------

def booked_today_or_later(client, **overrides):
    r = client.post("/api/v1/bookings", json=make_payload(language="en", **overrides))
    assert r.status_code == 201, r.json
    return r.json["booking"], r.json["booking"]["join_url"].rsplit("/j/", 1)[1]


@pytest.fixture
def signed_in(admin_key, client):
    assert sign_in(client, admin_key).status_code == 200
    return client


@pytest.mark.usefixtures("two_rooms")
def test_console_actions_show_on_the_phone_page_and_in_availability_and_in_the_audit_log(signed_in, runner):
    client = signed_in
    booking, token = booked_today_or_later(client)
    moved = post(client, f"/api/v1/staff/bookings/{booking['booking_id']}/reschedule", {"start": "2026-12-04T14:00"})
    assert moved.status_code == 200, moved.json
    status = client.get(f"/api/v1/join/{token}").json["booking"]
    assert status["start"] == "2026-12-04T14:00:00+09:00" and status["rescheduled_from"] == booking["start"]
    free = {s["start"]: s["free"] for d in client.get("/api/v1/calendar?from=2026-12-03&days=2").json["days"] for s in d["slots"]}
    assert free["2026-12-04T14:00:00+09:00"] == 1 and free[booking["start"]] == 2
    assert post(client, f"/api/v1/staff/bookings/{booking['booking_id']}/note", {"note": "通訳は英語"}).status_code == 200
    assert post(client, f"/api/v1/staff/bookings/{booking['booking_id']}/cancel", {}).status_code == 200
    assert client.get(f"/api/v1/join/{token}").json["booking"]["status"] == "cancelled"
    other, other_token = booked_today_or_later(client)
    assert post(client, f"/api/v1/staff/bookings/{other['booking_id']}/attended", {}).status_code == 200
    assert client.get(f"/api/v1/join/{other_token}").json["booking"]["status"] == "attended"
    result = runner.invoke(args=["audit", "verify", "--json"])
    assert result.exit_code == 0
    log = audit_text(runner.app)
    for action in ("booking.reschedule", "booking.note", "booking.cancel", "booking.attended"):
        assert action in log


@pytest.mark.usefixtures("two_rooms")
def test_a_bad_console_request_is_a_clear_refusal_that_changes_nothing(signed_in):
    booking, token = booked_today_or_later(signed_in)
    for body in ({"start": "soon"}, {"start": "2026-12-05T10:00"}, {"start": "2026-12-03T16:00"}):
        r = post(signed_in, f"/api/v1/staff/bookings/{booking['booking_id']}/reschedule", body,
                 headers={**JSON, "Accept-Language": "en"})
        assert 400 <= r.status_code < 500 and r.json["error"]["message"], r.json
    assert signed_in.get(f"/api/v1/join/{token}").json["booking"]["start"] == booking["start"]


def test_console_actions_need_a_session(admin_key, client):
    assert post(client, "/api/v1/staff/bookings/x/cancel", {}).status_code == 401


def test_an_invited_staff_member_registers_and_may_not_invite(signed_in, app):
    invite = post(signed_in, "/api/v1/staff/invite", {"name": "佐藤 職員", "role": "staff"})
    assert invite.status_code == 201
    colleague, other_key = app.test_client(), SoftAuthenticator()
    token = invite.json["url"].rsplit("/staff/setup/", 1)[1]
    assert register(colleague, other_key, token, name="ignored").json["staff"]["name"] == "佐藤 職員"
    refused = post(colleague, "/api/v1/staff/invite", {"name": "誰か", "role": "admin"})
    assert refused.status_code == 403


def test_a_revoked_key_signs_nobody_in(admin_key, signed_in, app):
    store = app.extensions["madoguchi"].store
    with store.transaction():
        (key,) = store.credentials()
    assert post(signed_in, f"/api/v1/staff/keys/{key.id}/revoke", {}).status_code == 200
    post(signed_in, "/api/v1/staff/signout", {})
    assert sign_in(signed_in, admin_key).status_code == 401


def test_a_disabled_account_is_signed_out_at_once(signed_in, app):
    invite = post(signed_in, "/api/v1/staff/invite", {"name": "佐藤 職員", "role": "staff"})
    colleague = app.test_client()
    register(colleague, SoftAuthenticator(), invite.json["url"].rsplit("/", 1)[1])
    assert 'data-mode="today"' in console(colleague)
    store = app.extensions["madoguchi"].store
    with store.transaction():
        member = store.staff_named("佐藤 職員")
    assert post(signed_in, f"/api/v1/staff/members/{member.id}/disable", {}).status_code == 200
    assert 'data-mode="today"' not in console(colleague)


@pytest.mark.usefixtures("two_rooms")
def test_visitors_are_looked_up_restricted_and_lifted_without_the_number_in_a_url(signed_in, client):
    number = "28010-54321"
    booked_today_or_later(client, jobseeker_no=number)
    standing = post(client, "/api/v1/staff/visitors/lookup", {"jobseeker_no": "２８０１０－５４３２１"}).json
    assert standing["jobseeker_no"] == number and standing["strikes"] == 0 and len(standing["bookings"]) == 1
    assert post(client, "/api/v1/staff/visitors/restrict", {"jobseeker_no": number, "reason": "無断欠席が続いた",
                                                             "until": "2027-03-31"}).status_code == 201
    refused = client.post("/api/v1/bookings", json=make_payload(jobseeker_no=number, start="2026-12-04T10:00:00+09:00"))
    assert refused.status_code == 403 and refused.json["error"]["code"] == "restricted"
    assert post(client, "/api/v1/staff/visitors/lift", {"jobseeker_no": number}).json["lifted"] == 1
    log = audit_text(client.application)
    assert "54321" not in log


@pytest.mark.usefixtures("two_rooms")
def test_statistics_count_by_week_without_identifiers_and_the_csv_is_for_staff(signed_in, client):
    booked_today_or_later(client, name="Zed Counted", jobseeker_no="28010-99999")
    page = client.get("/staff/stats", base_url=ORIGIN).get_data(as_text=True)
    assert "11/30–12/4" in page and "2026-W49" not in page and "Zed" not in page and "99999" not in page
    csv_text = client.get("/staff/export/day.csv?date=2026-12-03", base_url=ORIGIN).get_data(as_text=True)
    assert "Zed Counted" in csv_text and "28010-99999" in csv_text
    anonymous = client.application.test_client()
    assert anonymous.get("/staff/export/day.csv?date=2026-12-03", base_url=ORIGIN).status_code == 401


@pytest.mark.tinydb_only
def test_the_audit_page_shows_the_chain_check_and_names_a_tampered_line(signed_in, client):
    page = client.get("/staff/audit", base_url=ORIGIN, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-ok="true"' in page and "staff.signed_in" in page
    path = sorted(audit_logs(client.application))[0]
    lines = path.read_text().splitlines()
    lines[0] = lines[0].replace("staff.setup_link", "staff.setup_lenk")
    path.write_text("\n".join(lines) + "\n")
    page = client.get("/staff/audit", base_url=ORIGIN, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-ok="false"' in page and path.name in page


@pytest.mark.usefixtures("two_rooms")
def test_a_refused_kiosk_booking_is_listed_until_staff_called_the_visitor(signed_in, client, app):
    import uuid
    from kiosk.services import kiosks as kiosk_service
    office = app.extensions["madoguchi"]
    code = kiosk_service.enroll(office.store, office.now(), "test", "入口")["code"]
    token = client.post("/api/v1/kiosk/enroll", json={"code": code}).json["token"]
    op = {"op_id": str(uuid.uuid4()), "seq": 1, "type": "booking.create", "created_at": NOW.isoformat(),
          "payload": make_payload(name="Refused Visitor", start="2026-12-05T10:00:00+09:00")}   # a Saturday
    answer = client.post("/api/v1/sync", json={"schema": 1, "client_sent_at": NOW.isoformat(), "ops": [op]},
                         headers={"Authorization": f"Bearer {token}"}).json
    assert answer["results"][0]["status"] == "rejected"
    assert "Refused Visitor" in console(client)
    assert post(client, f"/api/v1/staff/dead-letters/{op['op_id']}/resolve", {}).status_code == 200
    unknown = post(client, "/api/v1/staff/dead-letters/no-such-op/resolve", {}, headers={**JSON, "Accept-Language": "en"})
    assert unknown.status_code == 404 and unknown.json["error"]["message"] == "There is no such refused booking."
    assert "Refused Visitor" not in console(client)


@pytest.mark.usefixtures("two_rooms")
def test_settings_from_the_console_change_what_visitors_can_book(signed_in, client):
    assert post(client, "/api/v1/staff/rooms", {"app": "zoom", "meeting_id": "845 2222 0003", "counselor": "田中"}).status_code == 201
    free = {s["start"]: s["free"] for d in client.get("/api/v1/calendar?from=2026-12-03&days=1").json["days"] for s in d["slots"]}
    assert free["2026-12-03T10:00:00+09:00"] == 3
    assert post(client, "/api/v1/staff/closures", {"day": "2026-12-04", "note": "庁舎点検"}).status_code == 201
    day = client.get("/api/v1/calendar?from=2026-12-04&days=1").json["days"][0]
    assert day["open"] is False and day["reason"] == "closure"
    made = post(client, "/api/v1/staff/events", {"kind": "seminar", "title": "面接セミナー", "start": "2026-12-10T14:00",
                                                 "end": "2026-12-10T15:00", "capacity": "10", "app": "zoom", "meeting_id": "845 0000 2222"})
    assert made.status_code == 201
    seat = client.post("/api/v1/bookings", json=make_payload(service="event", event_id=made.json["event_id"],
                                                             eligibility={})).json["booking"]
    token = seat["join_url"].rsplit("/j/", 1)[1]
    assert post(client, f"/api/v1/staff/events/{made.json['event_id']}/cancel", {"reason": ""}).status_code == 400
    assert post(client, f"/api/v1/staff/events/{made.json['event_id']}/cancel", {"reason": "講師の都合"}).status_code == 200
    assert client.get(f"/api/v1/join/{token}").json["booking"]["status"] == "cancelled"
    published = post(client, "/api/v1/staff/terms", {"doc": "online-services", "version": "2027-04",
                                                     "effective_from": "2027-04-01", "ja": "新しい規約"})
    assert published.status_code == 201
    page = client.get("/staff/settings", base_url=ORIGIN).get_data(as_text=True)
    assert "845 2222 0003" in page and "2026-12-04" in page and "2027-04" in page


@pytest.mark.usefixtures("two_rooms")
def test_the_week_view_shows_free_booked_and_kiosk_held_units(signed_in, client, app):
    from kiosk.services import kiosks as kiosk_service
    office = app.extensions["madoguchi"]
    booked_today_or_later(client)                                   # Dec 3, 10:30
    kiosk_service.enroll(office.store, office.now(), "test", "入口")
    with office.store.transaction():
        kiosk = office.store.kiosks()[0]
    kiosk_service.top_up_leases(office.store, context(office), kiosk, office.now())
    page = client.get("/staff/week?from=2026-11-30", base_url=ORIGIN, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "unit-booked" in page and "unit-free" in page and "held by 入口" in page


def test_settings_changes_need_an_admin(signed_in, app):
    invite = post(signed_in, "/api/v1/staff/invite", {"name": "佐藤 職員", "role": "staff"})
    colleague = app.test_client()
    register(colleague, SoftAuthenticator(), invite.json["url"].rsplit("/", 1)[1])
    assert post(colleague, "/api/v1/staff/closures", {"day": "2026-12-04"}).status_code == 403


@pytest.mark.usefixtures("two_rooms")
def test_staff_change_a_bookings_room_and_the_phone_page_shows_the_new_id(signed_in, client):
    booking, token = booked_today_or_later(client)
    other = "r2" if client.get(f"/api/v1/join/{token}").json["booking"]["room_id"].endswith("1") else "r1"
    assert post(client, f"/api/v1/staff/bookings/{booking['booking_id']}/room", {"room": other}).status_code == 200
    assert client.get(f"/api/v1/join/{token}").json["booking"]["room_id"] != booking["room_id"]
    assert post(client, f"/api/v1/staff/bookings/{booking['booking_id']}/room", {"room": "r9"}).status_code == 409


def test_booking_rules_changed_in_the_console_apply_at_once(signed_in, client):
    r = post(client, "/api/v1/staff/rules", {"BOOKING_HORIZON_DAYS": "7", "CUTOFF_POLICY": "previous_working_day"})
    assert r.status_code == 200 and r.json["BOOKING_HORIZON_DAYS"] == 7
    days = client.get("/api/v1/calendar?from=2026-12-01&days=20").json["days"]
    assert not any(d.get("bookable") for d in days if d["date"] > "2026-12-08")
    assert post(client, "/api/v1/staff/rules", {"RETENTION_DAYS": "1"}).status_code == 400
    assert post(client, "/api/v1/staff/rules", {"SECRET_KEY": "x"}).status_code == 400
    page = client.get("/staff/settings", base_url=ORIGIN).get_data(as_text=True)
    assert 'name="BOOKING_HORIZON_DAYS" value="7"' in page


def test_the_kiosk_enrollment_code_comes_with_a_qr_for_the_tablet(signed_in):
    made = post(signed_in, "/api/v1/staff/kiosks/enroll", {"name": "入口2"})
    assert made.status_code == 201 and made.json["qr_svg"].startswith("<svg") and "-" in made.json["code"]


def test_revoking_a_key_ends_every_session_it_started_at_once(admin_key, app, client):
    key_two = SoftAuthenticator()
    assert sign_in(client, admin_key).status_code == 200
    options = post(client, "/api/v1/staff/register/options", {}).json        # a second key, signed in
    second = key_two.create(options["options"], ORIGIN)
    assert post(client, "/api/v1/staff/register/verify", {"challenge_id": options["challenge_id"],
                                                           "credential": second}).status_code == 201
    elsewhere = app.test_client()                                            # another PC, signed in with the first key
    assert sign_in(elsewhere, admin_key).status_code == 200 and 'data-mode="today"' in console(elsewhere)
    store = app.extensions["madoguchi"].store
    with store.transaction():
        first = next(c for c in store.credentials() if c.id != second["rawId"])
    assert post(client, f"/api/v1/staff/keys/{first.id}/revoke", {}).status_code == 200
    assert 'data-mode="today"' not in console(elsewhere)                      # its session ended with the key
    assert 'data-mode="today"' not in console(client)                         # so did this one: it began with that key


def test_after_too_many_sign_ins_the_refusal_says_when_to_try_again(admin_key, client):
    answers = [post(client, "/api/v1/staff/signin/options", {"name": "山田 管理者"},
                    headers={**JSON, "Accept-Language": "en"}) for _ in range(31)]
    assert all(a.status_code == 200 for a in answers[:30])
    refused = answers[30]
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert refused.json["error"]["message"] == "Too many tries. Please wait a minute and try again."


def test_a_name_typed_without_its_space_or_in_full_width_signs_in(admin_key, client):
    assert sign_in(client, admin_key, name="山田管理者").status_code == 200
    post(client, "/api/v1/staff/signout", {})
    assert sign_in(client, admin_key, name="山田　管理者").status_code == 200
