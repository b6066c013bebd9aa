"""The chart module draws accessible SVG whose bars carry exactly the numbers of their tables,
and the statistics view names weeks by their dates."""
import re
from datetime import date

from kiosk.staff import charts, stats_view
from kiosk.staff.charts import Chart, Series


def make_chart(**overrides) -> Chart:
    values = dict(id="bookings", title="Bookings <per> week", desc="From & to", categories=(("2026-11-30", "11/30–12/4"),
                  ("2026-12-07", "12/7–12/11")), series=(Series("bookings", "Bookings", (3, 0)),))
    values.update(overrides)
    return Chart(**values)


class Translator:
    """s.plain(key, **params) as the pages have it: the key and its params, enough to test with."""

    def plain(self, key, **params):
        return key + "".join(f" {k}={v}" for k, v in sorted(params.items()))


def test_a_chart_is_an_image_with_its_title_and_description_escaped():
    svg = str(charts.render(make_chart()))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="bookings-title bookings-desc"' in svg
    assert '<title id="bookings-title">Bookings &lt;per&gt; week</title>' in svg
    assert '<desc id="bookings-desc">From &amp; to</desc>' in svg


def test_every_bar_carries_its_value_and_no_inline_style_is_used():
    svg = str(charts.render(make_chart()))
    assert re.findall(r'data-category="([^"]+)" data-value="([^"]*)"', svg) == [("2026-11-30", "3"), ("2026-12-07", "0")]
    assert "style=" not in svg and "<script" not in svg


def test_a_long_date_range_label_is_drawn_on_two_lines():
    svg = str(charts.render(make_chart()))
    assert ">11/30–</text>" in svg and ">12/4</text>" in svg


def test_rates_are_drawn_on_a_zero_to_hundred_percent_axis_and_a_missing_rate_has_no_bar():
    chart = make_chart(id="rates", unit="%", series=(Series("a", "Attended", (75, None)), Series("b", "No-show", (25, None))))
    svg = str(charts.render(chart))
    assert ">100%</text>" in svg and ">75%</text>" in svg
    assert 'data-series="a" data-category="2026-12-07" data-value="" x=' in svg
    assert chart.rows() == [("2026-11-30", "11/30–12/4", 75, 25), ("2026-12-07", "12/7–12/11", None, None)]


def test_horizontal_bars_give_one_bar_per_category():
    chart = make_chart(id="languages", horizontal=True, categories=(("ja", "日本語"), ("en", "English")),
                       series=(Series("bookings", "Bookings", (4, 1)),))
    svg = str(charts.render(chart))
    assert svg.count('class="bar bar-0"') == 2 and ">日本語</text>" in svg


def test_the_axis_top_rounds_up_to_a_tidy_step():
    assert charts.nice_top(0) == (1, 1)
    assert charts.nice_top(5) == (5, 1)
    assert charts.nice_top(7) == (8, 2)
    assert charts.nice_top(23) == (25, 5)
    assert charts.nice_top(130) == (150, 50)


def test_weeks_are_named_by_their_monday_and_friday_in_japanese_and_english():
    assert stats_view.week_label(date(2025, 12, 1), "ja") == "12/1–12/5"
    assert stats_view.week_label(date(2025, 12, 1), "en") == "1–5 Dec"
    assert stats_view.week_label(date(2026, 11, 30), "en") == "30 Nov–4 Dec"
    assert stats_view.week_label(date(2026, 12, 28), "ja") == "12/28–1/1"


def test_the_charts_cover_every_week_of_the_period_and_rates_only_weeks_with_held_bookings():
    rows = [{"monday": date(2026, 11, 30), "bookings": 4, "attended": 3, "no_show": 1, "cancelled": 0,
             "languages": {"ja": 3, "en": 1}, "services": {"counseling": 4}, "channels": {"kiosk": 1, "phone": 3}}]
    found = {c.id: c for c in stats_view.charts(rows, date(2026, 11, 24), date(2026, 12, 8), "en", Translator(),
                                                {"ja": "日本語"})}
    assert list(found) == list(stats_view.CHARTS)
    assert [r[0] for r in found["bookings"].rows()] == ["2026-11-23", "2026-11-30", "2026-12-07"]
    assert [r[2] for r in found["bookings"].rows()] == [0, 4, 0]
    assert found["rates"].rows()[1][2:] == (75, 25) and found["rates"].rows()[0][2:] == (None, None)
    assert found["languages"].rows() == [("ja", "日本語", 3), ("en", "en", 1)]
    assert found["channels"].rows() == [("kiosk", "ch_kiosk", 1), ("phone", "ch_phone", 3)]
    assert found["services"].rows() == [("counseling", "svc_counseling", 4), ("event", "svc_event", 0)]


def test_a_charts_csv_has_a_header_then_its_rows():
    rows = stats_view.csv_rows(make_chart())
    assert rows == [["week_start", "label", "bookings"], ["2026-11-30", "11/30–12/4", 3], ["2026-12-07", "12/7–12/11", 0]]


def test_a_chart_without_any_number_says_so_instead_of_an_empty_frame():
    chart = make_chart(id="rates", unit="%", series=(Series("a", "Attended", (None, None)),), empty="Nothing yet")
    assert ">Nothing yet</text>" in str(charts.render(chart))
    assert "Nothing yet" not in str(charts.render(make_chart(empty="Nothing yet")))


def test_this_week_is_marked_in_the_weekly_charts():
    found = stats_view.charts([], date(2026, 11, 24), date(2026, 12, 8), "en", Translator(), {}, today=date(2026, 12, 2))
    svg = str(charts.render(found[0]))
    assert found[0].current == "2026-11-30" and 'class="current-week"' in svg and ">this_week</text>" in svg
    assert found[1].current == "2026-11-30" and found[2].current is None


def test_bookings_staff_took_on_the_phone_are_their_own_labelled_channel():
    rows = [{"monday": date(2026, 11, 30), "bookings": 3, "attended": 0, "no_show": 0, "cancelled": 0,
             "languages": {"ja": 3}, "services": {"counseling": 3}, "channels": {"kiosk": 1, "staff_phone": 2}}]
    found = {c.id: c for c in stats_view.charts(rows, date(2026, 11, 30), date(2026, 12, 4), "en", Translator(), {})}
    assert ("staff_phone", "ch_staff", 2) in found["channels"].rows()
