"""Statistics by week, without names, numbers or devices."""
from datetime import timedelta

from ...domain.calendar import tokyo
from ...i18n import NATIVE_NAMES
from ...services import stats as stats_service
from ...views import office, store
from .. import bp
from ..auth import console_page
from ..pages import render


@bp.get("/staff/stats")
@console_page()
def stats_page():
    today = tokyo(office().now()).date()
    rows = stats_service.weekly(store(), today - timedelta(weeks=12), today + timedelta(weeks=4))
    return render("stats", weeks=rows, language_names=dict(NATIVE_NAMES))
