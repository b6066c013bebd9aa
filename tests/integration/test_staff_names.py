"""Sign-in finds a staff member by name as people type it (NFKC, spaces ignored): the service
that begin_signin asks, without a browser."""
import pytest

from kiosk.domain.errors import NotAllowed
from kiosk.domain.staff import StaffMember
from kiosk.services.staff import find_staff, invite_link
from tests.factories import NOW

HANAKO = StaffMember(id="a1", name="山田 花子", role="admin", created_at=NOW)
MARIA = StaffMember(id="b2", name="Maria Santos", role="staff", created_at=NOW)


@pytest.fixture
def team(store):
    with store.transaction():
        store.save_staff(HANAKO)
        store.save_staff(MARIA)
    return store


@pytest.mark.parametrize("typed", ["山田 花子", "山田花子", "山田　花子", "  山田\t 花子 ", "山田　　花子"])
def test_a_japanese_name_is_found_with_or_without_its_space_half_or_full_width(team, typed):
    with team.transaction():
        assert find_staff(team, typed).id == "a1"


@pytest.mark.parametrize("typed", ["Maria Santos", "mariasantos", "ＭＡＲＩＡ　ＳＡＮＴＯＳ", "maria  santos"])
def test_a_latin_name_is_found_whatever_its_case_width_or_spacing(team, typed):
    with team.transaction():
        assert find_staff(team, typed).id == "b2"


@pytest.mark.parametrize("typed", ["", "   ", "　", None, "山田", "山田花"])
def test_a_part_of_a_name_or_nothing_finds_nobody(team, typed):
    with team.transaction():
        assert find_staff(team, typed) is None


def test_a_second_account_whose_name_differs_only_by_spaces_cannot_be_made(team):
    with pytest.raises(NotAllowed):
        invite_link(team, NOW, HANAKO, "山田花子", "staff")
