"""Statistics by week as charts, and each chart's numbers as CSV: without names, numbers or devices."""
import csv
import io
from datetime import timedelta

from flask import Response, abort

from ...domain.calendar import tokyo
from ...domain.exports import spreadsheet_row
from ...i18n import NATIVE_NAMES, page_translator
from ...services import stats as stats_service
from ...staff_strings import STAFF_STRINGS
from ...views import office, store
from .. import bp, charts, stats_view
from ..auth import console_page, staff_api
from ..pages import language, render


def _charts(lang: str) -> list:
    today = tokyo(office().now()).date()
    first, last = today - timedelta(weeks=12), today + timedelta(weeks=4)
    rows = stats_service.weekly(store(), first, last)
    return stats_view.charts(rows, first, last, lang, page_translator(STAFF_STRINGS, lang, "staff"), dict(NATIVE_NAMES),
                             today)


@bp.get("/staff/stats")
@console_page()
def stats_page():
    found = _charts(language())
    return render("stats", charts=[(c, charts.render(c)) for c in found], number=charts.number)


@bp.get("/staff/stats/<chart>.csv")
@staff_api(csrf=False)
def stats_csv(chart):
    """One chart's numbers, exactly as drawn (no personal data: counts only)."""
    if chart not in stats_view.CHARTS:
        abort(404)
    lang = language()
    found = next(c for c in _charts(lang) if c.id == chart)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in stats_view.csv_rows(found):
        writer.writerow(spreadsheet_row([charts.number(v) if not isinstance(v, str) else v for v in row]))
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="madoguchi-stats-{chart}-{lang}.csv"'})
