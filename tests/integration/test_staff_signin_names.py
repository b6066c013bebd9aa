"""A staff name signs in however its spaces and width were typed (NFKC, spaces ignored)."""
import pytest

from tests.integration.test_staff_signin import admin_key, sign_in  # noqa: F401

pytestmark = pytest.mark.both_backends


@pytest.mark.parametrize("typed", ["山田管理者", "山田　管理者", " 山田  管理者 "])
def test_a_name_typed_without_its_space_or_with_a_full_width_one_signs_in(admin_key, client, typed):
    assert sign_in(client, admin_key, name=typed).status_code == 200


def test_another_name_does_not_sign_in_with_the_key(admin_key, client):
    assert sign_in(client, admin_key, name="山田 花子").status_code == 401
