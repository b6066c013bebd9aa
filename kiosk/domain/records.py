"""Records: frozen dataclasses that become JSON-ready dicts and come back, for every storage backend.

A field typed `datetime` or `date` (optionally `| None`) is stored as ISO text; a `tuple` field as
a list; everything else as it is (str, int, bool, dict, list). Fields left out of a stored record
take their default, and unknown keys are ignored, so old records stay readable.
"""
import typing
from dataclasses import fields
from datetime import date, datetime
from functools import cache
from types import UnionType


def _kind(hint) -> str:
    if typing.get_origin(hint) in (typing.Union, UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _kind(inner[0]) if len(inner) == 1 else "plain"
    if hint is datetime:
        return "datetime"
    if hint is date:
        return "date"
    if hint is tuple or typing.get_origin(hint) is tuple:
        return "tuple"
    return "plain"


@cache
def _kinds(cls) -> dict:
    hints = typing.get_type_hints(cls)
    return {f.name: _kind(hints[f.name]) for f in fields(cls)}


def _out(kind, value):
    if value is None:
        return None
    if kind in ("datetime", "date"):
        return value.isoformat()
    if kind == "tuple":
        return [dict(v) if isinstance(v, dict) else v for v in value]
    return value


def _in(kind, value):
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "tuple":
        return tuple(value)
    return value


class Record:
    """Mixin for frozen dataclasses: `to_record()` and `from_record(dict)`."""

    def to_record(self) -> dict:
        """A JSON-ready dict; fields that are None are left out."""
        record = {}
        for name, kind in _kinds(type(self)).items():
            value = _out(kind, getattr(self, name))
            if value is not None:
                record[name] = value
        return record

    @classmethod
    def from_record(cls, record: dict):
        kinds = _kinds(cls)
        return cls(**{name: _in(kinds[name], value) for name, value in record.items() if name in kinds})
