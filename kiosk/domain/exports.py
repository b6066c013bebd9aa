"""Exports that offices open in Excel: a cell must never become a formula (OWASP, CSV injection).
A visitor's name is typed by the visitor; `=HYPERLINK(...)` as a name must stay text."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|")


def spreadsheet_safe(value) -> str:
    """The cell's text; one that a spreadsheet would read as a formula gets a leading apostrophe,
    which Excel and LibreOffice show as nothing and read as "this is text"."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_row(values) -> list[str]:
    return [spreadsheet_safe(v) for v in values]
