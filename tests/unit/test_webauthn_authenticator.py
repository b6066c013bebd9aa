"""The software security key answers py_webauthn's options in a way py_webauthn accepts,
and its knobs produce the responses py_webauthn must refuse."""
import json

import pytest
import webauthn
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AttestationFormat,
    AuthenticatorAttachment,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from tests.webauthn_authenticator import AuthenticatorError, SoftAuthenticator, b64url

ORIGIN = "http://localhost:5000"
RP_ID = "localhost"


def registration_options(exclude=()):
    return webauthn.generate_registration_options(
        rp_id=RP_ID,
        rp_name="Madoguchi",
        user_id=b"user-1",
        user_name="admin",
        authenticator_selection=AuthenticatorSelectionCriteria(
            user_verification=UserVerificationRequirement.REQUIRED,
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            authenticator_attachment=AuthenticatorAttachment.CROSS_PLATFORM,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=i) for i in exclude],
    )


def as_json(options):
    return json.loads(webauthn.options_to_json(options))


def verify_registration(credential, options, *, origin=ORIGIN, rp_id=RP_ID):
    return webauthn.verify_registration_response(
        credential=credential,
        expected_challenge=options.challenge,
        expected_origin=origin,
        expected_rp_id=rp_id,
        require_user_verification=True,
    )


def register(auth):
    options = registration_options()
    return verify_registration(auth.create(as_json(options), ORIGIN), options)


def authentication_options(*credential_ids):
    return webauthn.generate_authentication_options(
        rp_id=RP_ID,
        allow_credentials=[PublicKeyCredentialDescriptor(id=i) for i in credential_ids],
        user_verification=UserVerificationRequirement.REQUIRED,
    )


def verify_authentication(credential, options, registered, *, sign_count=0):
    return webauthn.verify_authentication_response(
        credential=credential,
        expected_challenge=options.challenge,
        expected_origin=ORIGIN,
        expected_rp_id=RP_ID,
        credential_public_key=registered.credential_public_key,
        credential_current_sign_count=sign_count,
        require_user_verification=True,
    )


def test_a_registration_from_the_soft_key_verifies_with_py_webauthn():
    auth = SoftAuthenticator(aaguid=bytes(range(16)))
    options = registration_options()
    credential = auth.create(as_json(options), ORIGIN)

    for form in (credential, json.dumps(credential)):
        verified = verify_registration(form, options)
        assert verified.credential_id == auth.credential_ids[0]
        assert verified.fmt == AttestationFormat.NONE
        assert verified.user_verified is True
        assert verified.sign_count == 0
        assert verified.aaguid == "00010203-0405-0607-0809-0a0b0c0d0e0f"
    assert credential["id"] == credential["rawId"] == b64url(auth.credential_ids[0])
    assert credential["authenticatorAttachment"] == "cross-platform"
    assert credential["response"]["transports"] == ["usb"]


def test_an_authentication_from_the_soft_key_verifies_and_counts_one_signature():
    auth = SoftAuthenticator()
    registered = register(auth)
    options = authentication_options(registered.credential_id)

    assertion = auth.get(as_json(options), ORIGIN)
    verified = verify_authentication(assertion, options, registered)

    assert verified.new_sign_count == 1
    assert verified.user_verified is True
    assert verified.credential_id == registered.credential_id
    assert assertion["response"]["userHandle"] == b64url(b"user-1")
    assert auth.sign_count[registered.credential_id] == 1


def test_each_authentication_raises_the_sign_count_by_one():
    auth = SoftAuthenticator()
    registered = register(auth)
    count = 0
    for expected in (1, 2, 3):
        options = authentication_options(registered.credential_id)
        assertion = json.dumps(auth.get(as_json(options), ORIGIN))
        count = verify_authentication(assertion, options, registered, sign_count=count).new_sign_count
        assert count == expected


def test_a_registration_for_another_origin_is_refused():
    options = registration_options()
    credential = SoftAuthenticator().create(as_json(options), "http://evil.example")
    with pytest.raises(InvalidRegistrationResponse, match="origin"):
        verify_registration(credential, options)


def test_a_registration_for_another_rp_id_is_refused():
    options = registration_options()
    credential = SoftAuthenticator().create(as_json(options), ORIGIN, rp_id="evil.example")
    with pytest.raises(InvalidRegistrationResponse, match="RP ID"):
        verify_registration(credential, options)


def test_a_registration_without_user_verification_is_refused_when_required():
    options = registration_options()
    credential = SoftAuthenticator(user_verification=False).create(as_json(options), ORIGIN)
    with pytest.raises(InvalidRegistrationResponse, match="User verification"):
        verify_registration(credential, options)


def test_a_registration_answering_another_challenge_is_refused():
    options_a, options_b = registration_options(), registration_options()
    credential = SoftAuthenticator().create(as_json(options_a), ORIGIN)
    with pytest.raises(InvalidRegistrationResponse, match="challenge"):
        verify_registration(credential, options_b)


def test_an_authentication_from_another_origin_is_refused():
    auth = SoftAuthenticator()
    registered = register(auth)
    options = authentication_options(registered.credential_id)
    assertion = auth.get(as_json(options), "http://evil.example")
    with pytest.raises(InvalidAuthenticationResponse, match="origin"):
        verify_authentication(assertion, options, registered)


def test_an_authentication_for_another_rp_id_is_refused():
    auth = SoftAuthenticator()
    registered = register(auth)
    options = authentication_options(registered.credential_id)
    assertion = auth.get(as_json(options), ORIGIN, rp_id="evil.example")
    with pytest.raises(InvalidAuthenticationResponse, match="RP ID"):
        verify_authentication(assertion, options, registered)


def test_an_authentication_without_user_verification_is_refused_when_required():
    auth = SoftAuthenticator()
    registered = register(auth)
    auth.user_verification = False
    options = authentication_options(registered.credential_id)
    assertion = auth.get(as_json(options), ORIGIN)
    with pytest.raises(InvalidAuthenticationResponse, match="User verification"):
        verify_authentication(assertion, options, registered)


def test_a_signature_over_another_challenge_is_refused():
    auth = SoftAuthenticator()
    registered = register(auth)
    options_a = authentication_options(registered.credential_id)
    options_b = authentication_options(registered.credential_id)
    assertion = auth.get(as_json(options_a), ORIGIN)
    with pytest.raises(InvalidAuthenticationResponse, match="challenge"):
        verify_authentication(assertion, options_b, registered)


def test_a_signature_checked_against_another_credentials_key_is_refused():
    auth = SoftAuthenticator()
    first, second = register(auth), register(auth)
    options = authentication_options(first.credential_id)
    assertion = auth.get(as_json(options), ORIGIN, credential_id=first.credential_id)
    with pytest.raises(InvalidAuthenticationResponse, match="signature"):
        verify_authentication(assertion, options, second)


def test_a_reset_sign_count_looks_like_a_cloned_key_and_is_refused():
    auth = SoftAuthenticator()
    registered = register(auth)
    options = authentication_options(registered.credential_id)
    count = verify_authentication(auth.get(as_json(options), ORIGIN), options, registered).new_sign_count

    auth.sign_count[registered.credential_id] = 0
    options = authentication_options(registered.credential_id)
    assertion = auth.get(as_json(options), ORIGIN)
    with pytest.raises(InvalidAuthenticationResponse, match="sign count"):
        verify_authentication(assertion, options, registered, sign_count=count)


def test_a_replayed_assertion_is_refused_once_the_count_was_stored():
    auth = SoftAuthenticator()
    registered = register(auth)
    options = authentication_options(registered.credential_id)
    assertion = auth.get(as_json(options), ORIGIN)
    count = verify_authentication(assertion, options, registered).new_sign_count
    with pytest.raises(InvalidAuthenticationResponse, match="sign count"):
        verify_authentication(assertion, options, registered, sign_count=count)


def test_the_key_answers_with_the_first_allowed_credential_it_holds_or_the_one_asked_for():
    auth = SoftAuthenticator()
    first, second = register(auth), register(auth)
    options = as_json(authentication_options(b"not-mine", second.credential_id, first.credential_id))

    assert auth.get(options, ORIGIN)["id"] == b64url(second.credential_id)
    assert auth.get(options, ORIGIN, credential_id=first.credential_id)["id"] == b64url(first.credential_id)
    assert auth.get(as_json(authentication_options()), ORIGIN)["id"] == b64url(first.credential_id)


def test_a_key_without_an_allowed_credential_cannot_answer():
    registered = register(SoftAuthenticator())
    with pytest.raises(AuthenticatorError):
        SoftAuthenticator().get(as_json(authentication_options(registered.credential_id)), ORIGIN)


def test_a_key_refuses_to_register_again_where_its_credential_is_excluded():
    auth = SoftAuthenticator()
    registered = register(auth)
    with pytest.raises(AuthenticatorError):
        auth.create(as_json(registration_options(exclude=[registered.credential_id])), ORIGIN)
