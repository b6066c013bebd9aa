"""The booking rules an office may change from the console (X4): they override the environment's
values, are kept in the office's store, take effect at once (services read them through
policy.policy_of) and are audit-logged."""
from ..domain.calendar import CUTOFF_POLICIES
from ..domain.errors import S_, InvalidStaffRequest

# name -> (lowest, highest) for numbers; CUTOFF_POLICY is one of CUTOFF_POLICIES.
EDITABLE = {"CUTOFF_POLICY": None, "BOOKING_HORIZON_DAYS": (1, 366), "NO_SHOW_GRACE_MINUTES": (5, 60),
            "STRIKE_THRESHOLD": (0, 20), "MAX_FUTURE_BOOKINGS": (1, 10), "LEASE_UNITS_PER_DAY": (0, 50),
            "LEASE_DAYS": (0, 30), "RETENTION_DAYS": (7, 3650)}


def _clean(name: str, value):
    if name not in EDITABLE:
        raise InvalidStaffRequest(S_("That setting cannot be changed here."))
    if name == "CUTOFF_POLICY":
        if value not in CUTOFF_POLICIES:
            raise InvalidStaffRequest(S_("That value is not allowed."))
        return value
    low, high = EDITABLE[name]
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidStaffRequest(S_("That value is not allowed."))
    text = str(value).strip()
    if not text.isdigit() or len(text) > 6:
        raise InvalidStaffRequest(S_("That value is not allowed."))
    number = int(text)
    if not low <= number <= high:
        raise InvalidStaffRequest(S_("That value is not allowed."))
    return number


def change_rules(store, now, actor: str, changes: dict) -> dict:
    """Validate and store rule changes; returns every override now in force."""
    clean = {name: _clean(name, value) for name, value in changes.items()}
    with store.transaction():
        rules = dict(store.rules(), **clean)
        store.save_rules(rules)
        store.audit(now, actor, "rules.change", **{k.lower(): v for k, v in clean.items()})
    return rules
