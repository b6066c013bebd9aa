"""The statistics page's charts match their CSV downloads, and the audit page's filters take only
what they offer (a hostile value gets a message, never a 500)."""
import csv
import io
import re
from datetime import datetime, timedelta

import pytest

from kiosk.domain.calendar import TOKYO
from tests.integration.test_staff_signin import ORIGIN, admin_key, signed_in  # noqa: F401
from tests.stores import saved_booking

pytestmark = pytest.mark.both_backends
CHARTS = ("bookings", "rates", "services", "languages", "channels")


def some_weeks_of_bookings(app):
    first = datetime(2026, 11, 16, 10, 0, tzinfo=TOKYO)
    for n in range(7):
        saved_booking(app, start=first + timedelta(days=n * 3, minutes=30 * (n % 3)), status=("attended", "no_show", "confirmed")[n % 3],
              language="en" if n % 2 else "ja", channel="kiosk" if n % 3 else "phone",
              service="event" if n == 6 else "counseling")


def svg_values(page: str, chart: str) -> list:
    svg = re.search(rf'<svg[^>]*data-chart="{chart}".*?</svg>', page, re.S).group(0)
    return re.findall(r'data-series="([^"]+)" data-category="([^"]+)" data-value="([^"]*)"', svg)


def csv_values(client, chart: str, lang="ja") -> list:
    answer = client.get(f"/staff/stats/{chart}.csv?lang={lang}", base_url=ORIGIN)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    head, *rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    return [(series, row[0], row[2 + i]) for row in rows for i, series in enumerate(head[2:])]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_chart_draws_exactly_the_numbers_of_its_csv(signed_in, app, lang):
    some_weeks_of_bookings(app)
    page = signed_in.get(f"/staff/stats?lang={lang}", base_url=ORIGIN).get_data(as_text=True)
    for chart in CHARTS:
        drawn = svg_values(page, chart)
        assert drawn and sorted(drawn) == sorted(csv_values(signed_in, chart, lang)), chart
    assert ("bookings", "2026-11-16", "3") in svg_values(page, "bookings")
    assert ("no_show_rate_percent", "2026-11-16", "50") in svg_values(page, "rates")


def test_weeks_are_named_by_their_dates_never_by_iso_week(signed_in, app):
    some_weeks_of_bookings(app)
    ja = signed_in.get("/staff/stats?lang=ja", base_url=ORIGIN).get_data(as_text=True)
    en = signed_in.get("/staff/stats?lang=en", base_url=ORIGIN).get_data(as_text=True)
    assert "11/16–11/20" in ja and "16–20 Nov" in en and "30 Nov–4 Dec" in en
    assert not re.search(r"\d{4}-W\d\d", ja + en)


def test_the_statistics_csv_holds_no_personal_data_and_needs_a_session(signed_in, app):
    some_weeks_of_bookings(app)
    for chart in CHARTS:
        text = signed_in.get(f"/staff/stats/{chart}.csv", base_url=ORIGIN).get_data(as_text=True)
        assert "山田" not in text and "28010" not in text
        assert app.test_client().get(f"/staff/stats/{chart}.csv", base_url=ORIGIN).status_code == 401
    assert signed_in.get("/staff/stats/secrets.csv", base_url=ORIGIN).status_code == 404


def admin_name(app):
    store = app.extensions["madoguchi"].store
    with store.transaction():
        member = store.staff_members()[0]
    return member.id, member.name


def test_the_audit_page_names_people_and_labels_actions_without_raw_codes(signed_in, app):
    staff_id, name = admin_name(app)
    page = signed_in.get("/staff/audit?lang=ja", base_url=ORIGIN).get_data(as_text=True)
    assert name in page and "サインイン" in page and "セキュリティキー登録" in page
    shown = re.sub(r"<[^>]+>", " ", page.split("<tbody>")[1])
    assert f"staff:{staff_id}" not in page and "staff.signed_in" not in shown and "=" not in shown


def test_the_audit_filters_pick_by_action_staff_and_day(signed_in, app):
    staff_id, name = admin_name(app)
    page = signed_in.get("/staff/audit?lang=en&action=staff.signed_in", base_url=ORIGIN).get_data(as_text=True)
    actions = set(re.findall(r'<tr data-action="([^"]+)"', page))
    assert actions == {"staff.signed_in"}
    page = signed_in.get(f"/staff/audit?lang=en&staff={staff_id}&day=2026-12-01", base_url=ORIGIN).get_data(as_text=True)
    assert "staff.key_added" in set(re.findall(r'<tr data-action="([^"]+)"', page))
    page = signed_in.get("/staff/audit?lang=en&day=2020-01-01", base_url=ORIGIN).get_data(as_text=True)
    assert "No entries match." in page


@pytest.mark.parametrize("query, message", [
    ("day=2026-13-01", "That day is not a date"), ("day=<script>alert(1)</script>", "That day is not a date"),
    ("day=" + "9" * 5000, "That day is not a date"), ("staff=../../etc/passwd", "There is no such staff member."),
    ("staff=%00%ff", "There is no such staff member."), ("action=booking.create%27;--", "There is no such action."),
    ("action[]=x&day[]=y", None),
])
def test_a_hostile_audit_filter_gets_a_clear_message_never_a_500(signed_in, query, message):
    answer = signed_in.get(f"/staff/audit?lang=en&{query}", base_url=ORIGIN)
    text = answer.get_data(as_text=True)
    assert answer.status_code in (200, 400) and "<script>alert" not in text
    if message:
        assert answer.status_code == 400 and message in text
