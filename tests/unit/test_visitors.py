from datetime import date, timedelta

import pytest

from kiosk.domain.errors import Restricted
from kiosk.domain.visitors import Restriction, check_may_book, strikes
from tests.factories import NOW, make_booking


def no_show(days_ago):
    start = NOW - timedelta(days=days_ago)
    return make_booking(start=start).mark_no_show(start + timedelta(minutes=10), "sweeper")


def test_only_unannounced_no_shows_inside_the_window_are_strikes():
    history = [no_show(10), no_show(200), make_booking(start=NOW - timedelta(days=3)).cancel(NOW, "visitor")]
    assert strikes(history, NOW, window_days=180) == 1


def test_a_restriction_in_force_refuses_a_booking():
    r = Restriction("x", "28010-12345", "暴言", date(2026, 12, 31), NOW, "staff")
    with pytest.raises(Restricted):
        check_may_book([r], 0, 0, NOW)


def test_a_lifted_or_ended_restriction_does_not():
    lifted = Restriction("x", "28010-12345", "r", date(2026, 12, 31), NOW, "staff", lifted_at=NOW)
    ended = Restriction("y", "28010-12345", "r", date(2026, 11, 30), NOW, "staff")
    check_may_book([lifted, ended], 0, 0, NOW)


def test_the_automatic_threshold_refuses_at_the_set_number_of_strikes():
    check_may_book([], 2, 3, NOW)
    with pytest.raises(Restricted):
        check_may_book([], 3, 3, NOW)


def test_a_threshold_of_zero_means_staff_decide_alone():
    check_may_book([], 50, 0, NOW)
