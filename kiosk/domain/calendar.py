"""The office calendar (C5): open days, counseling slots and the booking cut-off."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jpholiday

from .errors import ClosedDay, NotASlot, PastCutoff, TooFarAhead

TOKYO = ZoneInfo("Asia/Tokyo")
SLOT = timedelta(minutes=30)
FIRST_START = time(10, 0)
LAST_START = time(15, 30)

CUTOFF_POLICIES = ("previous_day", "previous_working_day")


def is_year_end(day: date) -> bool:
    """Dec 29 to Jan 3: closed by law for government offices."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def at(day: date, clock: time) -> datetime:
    """That day at that wall-clock time in Tokyo."""
    return datetime.combine(day, clock, tzinfo=TOKYO)


def tokyo(moment: datetime) -> datetime:
    """The same instant, on Tokyo's clock."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(TOKYO)


@dataclass(frozen=True)
class OfficeCalendar:
    """Which days the office works and when a day stops taking bookings."""

    closures: frozenset = field(default_factory=frozenset)
    cutoff_policy: str = "previous_day"
    horizon_days: int = 28

    def closed_reason(self, day: date) -> str | None:
        """Why the office is closed on `day` (a reason code), or None when it is open."""
        if day.weekday() >= 5:
            return "weekend"
        if is_year_end(day):
            return "year_end"
        if jpholiday.is_holiday(day):
            return "holiday"
        if day in self.closures:
            return "closure"
        return None

    def is_open(self, day: date) -> bool:
        return self.closed_reason(day) is None

    def previous_working_day(self, day: date) -> date:
        """The last open day before `day`."""
        d = day - timedelta(days=1)
        while not self.is_open(d):
            d -= timedelta(days=1)
        return d

    def cutoff(self, day: date) -> datetime:
        """The first instant at which bookings for `day` are no longer accepted."""
        if self.cutoff_policy == "previous_working_day":
            return at(self.previous_working_day(day) + timedelta(days=1), time(0))
        return at(day, time(0))

    def slot_starts(self, day: date) -> list[datetime]:
        """Counseling starts on an open day: every 30 minutes, 10:00 to 15:30."""
        if not self.is_open(day):
            return []
        starts, t = [], at(day, FIRST_START)
        while t <= at(day, LAST_START):
            starts.append(t)
            t += SLOT
        return starts

    def last_bookable_day(self, now: datetime) -> date:
        return tokyo(now).date() + timedelta(days=self.horizon_days)

    def check_counseling_start(self, start: datetime, now: datetime) -> None:
        """Refuse a counseling start that is not a slot, on a closed day, too late or too far ahead."""
        start = tokyo(start)
        day = start.date()
        if not self.is_open(day):
            raise ClosedDay(reason=self.closed_reason(day))
        if start not in self.slot_starts(day):
            raise NotASlot()
        if now >= self.cutoff(day):
            raise PastCutoff.under(self.cutoff_policy)
        if day > self.last_bookable_day(now):
            raise TooFarAhead(days=self.horizon_days)

    def bookable_days(self, now: datetime, count: int) -> list[date]:
        """The next `count` open days whose cut-off has not passed."""
        days, d = [], tokyo(now).date()
        limit = self.last_bookable_day(now)
        while len(days) < count and d <= limit:
            if self.is_open(d) and now < self.cutoff(d):
                days.append(d)
            d += timedelta(days=1)
        return days
