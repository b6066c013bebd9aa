"""The audit log (admins): the chain check, then the entries by day, staff member or action."""
from flask import request

from ...views import store
from .. import bp, console
from ..auth import console_page
from ..pages import language, render


@bp.get("/staff/audit")
@console_page(role="admin")
def audit_page():
    view = console.audit(store(), request.args, language())
    return render("audit", status=400 if view.error else 200, view=view)
