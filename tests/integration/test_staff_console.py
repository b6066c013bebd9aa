"""The console's own endpoints (Today's poll, free times, undoing "attended") keep the staff
rule: our header, a session, the role; refused requests change nothing."""
import pytest

from tests.integration.test_staff_signin import (JSON, ORIGIN, admin_key, booked_today_or_later, post, register,  # noqa: F401
                                                 setup_token, signed_in)
from tests.stores import saved_booking
from tests.webauthn_authenticator import SoftAuthenticator

pytestmark = pytest.mark.both_backends


def get(client, url, headers=JSON):
    return client.get(url, headers=headers, base_url=ORIGIN)


def colleague_of(app, signed_in):
    """A signed-in member with the staff role (not an admin)."""
    invite = post(signed_in, "/api/v1/staff/invite", {"name": "佐藤 職員", "role": "staff"})
    colleague = app.test_client()
    assert register(colleague, SoftAuthenticator(), invite.json["url"].rsplit("/staff/setup/", 1)[1]).status_code == 201
    return colleague


def status_of(app, booking_id):
    store = app.extensions["madoguchi"].store
    with store.transaction():
        return store.booking(booking_id).status


@pytest.mark.usefixtures("two_rooms")
def test_todays_poll_lists_the_days_bookings_by_time_with_ready_visitors_and_their_actions(signed_in, app):
    from datetime import datetime
    from kiosk.domain.calendar import TOKYO
    later = saved_booking(app, start=datetime(2026, 12, 1, 11, 0, tzinfo=TOKYO), name="後 太郎")
    early = saved_booking(app, start=datetime(2026, 12, 1, 9, 30, tzinfo=TOKYO), name="先 花子",
                  checked_in_at=datetime(2026, 12, 1, 9, 20, tzinfo=TOKYO))
    saved_booking(app, start=datetime(2026, 12, 2, 9, 30, tzinfo=TOKYO), name="明日 次郎")
    day = get(signed_in, "/api/v1/staff/today").json
    assert day["date"] == "2026-12-01"
    assert [b["booking_id"] for b in day["bookings"]] == [early.booking_id, later.booking_id]
    first = day["bookings"][0]
    assert first["ready"] is True and first["time"] == "09:30" and first["name"] == "先 花子"
    assert first["actions"] == ["attended", "cancel", "reschedule", "room", "note"]
    assert [b["name"] for b in get(signed_in, "/api/v1/staff/today?date=2026-12-02").json["bookings"]] == ["明日 次郎"]


def test_todays_poll_needs_our_header_and_a_session(admin_key, signed_in, app):
    assert get(signed_in, "/api/v1/staff/today", headers={}).status_code == 403
    assert get(signed_in, "/api/v1/staff/today", headers={**JSON, "Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert get(app.test_client(), "/api/v1/staff/today").status_code == 401


@pytest.mark.usefixtures("two_rooms")
def test_attended_is_undone_back_to_confirmed_with_its_audit_line(signed_in, app):
    booking, _ = booked_today_or_later(signed_in)
    assert post(signed_in, f"/api/v1/staff/bookings/{booking['booking_id']}/attended", {}).json["booking"]["status"] == "attended"
    undone = post(signed_in, f"/api/v1/staff/bookings/{booking['booking_id']}/unattended", {})
    assert undone.status_code == 200 and undone.json["booking"]["status"] == "confirmed"
    again = post(signed_in, f"/api/v1/staff/bookings/{booking['booking_id']}/unattended", {})
    assert again.status_code == 409 and status_of(app, booking["booking_id"]) == "confirmed"
    store = app.extensions["madoguchi"].store
    with store.transaction():
        assert any(e["action"] == "booking.attended_undone" for e in store.audit_entries())


@pytest.mark.usefixtures("two_rooms")
def test_an_undo_without_our_header_or_a_session_is_refused_and_changes_nothing(signed_in, app):
    booking, _ = booked_today_or_later(signed_in)
    post(signed_in, f"/api/v1/staff/bookings/{booking['booking_id']}/attended", {})
    url = f"/api/v1/staff/bookings/{booking['booking_id']}/unattended"
    assert post(signed_in, url, {}, headers={}).status_code == 403
    assert post(signed_in, url, {}, headers={**JSON, "Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert post(app.test_client(), url, {}).status_code == 401
    assert status_of(app, booking["booking_id"]) == "attended"


@pytest.mark.usefixtures("two_rooms")
def test_free_times_are_a_week_of_starts_that_can_be_booked_and_skip_full_ones(signed_in, app):
    week = get(signed_in, "/api/v1/staff/free-times").json
    assert week["monday"] == "2026-11-30" and len(week["days"]) == 5
    by_day = {d["date"]: d for d in week["days"]}
    assert by_day["2026-12-01"]["starts"] == []                       # today: past its cut-off
    starts = [s["start"] for s in by_day["2026-12-03"]["starts"]]
    assert "2026-12-03T10:30:00+09:00" in starts
    for n in range(2):                                                # both rooms taken at 10:30
        booked_today_or_later(signed_in)
    starts = [s["start"] for s in get(signed_in, "/api/v1/staff/free-times?from=2026-12-03").json["days"][3]["starts"]]
    assert "2026-12-03T10:30:00+09:00" not in starts and "2026-12-03T11:00:00+09:00" in starts
    following = get(signed_in, f"/api/v1/staff/free-times?from={week['next']}").json
    assert following["monday"] == "2026-12-07"


def test_free_times_need_our_header_and_a_session(signed_in, app):
    assert get(signed_in, "/api/v1/staff/free-times", headers={}).status_code == 403
    assert get(app.test_client(), "/api/v1/staff/free-times").status_code == 401


def test_admin_pages_and_changes_are_refused_to_staff(signed_in, app):
    colleague = colleague_of(app, signed_in)
    assert get(colleague, "/api/v1/staff/today").status_code == 200
    for page in ("/staff/kiosks", "/staff/audit"):
        assert colleague.get(page, base_url=ORIGIN).status_code == 403
    assert post(colleague, "/api/v1/staff/kiosks/enroll", {"name": "入口"}).status_code == 403
    team = colleague.get("/staff/team", base_url=ORIGIN).get_data(as_text=True)
    assert "佐藤 職員" in team and "invite-form" not in team
    store = app.extensions["madoguchi"].store
    with store.transaction():
        assert store.kiosks() == []


def test_every_console_page_marks_itself_current_in_the_navigation(signed_in):
    for path in ("/staff", "/staff/week", "/staff/visitors", "/staff/kiosks", "/staff/team", "/staff/settings",
                 "/staff/audit", "/staff/stats"):
        page = signed_in.get(path, base_url=ORIGIN).get_data(as_text=True)
        assert f'href="{path}" aria-current="page"' in page, path
        assert page.count('aria-current="page"') == 1


@pytest.mark.usefixtures("two_rooms")
def test_the_printed_day_list_names_the_office_the_date_and_the_print_time(signed_in, app):
    from datetime import datetime
    from kiosk.domain.calendar import TOKYO
    saved_booking(app, start=datetime(2026, 12, 3, 10, 30, tzinfo=TOKYO), name="印刷 花子")
    page = signed_in.get("/staff/print?date=2026-12-03", base_url=ORIGIN, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Day list 2026-12-03" in page and "Printed 2026-12-01 09:00" in page and "印刷 花子" in page
    assert 'class="tick"' in page


def test_another_offices_console_links_and_scripts_stay_under_its_address(app, client):
    from kiosk.domain.offices import Office
    from tests.factories import NOW
    import json
    office = app.extensions["madoguchi"]
    office.backend.save_office(Office(slug="sanda", name="ハローワーク三田", created_at=NOW))
    url = json.loads(app.test_cli_runner().invoke(args=["staff", "setup-link", "--office", "sanda", "--json"]).output)["url"]
    token = url.rsplit("/staff/setup/", 1)[1]
    key = SoftAuthenticator()
    answer = post(client, "/o/sanda/api/v1/staff/register/options", {"link": token, "name": "三田 管理者"})
    credential = key.create(answer.json["options"], ORIGIN)
    assert post(client, "/o/sanda/api/v1/staff/register/verify",
                {"challenge_id": answer.json["challenge_id"], "credential": credential}).status_code == 201
    page = client.get("/o/sanda/staff", base_url=ORIGIN).get_data(as_text=True)
    assert 'data-office-base="/o/sanda"' in page and 'href="/o/sanda/staff/week"' in page
    assert 'href="/o/sanda/staff/print?date=2026-12-01"' in page
    assert get(client, "/o/sanda/api/v1/staff/today").status_code == 200
    assert get(client, "/api/v1/staff/today").status_code == 401          # not a session of the default office
