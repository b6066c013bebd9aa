"""The office's policy as the services need it: calendar, terms in force, visitor references."""
import hashlib
import hmac
from datetime import datetime

from ..domain.calendar import OfficeCalendar, tokyo
from ..domain.terms import TermsVersion, current_versions
from ..terms import builtin_versions
from datetime import date


def office_calendar(store, settings) -> OfficeCalendar:
    return OfficeCalendar(frozenset(store.closures()), settings.CUTOFF_POLICY, settings.BOOKING_HORIZON_DAYS)


def all_terms_versions(store) -> list[TermsVersion]:
    published = [
        TermsVersion(r["doc"], r["version"], date.fromisoformat(r["effective_from"]), r["texts"], r.get("title", {}))
        for r in store.published_terms()
    ]
    return list(builtin_versions()) + published


def terms_in_force(store, now: datetime) -> dict:
    """Document id -> the TermsVersion in force today."""
    return current_versions(all_terms_versions(store), tokyo(now).date())


def visitor_ref(secret: str, jobseeker_no: str) -> str:
    """A stable pseudonym for a 求職番号, for audit lines and logs (never the number itself)."""
    return "v_" + hmac.new(secret.encode(), jobseeker_no.encode(), hashlib.sha256).hexdigest()[:12]
