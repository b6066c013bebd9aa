"""What both backends answer the same way once they can find a record by one of its fields."""
from ..domain.kiosks import Kiosk


class KioskLookups:
    """The contract's kiosk lookups, for a store with `_kiosk_where(field, value)` (None for no value)."""

    def kiosk_named(self, name: str) -> Kiosk | None:
        return self._kiosk_where("name", name)

    def kiosk_with_token(self, token_hash: str) -> Kiosk | None:
        return self._kiosk_where("token_hash", token_hash)

    def kiosk_with_code(self, code_hash: str) -> Kiosk | None:
        return self._kiosk_where("code_hash", code_hash)
