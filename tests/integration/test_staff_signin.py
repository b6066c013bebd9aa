"""Staff sign-in with security keys (X5), against the real WebAuthn verification (py_webauthn)
and a software security key (tests/webauthn_authenticator.py); RP ID localhost."""
import json
from datetime import timedelta

import pytest

from tests.factories import NOW
from tests.webauthn_authenticator import SoftAuthenticator

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
        store.save_staff({"id": "s2", "name": "佐藤 職員", "role": "staff", "active": True, "created_at": NOW.isoformat()})
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
