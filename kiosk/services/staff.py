"""Staff sign-in with security keys only (X5, security.md): one-time links, the WebAuthn
ceremonies (py_webauthn), and server-side sessions. Challenges live in the store (shared by every
server process), single use and short-lived."""
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, replace

from .retry import retried
from ..domain.text import name_key
from ..domain.errors import LinkUnusable, NotAllowed, SignInFailed, StaffSetupDone, UnknownStaff
from ..domain.staff import (CHALLENGE_TTL, LINK_TTL, ROLES, Challenge, Credential, StaffLink, StaffMember,
                            StaffSession)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def clean_staff_name(raw) -> str:
    """A name as staff type it: NFKC (full-width letters and spaces), spaces collapsed."""
    import unicodedata
    return " ".join(unicodedata.normalize("NFKC", str(raw or "")).split())[:60]


def _name_key(name: str) -> str:
    """Names compare without their spaces: 山田太郎 signs in as 山田 太郎."""
    return name_key(clean_staff_name(name))


def find_staff(store, name) -> StaffMember | None:
    wanted = _name_key(name)
    if not wanted:
        return None
    return store.staff_named(clean_staff_name(name)) or next(
        (m for m in store.staff_members() if _name_key(m.name) == wanted), None)


@dataclass(frozen=True)
class RelyingParty:
    """Who the keys sign for: the RP ID (the host name) and the exact origin of the console."""

    id: str
    origin: str
    name: str = "Madoguchi"


# -- one-time links ----------------------------------------------------------------------------

def _new_link(store, now, purpose: str, role: str, name: str | None = None, staff_id: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    store.save_staff_link(StaffLink(id=_hash(token), purpose=purpose, role=role, name=name, staff_id=staff_id,
                                    created_at=now, expires_at=now + LINK_TTL))
    return token


def setup_link(store, now, actor: str) -> str:
    """The first admin's registration link; refused once an admin exists."""
    with store.transaction():
        if any(s.role == "admin" and s.active for s in store.staff_members()):
            raise StaffSetupDone()
        token = _new_link(store, now, "setup", "admin")
        store.audit(now, actor, "staff.setup_link")
    return token


def recover_link(store, now, actor: str, name: str) -> str:
    """For an admin who lost every key: a link to register a new one (server console only)."""
    with store.transaction():
        member = find_staff(store, name)
        if member is None or member.role != "admin":
            raise UnknownStaff()
        token = _new_link(store, now, "recover", "admin", member.name, member.id)
        store.audit(now, actor, "staff.recover_link", staff=member.id)
    return token


def usable_link(store, token: str, now) -> StaffLink:
    link = store.staff_link(_hash(str(token or "")))
    if link is None or not link.usable(now):
        raise LinkUnusable()
    return link


# -- ceremonies -----------------------------------------------------------------------------------

def _issue(store, now, challenge: bytes, kind: str, **context) -> str:
    from webauthn.helpers import bytes_to_base64url
    challenge_id = secrets.token_urlsafe(16)
    store.save_challenge(Challenge(id=challenge_id, kind=kind, challenge=bytes_to_base64url(challenge),
                                   expires_at=now + CHALLENGE_TTL, context=context))
    return challenge_id


def _take(store, challenge_id, now, kind: str) -> Challenge:
    with store.transaction():
        found = store.take_challenge(str(challenge_id))
    if found is None or found.kind != kind or found.expires_at <= now:
        raise SignInFailed()
    return found


def _selection():
    from webauthn.helpers.structs import (AuthenticatorAttachment, AuthenticatorSelectionCriteria,
                                          ResidentKeyRequirement, UserVerificationRequirement)
    # Security keys: a kiosk is shared, so no platform passkeys; the user verifies (PIN or touch).
    return AuthenticatorSelectionCriteria(authenticator_attachment=AuthenticatorAttachment.CROSS_PLATFORM,
                                          resident_key=ResidentKeyRequirement.DISCOURAGED,
                                          user_verification=UserVerificationRequirement.REQUIRED)


def begin_registration(store, rp: RelyingParty, now, *, link_token=None, staff_id=None, name=None) -> dict:
    """Options for registering a key: through a one-time link (first admin, invited staff,
    recovery) or, signed in, another key of one's own."""
    import webauthn
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor, PublicKeyCredentialHint
    with store.transaction():
        if link_token is not None:
            link = usable_link(store, link_token, now)
            member = store.staff_member(link.staff_id) if link.staff_id else None
            name = (member.name if member else None) or link.name or clean_staff_name(name)
            if not name:
                raise SignInFailed()
            context = {"link": link.id}
        else:
            member = store.staff_member(staff_id)
            name, context = member.name, {"staff_id": staff_id}
        existing = store.credentials(member.id) if member else []
        user_id = member.id if member else uuid.uuid4().hex
        options = webauthn.generate_registration_options(
            rp_id=rp.id, rp_name=rp.name, user_id=user_id.encode(), user_name=name, authenticator_selection=_selection(),
            exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(c.id)) for c in existing],
            hints=[PublicKeyCredentialHint.SECURITY_KEY])
        challenge_id = _issue(store, now, options.challenge, "register", user_id=user_id, name=name, **context)
    return {"challenge_id": challenge_id, "options": json.loads(webauthn.options_to_json(options))}


def finish_registration(store, rp: RelyingParty, now, challenge_id: str, credential: dict,
                        key_name: str | None = None) -> tuple[StaffMember, str]:
    """Verify the new key; a link's first use creates the account. Returns the staff member and
    the new key's ID."""
    import webauthn
    from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
    from webauthn.helpers.exceptions import InvalidRegistrationResponse
    pending = _take(store, challenge_id, now, "register")
    try:
        verified = webauthn.verify_registration_response(
            credential=credential, expected_challenge=base64url_to_bytes(pending.challenge), expected_rp_id=rp.id,
            expected_origin=rp.origin, require_user_verification=True)
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError, AttributeError):
        raise SignInFailed() from None
    context = pending.context
    with store.transaction():
        if "link" in context:
            link = store.staff_link(context["link"])
            if link is None or not link.usable(now):
                raise LinkUnusable()
            member = store.staff_member(link.staff_id) if link.staff_id else None
            if member is None:
                member = StaffMember(id=context["user_id"], name=context["name"], role=link.role, created_at=now)
                store.save_staff(member)
            store.save_staff_link(replace(link, used_at=now))
        else:
            member = store.staff_member(context["staff_id"])
        credential_id = bytes_to_base64url(verified.credential_id)
        if store.credential(credential_id) is not None:
            raise SignInFailed()
        label = clean_staff_name(key_name)[:40] or f"Key {len(store.credentials(member.id)) + 1}"
        store.save_credential(Credential(id=credential_id, staff_id=member.id,
                                         public_key=bytes_to_base64url(verified.credential_public_key),
                                         sign_count=verified.sign_count, name=label, created_at=now))
        store.audit(now, f"staff:{member.id}", "staff.key_added", staff=member.id, key=credential_id[:12])
    return member, credential_id


def begin_signin(store, rp: RelyingParty, now, name: str) -> dict:
    """Options for signing in as `name` (a security key holds no account, so the name comes first).
    An unknown name gets the same kind of answer, so names cannot be probed."""
    import webauthn
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor, UserVerificationRequirement
    with store.transaction():
        member = find_staff(store, name)
        keys = [c for c in store.credentials(member.id) if not c.revoked_at] if member and member.active else []
        options = webauthn.generate_authentication_options(
            rp_id=rp.id, user_verification=UserVerificationRequirement.REQUIRED,
            allow_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(c.id)) for c in keys])
        challenge_id = _issue(store, now, options.challenge, "signin", staff_id=member.id if member else None)
    return {"challenge_id": challenge_id, "options": json.loads(webauthn.options_to_json(options))}


def finish_signin(store, rp: RelyingParty, now, challenge_id: str, credential: dict) -> tuple[StaffMember, str]:
    """Verify the assertion: the key by its raw ID, its owner, user verification, the sign count."""
    import webauthn
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.exceptions import InvalidAuthenticationResponse
    pending = _take(store, challenge_id, now, "signin")
    raw_id = (credential or {}).get("rawId", "") if isinstance(credential, dict) else ""
    with store.transaction():
        key = store.credential(str(raw_id))
        member = store.staff_member(key.staff_id) if key else None
        if key is None or key.revoked_at or member is None or not member.active or member.id != pending.context.get("staff_id"):
            raise SignInFailed()
        try:
            verified = webauthn.verify_authentication_response(
                credential=credential, expected_challenge=base64url_to_bytes(pending.challenge), expected_rp_id=rp.id,
                expected_origin=rp.origin, credential_public_key=base64url_to_bytes(key.public_key),
                credential_current_sign_count=key.sign_count, require_user_verification=True)
        except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError, AttributeError):
            refused = True
        else:
            refused = False
            store.save_credential(replace(key, sign_count=verified.new_sign_count, last_used_at=now))
            store.audit(now, f"staff:{member.id}", "staff.signed_in", key=key.id[:12])
    if refused:
        with store.transaction():
            store.audit(now, f"staff:{member.id}", "staff.sign_in_refused", key=key.id[:12])
        raise SignInFailed()
    return member, key.id


# -- sessions --------------------------------------------------------------------------------

def start_session(store, now, staff_id: str, credential_id: str | None = None) -> str:
    session_id = secrets.token_urlsafe(32)
    with store.transaction():
        store.save_session(StaffSession(id=_hash(session_id), staff_id=staff_id, created_at=now, last_seen_at=now,
                                        credential_id=credential_id))
    return session_id


@retried
def session_staff(store, now, session_id: str | None) -> StaffMember | None:
    """The signed-in staff member, or None: idle 15 minutes, 8 hours in all, signed out, disabled,
    or started with a key that was revoked since."""
    if not session_id:
        return None
    with store.transaction():
        session = store.session(_hash(session_id))
        if session is None or not session.live(now):
            return None
        member = store.staff_member(session.staff_id)
        if member is None or not member.active:
            return None
        key = store.credential(session.credential_id) if session.credential_id else None
        if session.credential_id and (key is None or key.revoked_at):
            return None
        if (now - session.last_seen_at).total_seconds() > 60:
            store.save_session(replace(session, last_seen_at=now))
    return member


def _end(store, now, sessions) -> None:
    for s in sessions:
        if not s.ended_at:
            store.save_session(replace(s, ended_at=now))


def end_sessions(store, now, session_id: str, everywhere: bool = False) -> None:
    with store.transaction():
        session = store.session(_hash(session_id or ""))
        if session is None:
            return
        _end(store, now, store.sessions_of(session.staff_id) if everywhere else [session])


def require_role(member: StaffMember, role: str) -> None:
    if role == "admin" and member.role != "admin":
        raise NotAllowed()


# -- accounts and keys (admins) ----------------------------------------------------------------

def invite_link(store, now, admin: StaffMember, name: str, role: str) -> str:
    """A one-time link for a new staff member to register their first key."""
    require_role(admin, "admin")
    name = clean_staff_name(name)
    if not name or role not in ROLES:
        raise SignInFailed()
    with store.transaction():
        if find_staff(store, name) is not None:
            raise NotAllowed()
        member = StaffMember(id=uuid.uuid4().hex, name=name, role=role, created_at=now)
        store.save_staff(member)
        token = _new_link(store, now, "invite", role, name, member.id)
        store.audit(now, f"staff:{admin.id}", "staff.invite", staff=member.id, role=role)
    return token


def revoke_key(store, now, member: StaffMember, credential_id: str) -> None:
    """Staff revoke their own keys; admins anyone's. A revoked key signs nobody in again, and every
    session it started ends at once."""
    with store.transaction():
        key = store.credential(credential_id)
        if key is None or (key.staff_id != member.id and member.role != "admin"):
            raise NotAllowed()
        store.save_credential(replace(key, revoked_at=now))
        _end(store, now, [s for s in store.sessions_of(key.staff_id) if s.credential_id == credential_id])
        store.audit(now, f"staff:{member.id}", "staff.key_revoked", staff=key.staff_id, key=credential_id[:12])


def set_active(store, now, admin: StaffMember, staff_id: str, active: bool) -> None:
    """Disable (or enable again) an account; its sessions end at once."""
    require_role(admin, "admin")
    with store.transaction():
        member = store.staff_member(staff_id)
        if member is None or member.id == admin.id:
            raise NotAllowed()
        store.save_staff(replace(member, active=active))
        if not active:
            _end(store, now, store.sessions_of(staff_id))
        store.audit(now, f"staff:{admin.id}", "staff.enabled" if active else "staff.disabled", staff=staff_id)
