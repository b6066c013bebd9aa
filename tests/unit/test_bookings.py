from datetime import timedelta

import pytest

from kiosk.domain.errors import InvalidTransition
from tests.factories import make_booking

START = make_booking().start
GRACE = timedelta(minutes=10)   # the terms' ten minutes (NO_SHOW_GRACE_MINUTES' default)


def test_a_confirmed_booking_is_not_a_no_show_one_second_before_ten_minutes():
    assert not make_booking().due_for_no_show(START + timedelta(minutes=9, seconds=59), GRACE)


def test_a_confirmed_booking_becomes_a_no_show_at_exactly_ten_minutes():
    assert make_booking().due_for_no_show(START + timedelta(minutes=10), GRACE)


def test_a_checked_in_visitor_is_never_a_no_show():
    booking = make_booking().check_in(START - timedelta(minutes=5))
    assert not booking.due_for_no_show(START + timedelta(hours=1), GRACE)


def test_a_booking_the_office_learned_of_after_its_start_never_becomes_a_no_show():
    assert not make_booking(arrived_late=True).due_for_no_show(START + timedelta(hours=1), GRACE)


def test_attended_can_be_undone_back_to_confirmed():
    booking = make_booking().mark_attended(START, "staff").undo_attended(START, "staff")
    assert booking.status == "confirmed" and [h["status"] for h in booking.history] == ["attended", "confirmed"]


def test_cancelled_and_attended_bookings_are_not_swept():
    assert not make_booking().cancel(START, "staff").due_for_no_show(START + timedelta(hours=1), GRACE)
    assert not make_booking().mark_attended(START, "staff").due_for_no_show(START + timedelta(hours=1), GRACE)


def test_each_change_is_kept_in_the_history():
    booking = make_booking().mark_no_show(START + timedelta(minutes=10), "sweeper")
    assert booking.status == "no_show"
    assert booking.history[-1]["by"] == "sweeper"


def test_a_cancelled_booking_cannot_be_cancelled_again():
    with pytest.raises(InvalidTransition):
        make_booking().cancel(START, "staff").cancel(START, "staff")


def test_staff_can_correct_a_no_show_to_attended():
    booking = make_booking().mark_no_show(START + timedelta(minutes=10), "sweeper")
    assert booking.mark_attended(START + timedelta(minutes=15), "staff").status == "attended"


def test_a_record_round_trips():
    booking = make_booking(needs_interpreter=True, interpreter_language="vi").check_in(START)
    assert type(booking).from_record(booking.to_record()) == booking


def test_purging_removes_name_and_number_but_keeps_the_session():
    purged = make_booking().purged(START + timedelta(days=100))
    assert purged.name is None and purged.jobseeker_no is None
    assert purged.start == START and purged.status == "confirmed"
