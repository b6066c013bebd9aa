"""The statistics page's charts from the weekly counts (services/stats.py): weeks named by their
dates, rates in percent, totals by service, language and channel. Pure: the counts, the period
and a translator in, charts out; the page, its tables and the CSV all read these charts."""
from collections import Counter
from datetime import date, timedelta

from .charts import Chart, Series

CHARTS = ("bookings", "rates", "services", "languages", "channels")
SERVICES = ("counseling", "event")
CHANNELS = ("kiosk", "phone")
CHANNEL_LABELS = {"kiosk": "ch_kiosk", "phone": "ch_phone", "staff_phone": "ch_staff"}   # staff_phone: taken by staff on a call
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def week_label(monday: date, lang: str) -> str:
    """An office week (Monday to Friday) by its dates: "12/1–12/5" in Japanese, "1–5 Dec" in English."""
    friday = monday + timedelta(days=4)
    if lang == "ja":
        return f"{monday.month}/{monday.day}–{friday.month}/{friday.day}"
    if monday.month == friday.month:
        return f"{monday.day}–{friday.day} {MONTHS_EN[monday.month - 1]}"
    return f"{monday.day} {MONTHS_EN[monday.month - 1]}–{friday.day} {MONTHS_EN[friday.month - 1]}"


def day_label(day: date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "ja" else f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def mondays(first: date, last: date) -> list[date]:
    monday = first - timedelta(days=first.weekday())
    found = []
    while monday <= last:
        found.append(monday)
        monday += timedelta(days=7)
    return found


def percent(part: int, whole: int):
    return round(100 * part / whole) if whole else None


def charts(rows: list[dict], first: date, last: date, lang: str, s, language_names: dict,
           today: date | None = None) -> list[Chart]:
    """The five charts for weekly `rows` from `first` to `last`, `today`'s week marked;
    `s.plain(key, **params)` translates."""
    by_monday = {r["monday"]: r for r in rows}
    weeks = [(m, by_monday.get(m, {})) for m in mondays(first, last)]
    categories = tuple((m.isoformat(), week_label(m, lang)) for m, _ in weeks)
    this_week = (today - timedelta(days=today.weekday())).isoformat() if today else None
    marked = {"current": this_week, "current_note": s.plain("this_week")}
    period = {"first": day_label(first, lang), "last": day_label(last, lang)}
    counts = [r.get("bookings", 0) for _, r in weeks]
    held = [r.get("attended", 0) + r.get("no_show", 0) for _, r in weeks]
    totals = {name: Counter() for name in ("services", "languages", "channels")}
    for r in rows:
        for name, counter in totals.items():
            counter.update(r[name])

    def totals_chart(name, keys, label, category):
        found = list(keys) + [k for k, _ in totals[name].most_common() if k not in keys]
        return Chart(name, s.plain(f"chart_{name}"), s.plain(f"chart_{name}_desc", **period),
                     tuple((k, label(k)) for k in found), (Series("bookings", s.plain("bookings"),
                                                                  tuple(totals[name][k] for k in found)),),
                     horizontal=True, category=s.plain(category))

    languages = [k for k, _ in totals["languages"].most_common()]
    return [
        Chart("bookings", s.plain("chart_bookings"), s.plain("chart_bookings_desc", total=sum(counts), **period),
              categories, (Series("bookings", s.plain("bookings"), tuple(counts)),), category=s.plain("week"),
              **marked),
        Chart("rates", s.plain("chart_rates"), s.plain("chart_rates_desc", **period), categories,
              (Series("attendance_rate_percent", s.plain("attendance_rate"),
                      tuple(percent(r.get("attended", 0), h) for (_, r), h in zip(weeks, held))),
               Series("no_show_rate_percent", s.plain("no_show_rate"),
                      tuple(percent(r.get("no_show", 0), h) for (_, r), h in zip(weeks, held)))), unit="%",
              category=s.plain("week"), empty=s.plain("chart_rates_empty"), **marked),
        totals_chart("services", SERVICES, lambda k: s.plain(f"svc_{k}") if k in SERVICES else k, "service"),
        totals_chart("languages", languages, lambda k: language_names.get(k, k), "language"),
        totals_chart("channels", CHANNELS, lambda k: s.plain(CHANNEL_LABELS[k]) if k in CHANNEL_LABELS else k,
                     "booked_at"),
    ]


def csv_rows(chart: Chart) -> list[list]:
    """The chart's numbers as a spreadsheet: a key, a label, then one column per series."""
    head = "week_start" if chart.id in ("bookings", "rates") else chart.id.rstrip("s")
    return [[head, "label", *(s.key for s in chart.series)]] + [list(r) for r in chart.rows()]
