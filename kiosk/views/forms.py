"""What a staff form or JSON body sends, read field by field: text, days, times, counts. Anything
that is not what the field takes is a clear 400 naming the field; nothing is written."""
from ..domain.calendar import TOKYO
from ..domain.errors import S_, InvalidStaffRequest
from ..domain.moments import naive_or_aware, parse_day  # noqa: F401 (parse_day: for query strings)
from ..domain.text import clean_line, clean_note


def _refuse(name: str):
    err = InvalidStaffRequest(S_("The field “%(field)s” is not valid."), field=name)
    err.field = name
    return err


def text(body: dict, name: str, limit: int, required: bool = False, note: bool = False, form: str = "NFC") -> str:
    """A text field: one line (or a note's lines), normalised, at most `limit` characters."""
    raw = body.get(name, "")
    if raw is None:
        raw = ""
    cleaned = clean_note(raw, limit) if note else clean_line(raw, limit, form)
    if cleaned is None or (required and not cleaned):
        raise _refuse(name)
    return cleaned


def day(body: dict, name: str):
    found = parse_day(body.get(name))
    if found is None:
        raise _refuse(name)
    return found


def moment(value, name: str = "start"):
    """A time from a console form: Tokyo time unless it names its offset."""
    found = naive_or_aware(value, TOKYO)
    if found is None:
        raise InvalidStaffRequest(S_("The start time is not valid."))
    return found


def count(body: dict, name: str, low: int, high: int) -> int:
    raw = body.get(name)
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or len(str(raw)) > 7 or not str(raw).strip().isdigit():
        raise _refuse(name)
    number = int(str(raw).strip())
    if not low <= number <= high:
        raise _refuse(name)
    return number
