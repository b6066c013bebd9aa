"""Staff accounts, their security keys, one-time links, sessions and sign-in challenges (X5)."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .records import Record

ROLES = ("admin", "staff")
LINK_TTL = timedelta(minutes=15)
CHALLENGE_TTL = timedelta(minutes=5)
SESSION_IDLE = timedelta(minutes=15)
SESSION_ABSOLUTE = timedelta(hours=8)


@dataclass(frozen=True)
class StaffMember(Record):
    id: str
    name: str
    role: str
    created_at: datetime
    active: bool = True


@dataclass(frozen=True)
class Credential(Record):
    """A security key: its raw ID (base64url), public key and signature counter."""

    id: str
    staff_id: str
    public_key: str
    sign_count: int
    name: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class StaffLink(Record):
    """A one-time link (setup, invitation, recovery); `id` is the sha256 of its token."""

    id: str
    purpose: str
    role: str
    created_at: datetime
    expires_at: datetime
    name: str | None = None
    staff_id: str | None = None
    used_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


@dataclass(frozen=True)
class StaffSession(Record):
    """A signed-in browser; `id` is the sha256 of the cookie's value."""

    id: str
    staff_id: str
    created_at: datetime
    last_seen_at: datetime
    credential_id: str | None = None   # the key that started it: revoking the key ends it
    ended_at: datetime | None = None

    def live(self, now: datetime) -> bool:
        return (self.ended_at is None and now - self.last_seen_at <= SESSION_IDLE
                and now - self.created_at <= SESSION_ABSOLUTE)


@dataclass(frozen=True)
class Challenge(Record):
    """A WebAuthn challenge: server-side, single use, short-lived."""

    id: str
    kind: str
    challenge: str          # base64url
    expires_at: datetime
    context: dict = field(default_factory=dict)
