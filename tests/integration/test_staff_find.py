"""Find a visitor (X4, C11): by a booking's reference, by 求職番号 or by name and date, all in the
POST body; the answer is each visitor's bookings, strikes and restrictions."""
import pytest

from tests.factories import jobseeker_no
from tests.integration.test_staff_caller import caller
from tests.integration.test_staff_signin import JSON, ORIGIN, admin_key, post, signed_in  # noqa: F401

pytestmark = [pytest.mark.both_backends, pytest.mark.usefixtures("two_rooms")]


def find(client, **query):
    return post(client, "/api/v1/staff/visitors/find", query)


@pytest.fixture
def taken(signed_in):
    return post(signed_in, "/api/v1/staff/bookings", caller(name="山田 花子", jobseeker_no=jobseeker_no())).json["booking"]


def test_a_visitor_is_found_by_a_bookings_reference_typed_in_lower_case_and_full_width(signed_in, taken):
    typed = "".join(chr(ord(c) + 0xFEE0) for c in taken["reference"].lower())   # ｊｋ… full-width
    visitors = find(signed_in, reference=typed).json["visitors"]
    assert len(visitors) == 1 and [b["reference"] for b in visitors[0]["bookings"]] == [taken["reference"]]
    assert visitors[0]["strikes"] == 0 and visitors[0]["restrictions"] == []


def test_a_visitor_is_found_by_jobseeker_number_with_restrictions_shown(signed_in, taken):
    number = find(signed_in, reference=taken["reference"]).json["visitors"][0]["jobseeker_no"]
    assert post(signed_in, "/api/v1/staff/visitors/restrict",
                {"jobseeker_no": number, "reason": "暴言", "until": "2026-12-31"}).status_code == 201
    visitor = find(signed_in, jobseeker_no=number).json["visitors"][0]
    assert visitor["restrictions"][0]["reason"] == "暴言" and visitor["restrictions"][0]["in_force"] is True
    assert visitor["bookings"][0]["reference"] == taken["reference"]


@pytest.mark.parametrize("typed", ["山田花子", "山田　花子", " 山田  花子 ", "山田 花子"])
def test_a_visitor_is_found_by_name_and_date_with_spaces_and_width_ignored(signed_in, taken, typed):
    visitors = find(signed_in, name=typed, date="2026-12-03").json["visitors"]
    assert [b["reference"] for v in visitors for b in v["bookings"]] == [taken["reference"]]


def test_a_name_on_another_day_or_an_unknown_reference_finds_nobody(signed_in, taken):
    assert find(signed_in, name="山田花子", date="2026-12-04").json["visitors"] == []
    assert find(signed_in, reference="ZZZZZZ").json["visitors"] == []


def test_a_find_without_a_key_is_refused_and_one_without_our_header_or_session_too(signed_in, app, taken):
    assert find(signed_in).status_code == 400
    assert post(signed_in, "/api/v1/staff/visitors/find", {"reference": taken["reference"]}, headers={}).status_code == 403
    assert post(app.test_client(), "/api/v1/staff/visitors/find", {"reference": taken["reference"]}).status_code == 401
