"""Caches derived from a data file's documents, kept in step with every change the engine applies,
undo included (engine.Engine._apply calls `changed`)."""
import orjson

from ...domain.bookings import ACTIVE, Booking


class Parsed:
    """Records of a small file, parsed once per document: table -> key -> record."""

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

    def changed(self, table: str, key: str, old, new, record=None) -> None:
        parsed = self._tables.get(table)
        if parsed is None:
            return
        if new is None:
            parsed.pop(key, None)
        else:
            parsed[key] = record if record is not None else self._parsers[table](orjson.loads(new))


class DayBookings:
    """One day's bookings, kept small: each booking's unit (start, room, active) indexed by slot;
    the bookings themselves are parsed when asked for (a busy day holds hundreds, and a server
    holds many days: few objects keep the garbage collector's pauses short)."""

    def __init__(self, data):
        self._data = data
        self._units = None     # booking_id -> (start timestamp, room, active)
        self._slots = None     # start timestamp -> {booking_id}

    def _index(self):
        if self._units is None:
            self._units, self._slots = {}, {}
            for key, raw in self._data.items("bookings"):
                doc = orjson.loads(raw)
                self._add(key, Booking.from_record(doc))
        return self._units

    def _add(self, key: str, booking: Booking) -> None:
        ts = booking.start.timestamp()
        self._units[key] = (booking.start, booking.room, booking.status in ACTIVE)
        self._slots.setdefault(ts, set()).add(key)

    def get(self, booking_id: str) -> Booking | None:
        raw = self._data.get("bookings", booking_id)
        return Booking.from_record(orjson.loads(raw)) if raw is not None else None

    def all(self) -> list:
        return [Booking.from_record(orjson.loads(raw)) for _, raw in self._data.items("bookings")]

    def starting(self, timestamp: float) -> list:
        self._index()
        return [b for b in map(self.get, sorted(self._slots.get(timestamp, ()))) if b is not None]

    def units(self) -> list:
        """(start, room) of every active booking with a room."""
        return [(start, room) for start, room, active in self._index().values() if active and room]

    def rooms_at(self, timestamp: float) -> frozenset:
        """The rooms of the active bookings of one slot."""
        units = self._index()
        return frozenset(room for _, room, active in map(units.__getitem__, self._slots.get(timestamp, ()))
                         if active and room)

    def changed(self, table: str, key: str, old, new, record=None) -> None:
        if self._units is None or table != "bookings":
            return
        before = self._units.pop(key, None)
        if before is not None:
            self._slots.get(before[0].timestamp(), set()).discard(key)
        if new is not None:
            self._add(key, record if record is not None else Booking.from_record(orjson.loads(new)))
