"""The audit log (admins): the last entries and the hash-chain check."""
from ...views import store
from .. import bp, console
from ..auth import console_page
from ..pages import render


@bp.get("/staff/audit")
@console_page(role="admin")
def audit_page():
    return render("audit", view=console.audit(store()))
