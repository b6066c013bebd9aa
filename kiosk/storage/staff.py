"""Staff accounts, their security keys, one-time links (config.json) and sessions (sessions.json).

Secrets are stored only as sha256 hashes: link tokens and session IDs.
"""


class StaffRecords:
    """Mixin for Store (callers hold a transaction)."""

    def staff_members(self) -> list[dict]:
        return sorted(self._config_table("staff").all(), key=lambda s: s["name"])

    def staff_member(self, staff_id: str) -> dict | None:
        return next((s for s in self._config_table("staff").all() if s["id"] == staff_id), None)

    def staff_by_name(self, name: str) -> dict | None:
        return next((s for s in self._config_table("staff").all() if s["name"] == name), None)

    def save_staff(self, record: dict) -> None:
        self._upsert(self._config_table("staff"), record)

    def credentials(self, staff_id: str | None = None) -> list[dict]:
        return [c for c in self._config_table("credentials").all() if staff_id is None or c["staff_id"] == staff_id]

    def credential(self, credential_id: str) -> dict | None:
        return next((c for c in self._config_table("credentials").all() if c["id"] == credential_id), None)

    def save_credential(self, record: dict) -> None:
        self._upsert(self._config_table("credentials"), record)

    def staff_link(self, token_hash: str) -> dict | None:
        return next((k for k in self._config_table("staff_links").all() if k["id"] == token_hash), None)

    def save_staff_link(self, record: dict) -> None:
        self._upsert(self._config_table("staff_links"), record)

    def session(self, session_hash: str) -> dict | None:
        return next((s for s in self._table(self._sessions, "sessions").all() if s["id"] == session_hash), None)

    def sessions_of(self, staff_id: str) -> list[dict]:
        return [s for s in self._table(self._sessions, "sessions").all() if s["staff_id"] == staff_id]

    def save_session(self, record: dict) -> None:
        self._upsert(self._table(self._sessions, "sessions"), record)

    @staticmethod
    def _upsert(table, record: dict) -> None:
        for doc in table.all():
            if doc["id"] == record["id"]:
                table.update(record, doc_ids=[doc.doc_id])
                return
        table.insert(record)
