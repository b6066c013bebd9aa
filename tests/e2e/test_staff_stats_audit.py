"""The statistics page as charts with weeks named by their dates, and the audit page with names
and labels, in real Chromium (1366x768, signed in with a security key), axe-clean in ja and en."""
import re
from datetime import timedelta

import pytest

from kiosk.domain.calendar import tokyo
from tests.e2e.conftest import assert_accessible, shot
from tests.e2e.test_staff_console import console, office_of, save  # noqa: F401  (the signed-in office PC)
from tests.factories import jobseeker_no, make_booking


def weeks_of_bookings(app):
    """Bookings over the past four weeks: some attended, some not, some at the kiosk, two languages."""
    monday = tokyo(office_of(app).now()).replace(hour=10, minute=0, second=0, microsecond=0)
    monday -= timedelta(days=monday.weekday())
    for n in range(14):
        start = monday - timedelta(weeks=1 + n % 4) + timedelta(days=n % 5, minutes=30 * (n % 3))
        save(app, make_booking(start=start, name="棒グラフ 次郎", jobseeker_no=jobseeker_no(),
                               status=("attended", "attended", "no_show", "cancelled")[n % 4],
                               language=("ja", "en", "vi")[n % 3], channel="kiosk" if n % 2 else "phone",
                               service="event" if n == 13 else "counseling"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_statistics_are_charts_with_weeks_named_by_their_dates(console, e2e_app, lang):
    weeks_of_bookings(e2e_app)
    console.goto(f"/staff/stats?lang={lang}")
    console.wait_for_selector('body[data-mode="stats"][data-ready]')
    assert console.locator("svg.chart[role=img]").count() == 5
    assert console.locator("svg.chart title").count() == 5 and console.locator("svg.chart desc").count() == 5
    labels = " ".join(console.locator("#chart-bookings text").evaluate_all("(ts) => ts.map((t) => t.textContent)"))
    pattern = r"\d{1,2}/\d{1,2}–" if lang == "ja" else r"\d{1,2}(–| [A-Z][a-z]{2}–)\d{1,2} [A-Z][a-z]{2}"
    assert re.search(pattern, labels.replace("– ", "–")), labels
    assert not re.search(r"\d{4}-W\d\d", console.content())
    heights = console.evaluate("() => [...document.querySelectorAll('#chart-bookings rect.bar')].map((r) => r.getBBox().height)")
    assert max(heights) > 20                                      # bars are drawn, not only numbers
    assert "棒グラフ" not in console.content()                       # no name on the page
    box = console.locator("#chart-bookings").bounding_box()
    assert box["width"] > 900 and box["height"] > 200
    assert_accessible(console, f"statistics ({lang})")
    console.locator("#h-bookings ~ details summary").click()
    assert_accessible(console, f"statistics with a table open ({lang})")
    shot(console, f"console-stats-charts-{lang}")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_audit_page_shows_names_and_labels_and_filters_by_action(console, e2e_app, lang):
    console.goto(f"/staff/audit?lang={lang}")
    console.wait_for_selector('body[data-mode="audit"][data-ready]')
    table = console.locator("table.audit tbody").inner_text()
    assert "山田 管理者" in table and "staff:" not in table
    assert ("セキュリティキー登録" if lang == "ja" else "Security key registered") in table
    assert "staff.key_added" not in table and "=" not in table
    assert console.locator("#audit-check[data-ok=true]").count() == 1
    assert_accessible(console, f"audit ({lang})")
    shot(console, f"console-audit-{lang}")
    console.select_option("select[name=action]", "staff.key_added")
    console.click(".audit-filters button[type=submit]")
    console.wait_for_selector('body[data-mode="audit"][data-ready]')
    assert set(console.locator("table.audit tbody tr").evaluate_all("(rows) => rows.map((r) => r.dataset.action)")) == \
        {"staff.key_added"}
    console.goto(f"/staff/audit?lang={lang}&day=yesterday")
    assert console.locator("#audit-filter-error").is_visible()
    assert_accessible(console, f"audit with a bad filter ({lang})")
