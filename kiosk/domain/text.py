"""Text as it arrives from outside: valid Unicode (no lone surrogates), no control characters,
normalised, bounded. One place, so every field says no the same way."""
import unicodedata

MAX_DEPTH = 8        # an op's payload is a few levels deep at most
# Control characters, unassigned and private code points, and the bidirectional overrides that
# make a name display as another; joiners (U+200C, U+200D), which Nepali and emoji need, stay.
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _refused(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") or ch in BIDI


def is_valid_unicode(text: str) -> bool:
    """No lone surrogates: the text can be written as UTF-8 (and stored, and logged)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_line(raw, limit: int, form: str = "NFC") -> str | None:
    """One line of text: normalised (NFC, or NFKC where full-width should count as half-width),
    spaces collapsed, at most `limit` characters; None if it is not text at all (not a string,
    lone surrogates, control characters) or too long."""
    if not isinstance(raw, str) or not is_valid_unicode(raw):
        return None
    text = " ".join(unicodedata.normalize(form, raw).split())
    if len(text) > limit or any(map(_refused, text)):
        return None
    return text


def clean_note(raw, limit: int) -> str | None:
    """Free text that may keep its line breaks (a staff note): as clean_line, line by line."""
    if not isinstance(raw, str) or not is_valid_unicode(raw) or len(raw) > limit * 2:
        return None
    lines = [clean_line(line, limit) for line in raw.replace("\r\n", "\n").split("\n")]
    if any(line is None for line in lines):
        return None
    text = "\n".join(lines).strip()
    return text if len(text) <= limit else None


def well_formed(value, depth: int = 0) -> bool:
    """A JSON value from a client holds only valid text and sane numbers, nested at most MAX_DEPTH."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        return len(value) <= 10_000 and is_valid_unicode(value)
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, (int, float)):
        return abs(value) <= 2 ** 53 and value == value
    if isinstance(value, list):
        return len(value) <= 1000 and all(well_formed(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return len(value) <= 200 and all(isinstance(k, str) and is_valid_unicode(k) and well_formed(v, depth + 1)
                                         for k, v in value.items())
    return False


def storable(value, depth: int = 0):
    """The same value made safe to keep for staff: lone surrogates replaced, text and lists cut
    short, nothing deeper than MAX_DEPTH (a refused op is kept as it came, as far as it can be)."""
    if depth > MAX_DEPTH:
        return "…"
    if isinstance(value, str):
        value = value[:2000]
        return value.encode("utf-8", "replace").decode("utf-8") if not is_valid_unicode(value) else value
    if isinstance(value, list):
        return [storable(v, depth + 1) for v in value[:100]]
    if isinstance(value, dict):
        return {storable(str(k), depth + 1): storable(v, depth + 1) for k, v in list(value.items())[:100]}
    if isinstance(value, float) and (value != value or abs(value) == float("inf")):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2 ** 63 - 1:
        return str(value)
    return value


def name_key(name) -> str:
    """A name as it is compared: NFKC (full-width letters and spaces), no spaces at all, case
    folded; so 山田花子 finds 山田 花子 and 山田　花子."""
    return "".join(unicodedata.normalize("NFKC", str(name or "")).split()).casefold()
