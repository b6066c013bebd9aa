import pytest

from kiosk.domain.errors import RoomUnavailable, SlotFull
from kiosk.domain.rooms import Room, assign_room, capacity, normalize_meeting_id

ROOMS = [Room("r1", "zoom", "845 1111 0001", "佐藤"), Room("r2", "zoom", "845 1111 0002", "鈴木"),
         Room("r3", "teleoffice", "TO-3", "田中"), Room("r4", "zoom", "845 1111 0004", "高橋", active=False)]


def test_the_visitors_counselor_gets_them_when_free():
    assert assign_room(ROOMS, set(), "zoom", counselor="鈴木").id == "r2"


def test_another_free_room_is_given_when_the_counselor_is_busy():
    assert assign_room(ROOMS, {"r2"}, "zoom", counselor="鈴木").id == "r1"


def test_the_chosen_meeting_app_decides_the_room():
    assert assign_room(ROOMS, set(), "teleoffice").id == "r3"


def test_a_full_slot_is_refused():
    with pytest.raises(SlotFull):
        assign_room(ROOMS, {"r1", "r2", "r3"}, "zoom")


def test_a_slot_with_rooms_only_for_the_other_app_says_so():
    with pytest.raises(RoomUnavailable):
        assign_room(ROOMS, {"r1", "r2"}, "zoom")


def test_disabled_rooms_are_never_given_and_do_not_count():
    assert capacity(ROOMS) == 3
    with pytest.raises(RoomUnavailable):
        assign_room(ROOMS, {"r1", "r2"}, "zoom", counselor="高橋")


def test_meeting_ids_are_grouped_as_people_read_them():
    assert normalize_meeting_id("84512345678") == "845 1234 5678"
    assert normalize_meeting_id(" 845  1234 5678 ") == "845 1234 5678"
