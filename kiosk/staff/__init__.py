"""The staff console (X4, X5) as one feature package: its blueprint, the `@staff_api` and
`@console_page` checks (auth), the console service and its view models (console), a view module
per page (views/), its templates (pwa/templates/staff/) and its strings (kiosk/staff_strings.py)."""
from flask import Blueprint

bp = Blueprint("staff", __name__)

from .views import (audit, call, kiosks, settings, signin, stats, team, today, visitors, week)  # noqa: E402,F401  (routes)
