"""Signed join tokens for the slip's QR: booking (or lease unit) ID, room ID and start, nothing personal."""
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "madoguchi.join.v1"


def join_token(secret: str, unit_id: str, room_id: str | None, start_iso: str, office: str | None = None) -> str:
    """The token names its office ("o") unless it is the default office (tokens printed before
    offices existed have none, and keep working)."""
    claims = {"b": unit_id, "r": room_id, "s": start_iso}
    if office:
        claims["o"] = office
    return URLSafeSerializer(secret, salt=SALT).dumps(claims)


def read_join_token(secret: str, token: str) -> dict | None:
    """The token's claims, or None when it was tampered with, truncated or signed elsewhere."""
    try:
        claims = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(claims, dict) or not {"b", "r", "s"} <= claims.keys():
        return None
    if not all(isinstance(claims[k], str) for k in ("b", "s")) or not isinstance(claims.get("o", ""), str):
        return None
    return claims
