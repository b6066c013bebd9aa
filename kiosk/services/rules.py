"""The booking rules an office may change from the console (X4): they override the environment's
values, are kept in config.json, take effect at once and are audit-logged."""
from dataclasses import replace

from ..domain.calendar import CUTOFF_POLICIES
from ..domain.errors import S_, InvalidStaffRequest

# name -> (lowest, highest) for numbers; CUTOFF_POLICY is one of CUTOFF_POLICIES.
EDITABLE = {"CUTOFF_POLICY": None, "BOOKING_HORIZON_DAYS": (1, 366), "NO_SHOW_GRACE_MINUTES": (5, 60),
            "STRIKE_THRESHOLD": (0, 20), "MAX_FUTURE_BOOKINGS": (1, 10), "LEASE_UNITS_PER_DAY": (0, 50),
            "LEASE_DAYS": (0, 30), "RETENTION_DAYS": (7, 3650)}


def with_overrides(settings, store):
    """The environment's settings with the console's rules on top."""
    with store.transaction():
        overrides = store.meta("rules", {}) or {}
    return replace(settings, **{k: v for k, v in overrides.items() if k in EDITABLE})


def change_rules(store, now, actor: str, changes: dict) -> dict:
    """Validate and store rule changes; returns every override now in force."""
    clean = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            raise InvalidStaffRequest(S_("That setting cannot be changed here."))
        if name == "CUTOFF_POLICY":
            if value not in CUTOFF_POLICIES:
                raise InvalidStaffRequest(S_("That value is not allowed."))
            clean[name] = value
            continue
        low, high = EDITABLE[name]
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise InvalidStaffRequest(S_("That value is not allowed.")) from None
        if not low <= number <= high:
            raise InvalidStaffRequest(S_("That value is not allowed."))
        clean[name] = number
    with store.transaction():
        rules = dict(store.meta("rules", {}) or {}, **clean)
        store.set_meta("rules", rules)
        store.audit.append(now, actor, "rules.change", **{k.lower(): v for k, v in clean.items()})
    return rules
