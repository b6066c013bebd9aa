from datetime import date, datetime, timedelta

import pytest

from kiosk.domain.calendar import TOKYO, OfficeCalendar
from kiosk.domain.errors import ClosedDay, NotASlot, PastCutoff, TooFarAhead

CAL = OfficeCalendar(closures=frozenset({date(2026, 12, 10)}))


def t(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=TOKYO)


@pytest.mark.parametrize("day, reason", [
    (date(2026, 11, 23), "holiday"),       # 勤労感謝の日 (Monday)
    (date(2027, 1, 11), "holiday"),        # 成人の日
    (date(2026, 12, 29), "year_end"),
    (date(2027, 1, 3), "weekend"),         # a Sunday inside the year-end closure
    (date(2027, 1, 1), "year_end"),        # 元日 is also a holiday; year_end says more
    (date(2026, 12, 5), "weekend"),        # a Saturday
    (date(2026, 12, 10), "closure"),
])
def test_closed_days_give_their_reason(day, reason):
    assert CAL.closed_reason(day) == reason
    assert CAL.slot_starts(day) == []


def test_january_3_on_a_weekday_is_year_end():
    assert OfficeCalendar().closed_reason(date(2029, 1, 3)) == "year_end"  # a Wednesday


@pytest.mark.parametrize("day", [date(2027, 1, 5), date(2027, 1, 4), date(2026, 12, 28), date(2026, 12, 3)])
def test_ordinary_weekdays_are_open(day):
    assert CAL.is_open(day)


def test_an_open_day_has_twelve_slots_from_ten_to_half_past_three():
    starts = CAL.slot_starts(date(2026, 12, 3))
    assert len(starts) == 12
    assert starts[0] == t(2026, 12, 3, 10, 0)
    assert starts[-1] == t(2026, 12, 3, 15, 30)
    assert all(b - a == timedelta(minutes=30) for a, b in zip(starts, starts[1:]))


def test_a_booking_at_235959_of_the_previous_day_is_accepted():
    CAL.check_counseling_start(t(2026, 12, 3, 10), now=t(2026, 12, 2, 23, 59, 59))


def test_a_booking_at_midnight_of_the_day_itself_is_refused():
    with pytest.raises(PastCutoff):
        CAL.check_counseling_start(t(2026, 12, 3, 10), now=t(2026, 12, 3, 0, 0, 0))


def test_the_previous_working_day_policy_closes_monday_on_friday_night():
    cal = OfficeCalendar(cutoff_policy="previous_working_day")
    monday = t(2026, 12, 7, 10)
    cal.check_counseling_start(monday, now=t(2026, 12, 4, 23, 59, 59))
    with pytest.raises(PastCutoff):
        cal.check_counseling_start(monday, now=t(2026, 12, 5, 9, 0))


def test_the_previous_day_policy_takes_monday_bookings_on_sunday():
    OfficeCalendar().check_counseling_start(t(2026, 12, 7, 10), now=t(2026, 12, 6, 20, 0))


def test_a_start_between_slots_is_refused():
    with pytest.raises(NotASlot):
        CAL.check_counseling_start(t(2026, 12, 3, 10, 15), now=t(2026, 12, 1))
    with pytest.raises(NotASlot):
        CAL.check_counseling_start(t(2026, 12, 3, 16, 0), now=t(2026, 12, 1))


def test_a_start_given_in_another_time_zone_is_the_same_slot():
    CAL.check_counseling_start(datetime.fromisoformat("2026-12-03T01:00:00+00:00"), now=t(2026, 12, 1))


def test_a_closed_day_is_refused_with_its_reason():
    with pytest.raises(ClosedDay) as err:
        CAL.check_counseling_start(t(2026, 12, 29, 10), now=t(2026, 12, 1))
    assert err.value.params == {"reason": "year_end"}


def test_a_day_beyond_the_horizon_is_refused():
    with pytest.raises(TooFarAhead):
        OfficeCalendar(horizon_days=7).check_counseling_start(t(2026, 12, 14, 10), now=t(2026, 12, 1))


def test_bookable_days_skip_closed_days_and_today():
    days = CAL.bookable_days(now=t(2026, 12, 8, 12), count=3)
    assert days == [date(2026, 12, 9), date(2026, 12, 11), date(2026, 12, 14)]
