"""Signed join tokens for the slip's QR: booking (or lease unit) ID, room ID and start, nothing personal."""
from functools import lru_cache

import orjson
from itsdangerous import BadSignature, URLSafeSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.serializer import Serializer

SALT = "madoguchi.join.v1"


class _CompactJSON:
    """itsdangerous' compact JSON (the same bytes for these claims), through orjson."""

    @staticmethod
    def dumps(obj, **kwargs) -> str:
        return orjson.dumps(obj).decode()

    @staticmethod
    def loads(text, **kwargs):
        return orjson.loads(text)


class _Signer(URLSafeSerializer):
    """Signs the claims as they are, without trying zlib first (a few bytes shorter at best, and the
    dearest step of a booking's answer); tokens printed compressed before still verify."""

    def dump_payload(self, obj) -> bytes:
        return base64_encode(Serializer.dump_payload(self, obj))


@lru_cache(maxsize=8)
def _signer(secret: str) -> _Signer:
    return _Signer(secret, salt=SALT, serializer=_CompactJSON)


def join_token(secret: str, unit_id: str, room_id: str | None, start_iso: str, office: str | None = None) -> str:
    """The token names its office ("o") unless it is the default office (tokens printed before
    offices existed have none, and keep working)."""
    claims = {"b": unit_id, "r": room_id, "s": start_iso}
    if office:
        claims["o"] = office
    return _signer(secret).dumps(claims)


def read_join_token(secret: str, token: str) -> dict | None:
    """The token's claims, or None when it was tampered with, truncated or signed elsewhere."""
    try:
        claims = _signer(secret).loads(token)
    except (BadSignature, ValueError, UnicodeError):
        return None
    if not isinstance(claims, dict) or not {"b", "r", "s"} <= claims.keys():
        return None
    if not all(isinstance(claims[k], str) for k in ("b", "s")) or not isinstance(claims.get("o", ""), str):
        return None
    return claims
