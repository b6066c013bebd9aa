"""Kiosk leases (leases.json) and rejected ops waiting for staff (dead_letters.json)."""
from tinydb import Query


class LeasesAndDeadLetters:
    """Mixin for Store (callers hold a transaction)."""

    def leases(self, day: str | None = None) -> list[dict]:
        # A plain scan: building a TinyDB Query costs more than reading this table (on every booking).
        units = (self._leases.read() or {}).get("units", {}).values()
        return [dict(u) for u in units if day is None or u.get("day") == day]

    def lease(self, lease_unit_id: str) -> dict | None:
        return self._table(self._leases, "units").get(Query().id == lease_unit_id)

    def add_leases(self, records: list[dict]) -> None:
        if records:
            self._table(self._leases, "units").insert_multiple(records)

    def release_leases(self, ids, when: str, receipt: tuple | None = None) -> None:
        """Mark units released and store the op's receipt, in one write."""
        data = self._leases.read() or {}
        units = data.setdefault("units", {})
        for record in units.values():
            if record["id"] in ids and not record.get("released_at"):
                record["released_at"] = when
        if receipt:
            data.setdefault("receipts", {})[receipt[0]] = receipt[1]
        self._leases.write(data)

    def lease_receipt(self, op_id: str):
        return (self._leases.read() or {}).get("receipts", {}).get(op_id)

    def prune_leases(self, before_iso: str) -> None:
        """Drop units that expired long ago: they hold nothing any more."""
        self._table(self._leases, "units").remove(Query().expires_at < before_iso)

    def dead_letters(self, kiosk_id: str | None = None) -> list[dict]:
        table = self._table(self._dead, "ops")
        found = table.search(Query().kiosk_id == kiosk_id) if kiosk_id else table.all()
        return sorted(found, key=lambda r: r["received_at"])

    def save_dead_letter(self, record: dict) -> None:
        self._table(self._dead, "ops").upsert(record, Query().op_id == record["op_id"])
