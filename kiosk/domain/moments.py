"""Times and days as they arrive from outside: ISO text, believed only within the years an office
could mean (2000 to 2100), so that arithmetic on them can never overflow."""
from datetime import date, datetime

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def parse_moment(text) -> datetime | None:
    """An ISO datetime with an offset, in the years an office could mean; None for anything else."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None or not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return None
    return moment


def parse_day(text) -> date | None:
    """YYYY-MM-DD in the years an office could mean; None for anything else."""
    if not isinstance(text, str) or len(text) > 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if EARLIEST_YEAR <= day.year <= LATEST_YEAR else None


def naive_or_aware(text, zone) -> datetime | None:
    """A time typed in a form: with an offset, or on the office's clock (`zone`) without one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)
