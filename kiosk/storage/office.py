"""Office configuration in config.json: rooms, closures, events, terms, restrictions, kiosks, meta."""
from datetime import date

from tinydb import Query

from ..domain.events import Event
from ..domain.rooms import Room
from ..domain.visitors import Restriction


class OfficeConfig:
    """Mixin for Store: domain-named access to config.json (callers hold a transaction)."""

    def rooms(self) -> list[Room]:
        self._config.read()  # refreshes the signature if another process changed the file
        cached = getattr(self, "_rooms_cache", None)
        if cached is None or cached[0] != self._config.version:
            rooms = sorted((Room.from_record(r) for r in self._config_table("rooms").all()), key=lambda r: r.id)
            cached = self._rooms_cache = (self._config.version, rooms)
        return list(cached[1])

    def room(self, room_id: str) -> Room | None:
        record = self._config_table("rooms").get(Query().id == room_id)
        return Room.from_record(record) if record else None

    def save_room(self, room: Room) -> None:
        self._config_table("rooms").upsert(room.to_record(), Query().id == room.id)

    def remove_room(self, room_id: str) -> None:
        self._config_table("rooms").remove(Query().id == room_id)

    def closures(self) -> dict:
        """Office closure days (besides weekends and holidays): date -> note."""
        return {date.fromisoformat(r["day"]): r.get("note", "") for r in self._config_table("closures").all()}

    def add_closure(self, day: date, note: str = "") -> None:
        self._config_table("closures").upsert({"day": day.isoformat(), "note": note}, Query().day == day.isoformat())

    def remove_closure(self, day: date) -> bool:
        return bool(self._config_table("closures").remove(Query().day == day.isoformat()))

    def events(self) -> list[Event]:
        return sorted((Event.from_record(r) for r in self._config_table("events").all()), key=lambda e: (e.start, e.id))

    def event(self, event_id: str) -> Event | None:
        record = self._config_table("events").get(Query().id == event_id)
        return Event.from_record(record) if record else None

    def save_event(self, event: Event) -> None:
        self._config_table("events").upsert(event.to_record(), Query().id == event.id)

    def remove_event(self, event_id: str) -> None:
        self._config_table("events").remove(Query().id == event_id)

    def published_terms(self) -> list[dict]:
        """Terms versions published from the command line or console (texts included)."""
        return self._config_table("terms").all()

    def add_terms_version(self, record: dict) -> None:
        self._config_table("terms").insert(record)

    def restrictions_for(self, jobseeker_no: str) -> list[Restriction]:
        # A plain scan: building a TinyDB Query costs more than reading this short table.
        found = self._config_table("restrictions").all()
        return [Restriction.from_record(r) for r in found if r.get("jobseeker_no") == jobseeker_no]

    def save_restriction(self, restriction: Restriction) -> None:
        self._config_table("restrictions").upsert(restriction.to_record(), Query().id == restriction.id)

    def kiosks(self) -> list[dict]:
        return sorted(self._config_table("kiosks").all(), key=lambda k: k["name"])

    def kiosk(self, **where) -> dict | None:
        (key, value), = where.items()
        return self._config_table("kiosks").get(Query()[key] == value)

    def save_kiosk(self, record: dict) -> None:
        self._config_table("kiosks").upsert(record, Query().id == record["id"])

    def meta(self, key: str, default=None):
        record = self._config_table("meta").get(Query().key == key)
        return record["value"] if record else default

    def set_meta(self, key: str, value) -> None:
        self._config_table("meta").upsert({"key": key, "value": value}, Query().key == key)
