"""The week view (X4): every unit of every open day, free, booked or held by a kiosk."""
from datetime import timedelta

from flask import request

from ...domain.calendar import tokyo
from ...services.week import week_units
from ...views import forms, office, policy, store
from .. import bp
from ..auth import console_page
from ..pages import render


@bp.get("/staff/week")
@console_page()
def week():
    today = tokyo(office().now()).date()
    monday = forms.parse_day(request.args.get("from", "")) or today
    if abs((monday - today).days) > 730:        # two years either way: nothing an office plans beyond
        monday = today
    monday -= timedelta(days=monday.weekday())
    days = week_units(store(), policy(), monday, office().now())
    return render("week", days=days, monday=monday, previous=monday - timedelta(days=7),
                  following=monday + timedelta(days=7), tokyo=tokyo)
