"""Every setting, read from the environment in one place (names are a contract: see README)."""
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path


def _bool(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    """What an office can set; each field is read from the environment variable of the same name."""

    KIOSK_DATA_DIR: str = "instance"
    DATABASE_URL: str = ""
    DATABASE_OWNER_URL: str = ""     # the schema owner, for `db upgrade` only (the server never uses it)
    HOST: str = "127.0.0.1"
    PORT: int = 8000
    THREADS: int = 8
    CONNECTION_LIMIT: int = 500
    SECRET_KEY: str = ""
    PUBLIC_BASE_URL: str = ""
    TRUST_PROXY: int = 0
    TRUST_PROXY_FROM: str = "127.0.0.1"
    OFFICE_NAME: str = "ハローワーク伊丹"
    OFFICE_NAME_EN: str = "Hello Work Itami"
    OFFICE_PHONE: str = ""
    DEFAULT_OFFICE: str = "main"
    DEMO: bool = True
    CUTOFF_POLICY: str = "previous_day"
    BOOKING_HORIZON_DAYS: int = 28
    NO_SHOW_GRACE_MINUTES: int = 10
    STRIKE_WINDOW_DAYS: int = 180
    STRIKE_THRESHOLD: int = 0
    MAX_FUTURE_BOOKINGS: int = 1
    SWEEP_INTERVAL_SECONDS: int = 60
    LEASE_UNITS_PER_DAY: int = 2
    LEASE_DAYS: int = 5
    RETENTION_DAYS: int = 90
    KIOSK_IDLE_SECONDS: int = 90
    KIOSK_IDLE_WARNING_SECONDS: int = 20
    RATE_LIMIT_BOOKINGS_PER_MINUTE: int = 30
    RATE_LIMIT_CANCELS_PER_MINUTE: int = 10
    RATE_LIMIT_ENROLLMENTS_PER_MINUTE: int = 10
    MAX_BODY_BYTES: int = 64 * 1024
    MAX_SYNC_BODY_BYTES: int = 1024 * 1024

    @property
    def data_dir(self) -> Path:
        return Path(self.KIOSK_DATA_DIR)


def _parse(field, text: str):
    if field.type in (bool, "bool"):
        return _bool(text)
    if field.type in (int, "int"):
        return int(text)
    return text


def load_settings(overrides: dict | None = None, environ=os.environ) -> Settings:
    """Defaults, then the environment, then `overrides` (tests pass a dict to create_app)."""
    values = {}
    for f in fields(Settings):
        if f.name in environ:
            try:
                values[f.name] = _parse(f, environ[f.name])
            except ValueError:
                raise SystemExit(f"Setting {f.name}={environ[f.name]!r} is not a valid {f.type}.") from None
    settings = replace(Settings(), **values)
    known = {f.name for f in fields(Settings)}
    settings = replace(settings, **{k: v for k, v in (overrides or {}).items() if k in known})
    if settings.CUTOFF_POLICY not in ("previous_day", "previous_working_day"):
        raise SystemExit("CUTOFF_POLICY must be previous_day or previous_working_day.")
    return settings
