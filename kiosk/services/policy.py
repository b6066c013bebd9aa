"""The office's policy as the services need it: the rules in force, the calendar, the terms."""
import hashlib
import hmac
from datetime import datetime

from ..domain.calendar import tokyo
from ..domain.policy import Policy
from ..domain.terms import TermsVersion, current_versions
from ..terms import builtin_versions


def policy_of(store, settings) -> Policy:
    """The booking rules in force for the store's office: the environment's settings with the
    console's overrides on top (the one accessor; nothing replaces shared settings at run time)."""
    with store.transaction():
        return Policy.from_settings(settings, store.rules())


def office_calendar(store, policy: Policy):
    return policy.calendar(store.closures())


def all_terms_versions(store) -> list[TermsVersion]:
    return list(builtin_versions()) + [t.as_version() for t in store.published_terms()]


def terms_in_force(store, now: datetime) -> dict:
    """Document id -> the TermsVersion in force today."""
    return current_versions(all_terms_versions(store), tokyo(now).date())


def visitor_ref(secret: str, jobseeker_no: str) -> str:
    """A stable pseudonym for a 求職番号, for audit lines and logs (never the number itself)."""
    return "v_" + hmac.new(secret.encode(), jobseeker_no.encode(), hashlib.sha256).hexdigest()[:12]
