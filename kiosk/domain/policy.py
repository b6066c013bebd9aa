"""The booking rules in force for an office: the environment's settings with the console's
overrides on top (services/rules.py builds it; its defaults live in config.py alone)."""
from dataclasses import dataclass
from datetime import timedelta

from .calendar import OfficeCalendar

# Setting name -> Policy field, for the rules staff may change in the console.
FIELDS = {"CUTOFF_POLICY": "cutoff_policy", "BOOKING_HORIZON_DAYS": "horizon_days",
          "NO_SHOW_GRACE_MINUTES": "grace_minutes", "STRIKE_WINDOW_DAYS": "strike_window_days",
          "STRIKE_THRESHOLD": "strike_threshold", "MAX_FUTURE_BOOKINGS": "max_future_bookings",
          "LEASE_UNITS_PER_DAY": "lease_units_per_day", "LEASE_DAYS": "lease_days", "RETENTION_DAYS": "retention_days"}


@dataclass(frozen=True)
class Policy:
    cutoff_policy: str
    horizon_days: int
    grace_minutes: int
    strike_window_days: int
    strike_threshold: int
    max_future_bookings: int
    lease_units_per_day: int
    lease_days: int
    retention_days: int

    @classmethod
    def from_settings(cls, settings, overrides: dict | None = None) -> "Policy":
        values = {f: getattr(settings, name) for name, f in FIELDS.items()}
        values.update({FIELDS[name]: value for name, value in (overrides or {}).items() if name in FIELDS})
        return cls(**values)

    @property
    def no_show_grace(self) -> timedelta:
        return timedelta(minutes=self.grace_minutes)

    def calendar(self, closures) -> OfficeCalendar:
        return OfficeCalendar(frozenset(closures), self.cutoff_policy, self.horizon_days)

    def setting(self, name: str):
        """A rule by its setting's name (CUTOFF_POLICY, ...)."""
        return getattr(self, FIELDS[name])
