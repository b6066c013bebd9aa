"""Caches derived from a data file's documents (parsed records, a day's slots), kept in step with
every change the engine applies, undo included (engine.Engine._apply calls `changed`)."""
import orjson

from ...domain.bookings import Booking


class Parsed:
    """Records of a file, parsed once per document: table -> key -> record."""

    def __init__(self, data, parsers: dict):
        self._data = data
        self._parsers = parsers
        self._tables = {}

    def table(self, table: str) -> dict:
        parsed = self._tables.get(table)
        if parsed is None:
            parse = self._parsers[table]
            parsed = self._tables[table] = {k: parse(orjson.loads(raw)) for k, raw in self._data.items(table)}
        return parsed

    def changed(self, table: str, key: str, old: bytes | None, new: bytes | None) -> None:
        parsed = self._tables.get(table)
        if parsed is None:
            return
        if new is None:
            parsed.pop(key, None)
        else:
            parsed[key] = self._parsers[table](orjson.loads(new))


class DayBookings(Parsed):
    """One day's bookings, with an index by slot and the day's list in order."""

    def __init__(self, data):
        super().__init__(data, {"bookings": Booking.from_record})
        self._slots = None
        self._ordered = None

    @property
    def bookings(self) -> dict:
        return self.table("bookings")

    def starting(self, timestamp: float) -> list:
        if self._slots is None:
            self._slots = {}
            for b in self.bookings.values():
                self._slots.setdefault(b.start.timestamp(), {})[b.booking_id] = b
        return list(self._slots.get(timestamp, {}).values())

    def ordered(self) -> list:
        if self._ordered is None:
            self._ordered = sorted(self.bookings.values(), key=lambda b: (b.start, b.room or "", b.booking_id))
        return list(self._ordered)

    def changed(self, table: str, key: str, old: bytes | None, new: bytes | None) -> None:
        before = self._tables.get("bookings", {}).get(key)
        super().changed(table, key, old, new)
        self._ordered = None
        if self._slots is None or "bookings" not in self._tables:
            self._slots = None
            return
        if before is not None:
            self._slots.get(before.start.timestamp(), {}).pop(key, None)
        after = self._tables["bookings"].get(key)
        if after is not None:
            self._slots.setdefault(after.start.timestamp(), {})[key] = after
