"""Signed join tokens for the slip's QR: booking (or lease unit) ID, room ID and start, nothing personal."""
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "madoguchi.join.v1"


def join_token(secret: str, unit_id: str, room_id: str | None, start_iso: str) -> str:
    return URLSafeSerializer(secret, salt=SALT).dumps({"b": unit_id, "r": room_id, "s": start_iso})


def read_join_token(secret: str, token: str) -> dict | None:
    """The token's claims, or None when it was tampered with, truncated or signed elsewhere."""
    try:
        claims = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(claims, dict) or not {"b", "r", "s"} <= claims.keys():
        return None
    return claims
