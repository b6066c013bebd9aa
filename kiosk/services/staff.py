"""Staff sign-in with security keys only (X5, security.md): one-time links, the WebAuthn
ceremonies (py_webauthn), and server-side sessions."""
import hashlib
import json
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import webauthn
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (AuthenticatorAttachment, AuthenticatorSelectionCriteria, PublicKeyCredentialDescriptor,
                                      PublicKeyCredentialHint, ResidentKeyRequirement, UserVerificationRequirement)

from ..domain.errors import LinkUnusable, NotAllowed, SignInFailed, StaffSetupDone, UnknownStaff

LINK_TTL = timedelta(minutes=15)
CHALLENGE_TTL = timedelta(minutes=5)
SESSION_IDLE = timedelta(minutes=15)
SESSION_ABSOLUTE = timedelta(hours=8)
ROLES = ("admin", "staff")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class RelyingParty:
    """Who the keys sign for: the RP ID (the host name) and the exact origin of the console."""

    id: str
    origin: str
    name: str = "Madoguchi"


# -- one-time links ----------------------------------------------------------------------------

def _new_link(store, now, purpose: str, role: str, name: str | None = None, staff_id: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    store.save_staff_link({"id": _hash(token), "purpose": purpose, "role": role, "name": name, "staff_id": staff_id,
                           "created_at": now.isoformat(), "expires_at": (now + LINK_TTL).isoformat(), "used_at": None})
    return token


def setup_link(store, now, actor: str) -> str:
    """The first admin's registration link; refused once an admin exists."""
    with store.transaction():
        if any(s["role"] == "admin" and s["active"] for s in store.staff_members()):
            raise StaffSetupDone()
        token = _new_link(store, now, "setup", "admin")
        store.audit.append(now, actor, "staff.setup_link")
    return token


def recover_link(store, now, actor: str, name: str) -> str:
    """For an admin who lost every key: a link to register a new one (server console only)."""
    with store.transaction():
        member = store.staff_by_name(name)
        if member is None or member["role"] != "admin":
            raise UnknownStaff()
        token = _new_link(store, now, "recover", "admin", name, member["id"])
        store.audit.append(now, actor, "staff.recover_link", staff=member["id"])
    return token


def usable_link(store, token: str, now) -> dict:
    link = store.staff_link(_hash(token or ""))
    if link is None or link["used_at"] or now >= datetime.fromisoformat(link["expires_at"]):
        raise LinkUnusable()
    return link


# -- ceremonies: challenges live here, server-side, single use, short-lived -------------------

class Challenges:
    def __init__(self):
        self._lock = threading.Lock()
        self._open = {}

    def issue(self, now, challenge: bytes, **context) -> str:
        challenge_id = secrets.token_urlsafe(16)
        with self._lock:
            self._open = {k: v for k, v in self._open.items() if v["expires"] > now}
            self._open[challenge_id] = dict(context, challenge=challenge, expires=now + CHALLENGE_TTL)
        return challenge_id

    def take(self, challenge_id: str, now, kind: str) -> dict:
        with self._lock:
            found = self._open.pop(str(challenge_id), None)
        if found is None or found["kind"] != kind or found["expires"] <= now:
            raise SignInFailed()
        return found


def _selection() -> AuthenticatorSelectionCriteria:
    # Security keys: a kiosk is shared, so no platform passkeys; the user verifies (PIN or touch).
    return AuthenticatorSelectionCriteria(authenticator_attachment=AuthenticatorAttachment.CROSS_PLATFORM,
                                          resident_key=ResidentKeyRequirement.DISCOURAGED,
                                          user_verification=UserVerificationRequirement.REQUIRED)


def begin_registration(store, challenges, rp: RelyingParty, now, *, link_token=None, staff_id=None, name=None) -> dict:
    """Options for registering a key: through a one-time link (first admin, invited staff,
    recovery) or, signed in, another key of one's own."""
    with store.transaction():
        if link_token is not None:
            link = usable_link(store, link_token, now)
            member = store.staff_member(link["staff_id"]) if link["staff_id"] else None
            name = (member or {}).get("name") or link.get("name") or " ".join(str(name or "").split())[:60]
            if not name:
                raise SignInFailed()
            context = {"link": link["id"]}
        else:
            member = store.staff_member(staff_id)
            name, context = member["name"], {"staff_id": staff_id}
        existing = store.credentials(member["id"]) if member else []
    user_id = (member or {}).get("id") or uuid.uuid4().hex
    options = webauthn.generate_registration_options(
        rp_id=rp.id, rp_name=rp.name, user_id=user_id.encode(), user_name=name, authenticator_selection=_selection(),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(c["id"])) for c in existing],
        hints=[PublicKeyCredentialHint.SECURITY_KEY])
    challenge_id = challenges.issue(now, options.challenge, kind="register", user_id=user_id, name=name, **context)
    return {"challenge_id": challenge_id, "options": json.loads(webauthn.options_to_json(options))}


def finish_registration(store, challenges, rp: RelyingParty, now, challenge_id: str, credential: dict,
                        key_name: str | None = None) -> dict:
    """Verify the new key; a link's first use creates the account. Returns the staff record."""
    pending = challenges.take(challenge_id, now, "register")
    try:
        verified = webauthn.verify_registration_response(
            credential=credential, expected_challenge=pending["challenge"], expected_rp_id=rp.id,
            expected_origin=rp.origin, require_user_verification=True)
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError):
        raise SignInFailed() from None
    with store.transaction():
        if "link" in pending:
            link = store.staff_link(pending["link"])
            if link is None or link["used_at"] or now >= datetime.fromisoformat(link["expires_at"]):
                raise LinkUnusable()
            member = store.staff_member(link["staff_id"]) if link["staff_id"] else None
            if member is None:
                member = {"id": pending["user_id"], "name": pending["name"], "role": link["role"], "active": True,
                          "created_at": now.isoformat()}
                store.save_staff(member)
            store.save_staff_link(dict(link, used_at=now.isoformat()))
        else:
            member = store.staff_member(pending["staff_id"])
        credential_id = bytes_to_base64url(verified.credential_id)
        if store.credential(credential_id) is not None:
            raise SignInFailed()
        store.save_credential({
            "id": credential_id, "staff_id": member["id"], "public_key": bytes_to_base64url(verified.credential_public_key),
            "sign_count": verified.sign_count, "name": (key_name or "").strip()[:40] or f"Key {len(store.credentials(member['id'])) + 1}",
            "created_at": now.isoformat(), "last_used_at": None, "revoked_at": None})
        store.audit.append(now, f"staff:{member['id']}", "staff.key_added", staff=member["id"], key=credential_id[:12])
    return member


def begin_signin(store, challenges, rp: RelyingParty, now, name: str) -> dict:
    """Options for signing in as `name` (a security key holds no account, so the name comes first).
    An unknown name gets the same kind of answer, so names cannot be probed."""
    with store.transaction():
        member = store.staff_by_name(" ".join(str(name or "").split()))
        keys = [c for c in store.credentials(member["id"]) if not c["revoked_at"]] if member and member["active"] else []
    options = webauthn.generate_authentication_options(
        rp_id=rp.id, user_verification=UserVerificationRequirement.REQUIRED,
        allow_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(c["id"])) for c in keys])
    challenge_id = challenges.issue(now, options.challenge, kind="signin", staff_id=member["id"] if member else None)
    return {"challenge_id": challenge_id, "options": json.loads(webauthn.options_to_json(options))}


def finish_signin(store, challenges, rp: RelyingParty, now, challenge_id: str, credential: dict) -> dict:
    """Verify the assertion: the key by its raw ID, its owner, user verification, the sign count."""
    pending = challenges.take(challenge_id, now, "signin")
    with store.transaction():
        key = store.credential(str((credential or {}).get("rawId", "")))
        member = store.staff_member(key["staff_id"]) if key else None
        if key is None or key["revoked_at"] or member is None or not member["active"] or member["id"] != pending["staff_id"]:
            raise SignInFailed()
        try:
            verified = webauthn.verify_authentication_response(
                credential=credential, expected_challenge=pending["challenge"], expected_rp_id=rp.id,
                expected_origin=rp.origin, credential_public_key=base64url_to_bytes(key["public_key"]),
                credential_current_sign_count=key["sign_count"], require_user_verification=True)
        except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError):
            store.audit.append(now, f"staff:{member['id']}", "staff.sign_in_refused", key=key["id"][:12])
            raise SignInFailed() from None
        store.save_credential(dict(key, sign_count=verified.new_sign_count, last_used_at=now.isoformat()))
        store.audit.append(now, f"staff:{member['id']}", "staff.signed_in", key=key["id"][:12])
    return member


# -- sessions --------------------------------------------------------------------------------

def start_session(store, now, staff_id: str) -> str:
    session_id = secrets.token_urlsafe(32)
    with store.transaction():
        store.save_session({"id": _hash(session_id), "staff_id": staff_id, "created_at": now.isoformat(),
                            "last_seen_at": now.isoformat(), "ended_at": None})
    return session_id


def session_staff(store, now, session_id: str | None) -> dict | None:
    """The signed-in staff member, or None: idle 15 minutes, 8 hours in all, signed out, disabled."""
    if not session_id:
        return None
    with store.transaction():
        session = store.session(_hash(session_id))
        if session is None or session["ended_at"]:
            return None
        if now - datetime.fromisoformat(session["last_seen_at"]) > SESSION_IDLE or \
                now - datetime.fromisoformat(session["created_at"]) > SESSION_ABSOLUTE:
            return None
        member = store.staff_member(session["staff_id"])
        if member is None or not member["active"]:
            return None
        if now - datetime.fromisoformat(session["last_seen_at"]) > timedelta(minutes=1):
            store.save_session(dict(session, last_seen_at=now.isoformat()))
    return member


def end_sessions(store, now, session_id: str, everywhere: bool = False) -> None:
    with store.transaction():
        session = store.session(_hash(session_id or ""))
        if session is None:
            return
        ending = store.sessions_of(session["staff_id"]) if everywhere else [session]
        for s in ending:
            if not s["ended_at"]:
                store.save_session(dict(s, ended_at=now.isoformat()))


def require_role(member: dict, role: str) -> None:
    if role == "admin" and member["role"] != "admin":
        raise NotAllowed()


# -- accounts and keys (admins) ----------------------------------------------------------------

def invite_link(store, now, admin: dict, name: str, role: str) -> str:
    """A one-time link for a new staff member to register their first key."""
    require_role(admin, "admin")
    name = " ".join(str(name or "").split())[:60]
    if not name or role not in ROLES:
        raise SignInFailed()
    with store.transaction():
        if store.staff_by_name(name) is not None:
            raise NotAllowed()
        member = {"id": uuid.uuid4().hex, "name": name, "role": role, "active": True, "created_at": now.isoformat()}
        store.save_staff(member)
        token = _new_link(store, now, "invite", role, name, member["id"])
        store.audit.append(now, f"staff:{admin['id']}", "staff.invite", staff=member["id"], role=role)
    return token


def revoke_key(store, now, member: dict, credential_id: str) -> None:
    """Staff revoke their own keys; admins anyone's. A revoked key signs nobody in again."""
    with store.transaction():
        key = store.credential(credential_id)
        if key is None or (key["staff_id"] != member["id"] and member["role"] != "admin"):
            raise NotAllowed()
        store.save_credential(dict(key, revoked_at=now.isoformat()))
        store.audit.append(now, f"staff:{member['id']}", "staff.key_revoked", staff=key["staff_id"], key=credential_id[:12])


def set_active(store, now, admin: dict, staff_id: str, active: bool) -> None:
    """Disable (or enable again) an account; its sessions end at once."""
    require_role(admin, "admin")
    with store.transaction():
        member = store.staff_member(staff_id)
        if member is None or member["id"] == admin["id"]:
            raise NotAllowed()
        store.save_staff(dict(member, active=active))
        if not active:
            for s in store.sessions_of(staff_id):
                if not s["ended_at"]:
                    store.save_session(dict(s, ended_at=now.isoformat()))
        store.audit.append(now, f"staff:{admin['id']}", "staff.enabled" if active else "staff.disabled", staff=staff_id)
