"""A software WebAuthn authenticator (a "security key" in software) for tests without a browser.

`SoftAuthenticator` answers the JSON options a relying party sends (what py_webauthn's
`options_to_json` produces) with the JSON a browser would post back (what Chromium's
`PublicKeyCredential.toJSON()` gives), so a server's WebAuthn endpoints can be driven end to
end by a test client::

    auth = SoftAuthenticator()
    credential = auth.create(registration_options_json, "http://localhost:5000")
    assertion = auth.get(authentication_options_json, "http://localhost:5000")

It is an ES256 (ECDSA P-256 / SHA-256) authenticator with attestation format "none". It does
none of the checks a browser does (origin against rp_id, and so on): it signs what it is told,
so tests can build the bad responses a server must refuse:

* a wrong origin or rp_id: pass `origin=` / `rp_id=` that the server does not expect;
* no user verification: set `auth.user_verification = False` (any time);
* a cloned key: `auth.sign_count[credential_id] = 0` (the next `get` answers with 1);
* a replay: call `get` once and post the same dict twice;
* a signature over another challenge: answer options A, let the server expect B.

Binary values in the JSON are base64url without padding, as in the WebAuthn JSON forms.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

ES256 = -7  # COSE algorithm identifier: ECDSA w/ SHA-256 on P-256

# Authenticator data flag bits (WebAuthn §6.1).
FLAG_UP = 0x01  # user present
FLAG_UV = 0x04  # user verified
FLAG_AT = 0x40  # attested credential data included


class AuthenticatorError(Exception):
    """The authenticator cannot answer (a browser would reject with NotAllowedError etc.)."""


def b64url(data: bytes) -> str:
    """Encode bytes as base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class _Credential:
    private_key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes


class SoftAuthenticator:
    """An ES256 (P-256) authenticator; each instance holds its own credentials.

    Attributes a test may read or change:
        user_verification: whether the UV flag is set in what it answers from now on.
        aaguid: the 16-byte authenticator model id put in registrations.
        sign_count: credential id (bytes) -> signature counter; `get` increments it first
            and reports the new value, so setting it back simulates a cloned key.
    """

    def __init__(self, *, user_verification: bool = True, aaguid: bytes = bytes(16)):
        if len(aaguid) != 16:
            raise ValueError("aaguid must be 16 bytes")
        self.user_verification = user_verification
        self.aaguid = aaguid
        self.sign_count: dict[bytes, int] = {}
        self._credentials: dict[bytes, _Credential] = {}

    @property
    def credential_ids(self) -> list[bytes]:
        """The ids of the credentials this authenticator holds, oldest first."""
        return list(self._credentials)

    # -- registration ------------------------------------------------------------------

    def create(self, options: dict, origin: str, *, rp_id: str | None = None) -> dict:
        """Answer registration options (the JSON dict py_webauthn's options_to_json gives, i.e.
        PublicKeyCredentialCreationOptionsJSON with base64url strings) with a
        RegistrationResponseJSON dict, as Chromium's credential.toJSON() would:
        {"id", "rawId", "type": "public-key", "response": {"clientDataJSON", "attestationObject",
        "transports": ["usb"], ...}, "clientExtensionResults": {},
        "authenticatorAttachment": "cross-platform"}; attestation format "none".

        rp_id defaults to options["rp"]["id"]; flags UP always, UV when user_verification,
        AT set. The new credential starts with sign count 0.

        Raises AuthenticatorError if ES256 is not among options["pubKeyCredParams"] or if
        options["excludeCredentials"] names a credential this authenticator holds.
        """
        algs = [p.get("alg") for p in options.get("pubKeyCredParams", [])]
        if ES256 not in algs:
            raise AuthenticatorError(f"ES256 (-7) not offered in pubKeyCredParams {algs}")
        for excluded in options.get("excludeCredentials") or []:
            if b64url_decode(excluded["id"]) in self._credentials:
                raise AuthenticatorError("this authenticator already holds an excluded credential")

        rp_id = rp_id if rp_id is not None else options["rp"]["id"]
        credential_id = os.urandom(32)
        private_key = ec.generate_private_key(ec.SECP256R1())
        self._credentials[credential_id] = _Credential(
            private_key, rp_id, b64url_decode(options["user"]["id"])
        )
        self.sign_count[credential_id] = 0

        public_numbers = private_key.public_key().public_numbers()
        cose_key = cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: ES256,  # alg
                -1: 1,  # crv: P-256
                -2: public_numbers.x.to_bytes(32, "big"),
                -3: public_numbers.y.to_bytes(32, "big"),
            }
        )
        attested_credential_data = (
            self.aaguid + len(credential_id).to_bytes(2, "big") + credential_id + cose_key
        )
        auth_data = self._authenticator_data(rp_id, FLAG_AT, 0) + attested_credential_data
        attestation_object = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = _client_data_json("webauthn.create", options["challenge"], origin)
        public_key_der = private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return _credential_json(credential_id, {
            "clientDataJSON": b64url(client_data),
            "attestationObject": b64url(attestation_object),
            "transports": ["usb"],
            # Chromium's toJSON() also carries these convenience fields:
            "authenticatorData": b64url(auth_data),
            "publicKey": b64url(public_key_der),
            "publicKeyAlgorithm": ES256,
        })

    # -- authentication ----------------------------------------------------------------

    def get(
        self,
        options: dict,
        origin: str,
        *,
        rp_id: str | None = None,
        credential_id: bytes | None = None,
    ) -> dict:
        """Answer authentication options (PublicKeyCredentialRequestOptionsJSON dict) with an
        AuthenticationResponseJSON dict: {"id", "rawId", "type", "response": {"clientDataJSON",
        "authenticatorData", "signature", "userHandle"}, "clientExtensionResults": {},
        "authenticatorAttachment": "cross-platform"}.

        Uses `credential_id` if given (even if not in allowCredentials, to test that a server
        refuses it), else the first credential of options["allowCredentials"] it holds, else
        (empty allow list) its first credential for the rp_id. rp_id defaults to
        options["rpId"], then to the rp_id the credential was registered for. Increments the
        credential's sign count and reports the new value. The signature is ECDSA P-256
        SHA-256 (DER) over authenticatorData + sha256(clientDataJSON).

        Raises AuthenticatorError if it holds no usable credential.
        """
        credential_id = self._choose_credential(options, rp_id, credential_id)
        credential = self._credentials[credential_id]
        if rp_id is None:
            rp_id = options.get("rpId") or credential.rp_id

        self.sign_count[credential_id] += 1
        auth_data = self._authenticator_data(rp_id, 0, self.sign_count[credential_id])
        client_data = _client_data_json("webauthn.get", options["challenge"], origin)
        signature = credential.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return _credential_json(credential_id, {
            "clientDataJSON": b64url(client_data),
            "authenticatorData": b64url(auth_data),
            "signature": b64url(signature),
            "userHandle": b64url(credential.user_handle),
        })

    # -- internals ---------------------------------------------------------------------

    def _choose_credential(
        self, options: dict, rp_id: str | None, credential_id: bytes | None
    ) -> bytes:
        if credential_id is not None:
            if credential_id not in self._credentials:
                raise AuthenticatorError("this authenticator does not hold that credential")
            return credential_id
        allowed = options.get("allowCredentials") or []
        if allowed:
            for descriptor in allowed:
                candidate = b64url_decode(descriptor["id"])
                if candidate in self._credentials:
                    return candidate
            raise AuthenticatorError("none of allowCredentials is held by this authenticator")
        wanted_rp_id = options.get("rpId") or rp_id
        for candidate, credential in self._credentials.items():
            if wanted_rp_id is None or credential.rp_id == wanted_rp_id:
                return candidate
        raise AuthenticatorError("this authenticator holds no credential for this rp_id")

    def _authenticator_data(self, rp_id: str, extra_flags: int, sign_count: int) -> bytes:
        """sha256(rp_id) + flags + 4-byte big-endian sign count (attested data appended by caller)."""
        flags = FLAG_UP | extra_flags | (FLAG_UV if self.user_verification else 0)
        return (
            hashlib.sha256(rp_id.encode("utf-8")).digest()
            + bytes([flags])
            + sign_count.to_bytes(4, "big")
        )


def _credential_json(credential_id: bytes, response: dict) -> dict:
    """The PublicKeyCredential JSON around an attestation or assertion response."""
    return {
        "id": b64url(credential_id),
        "rawId": b64url(credential_id),
        "type": "public-key",
        "response": response,
        "clientExtensionResults": {},
        "authenticatorAttachment": "cross-platform",
    }


def _client_data_json(type_: str, challenge: str, origin: str) -> bytes:
    """The clientDataJSON bytes, compact like a browser's; the challenge is passed through."""
    return json.dumps(
        {"type": type_, "challenge": challenge, "origin": origin, "crossOrigin": False},
        separators=(",", ":"),
    ).encode("utf-8")
