"""Times and days as they arrive from outside: ISO text, believed only within the years an office
could mean (2000 to 2100), so that arithmetic on them can never overflow."""
from datetime import date, datetime

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def _from_iso(text, longest: int, parse):
    """`parse(text)` for short ISO text in the years an office could mean; None for anything else."""
    if not isinstance(text, str) or len(text) > longest:
        return None
    try:
        value = parse(text)
    except ValueError:
        return None
    return value if EARLIEST_YEAR <= value.year <= LATEST_YEAR else None


def parse_moment(text) -> datetime | None:
    """An ISO datetime with an offset, in the years an office could mean; None for anything else."""
    moment = _from_iso(text, 40, datetime.fromisoformat)
    return moment if moment is not None and moment.tzinfo is not None else None


def parse_day(text) -> date | None:
    """YYYY-MM-DD in the years an office could mean; None for anything else."""
    return _from_iso(text, 10, date.fromisoformat)


def naive_or_aware(text, zone) -> datetime | None:
    """A time typed in a form: with an offset, or on the office's clock (`zone`) without one."""
    moment = _from_iso(text, 40, datetime.fromisoformat)
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)
