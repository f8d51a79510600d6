"""Business time for SLA deadlines: working hours of a building on the Russian production calendar.

Days off and working weekend days come from the `holidays` package (country RU), which carries the
government's transfer decrees up to 2027 (checked with holidays 0.109). The package does not mark
shortened pre-holiday days, so `is_pre_holiday` derives them from the Labour Code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from holidays.countries.russia import RussiaStaticHolidays

# Non-working public holidays as (month, day), Labour Code art. 112 in its wording since 2013:
# New Year holidays 1-6 and 8 January, Christmas 7 January, 23 February, 8 March, 1 May, 9 May,
# 12 June and 4 November.
PUBLIC_HOLIDAYS = frozenset({
    (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8),
    (2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4),
})

# Labour Code art. 95: the working day right before a non-working public holiday is one hour shorter.
PRE_HOLIDAY_CUT = timedelta(hours=1)

DAY = timedelta(days=1)

WorkingInterval = tuple[datetime, datetime]


@dataclass(frozen=True)
class WorkingHours:
    """Opening hours of a building in its local time: `week[0]` is Monday, None is a closed day."""

    week: tuple[tuple[time, time] | None, ...] = ((time(9), time(18)),) * 5 + (None, None)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError(f"week needs 7 entries (Monday to Sunday), got {len(self.week)}")
        if all(hours is None for hours in self.week):
            raise ValueError("working hours need at least one open weekday")
        for hours in self.week:
            if hours is not None:
                _check_opening(*hours)

    @classmethod
    def from_mapping(cls, hours: Mapping[int, tuple[time, time]]) -> WorkingHours:
        """Build from {weekday: (start, end)} with 0 for Monday. Weekdays left out are closed."""
        unknown = set(hours) - set(range(7))
        if unknown:
            raise ValueError(f"weekdays must be 0 (Monday) to 6 (Sunday), got {sorted(unknown)}")
        return cls(tuple(hours.get(weekday) for weekday in range(7)))

    def for_weekday(self, weekday: int) -> tuple[time, time] | None:
        return self.week[weekday]


def _check_opening(start: time, end: time) -> None:
    if start.tzinfo is not None or end.tzinfo is not None:
        raise ValueError("working hours are local wall-clock times and must be naive")
    if start >= end:
        raise ValueError(f"working hours must end after they start, got {start}-{end}")


@dataclass(frozen=True)
class _ProductionYear:
    days_off: frozenset[date]
    # A working Saturday or Sunday set by decree, mapped to the weekday that became a day off in exchange.
    replaced_weekdays: Mapping[date, date]


@lru_cache(maxsize=64)
def _production_year(year: int) -> _ProductionYear:
    # NOTE: years after the last decree known to the installed `holidays` (2027 in 0.109) have no
    # transfers, so their calendar holds only the holidays and the weekends until the package is updated.
    calendar = holidays.country_holidays("RU", years=year)
    return _ProductionYear(frozenset(calendar), _decree_swaps(year, calendar.weekend_workdays))


def _decree_swaps(year: int, weekend_workdays: set[date]) -> dict[date, date]:
    """Pair each working weekend day of the decree for `year` with the weekday it gave up."""
    swaps: dict[date, date] = {}
    for entry in _decree_entries(year):
        to_month, to_day, from_month, from_day, *from_year = entry
        worked = date(from_year[0] if from_year else year, from_month, from_day)
        if worked in weekend_workdays:
            swaps[worked] = date(year, to_month, to_day)
    return swaps


def _decree_entries(year: int) -> list[tuple[int, ...]]:
    # The package stores one transfer as a flat tuple and several as a tuple of tuples.
    entries = RussiaStaticHolidays.special_public_holidays.get(year, ())
    if entries and isinstance(entries[0], int):
        return [entries]
    return list(entries)


def is_day_off(day: date) -> bool:
    """Tell whether `day` is a public holiday or a day off moved there by decree.

    Regular Saturdays and Sundays are not included: whether a building works on them depends on
    its working hours.
    """
    return day in _production_year(day.year).days_off


def replaced_weekday(day: date) -> date | None:
    """Return the weekday whose work a decree moved to the weekend day `day`, or None."""
    # A working weekend day in late December may pay for a day off of the next year's decree.
    for year in (day.year, day.year + 1):
        swapped = _production_year(year).replaced_weekdays.get(day)
        if swapped is not None:
            return swapped
    return None


def is_pre_holiday(day: date) -> bool:
    """Tell whether work on `day` is one hour shorter (Labour Code art. 95).

    The rule: the next day is a public holiday. A day off moved by decree does not count, so
    30 December 2025 (before the moved day off of 31 December) is a full day, and so is
    7 May 2025 (before the moved day off of 8 May). A working weekend day set by decree takes the
    place of a weekday, and is shortened when that weekday would have been: 1 November 2025 stands
    for Monday 3 November, the eve of 4 November. The rule reproduces the shortened days of the
    2024-2027 production calendars as copied in the xmlcalendar/data repository.
    """
    if is_day_off(day):
        return False
    schedule_day = replaced_weekday(day) or day
    following = schedule_day + DAY
    return (following.month, following.day) in PUBLIC_HOLIDAYS


class BusinessCalendar:
    """Business time of one building: its working hours, in its time zone, on working days.

    Every instant passed in must be timezone-aware, and results are in UTC. With `around_the_clock`
    (emergency tickets) every minute counts and the calendar is not consulted.
    """

    def __init__(self, tz: str, hours: WorkingHours | None = None, around_the_clock: bool = False) -> None:
        try:
            self.zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {tz!r}") from error
        self.hours = hours or WorkingHours()
        self.around_the_clock = around_the_clock

    def working_interval(self, day: date) -> WorkingInterval | None:
        """Return the UTC instants between which the building works on local date `day`, or None."""
        opening = self._opening(day)
        if opening is None:
            return None

        start, end = opening
        opens = datetime.combine(day, start, self.zone).astimezone(timezone.utc)
        closes = datetime.combine(day, end, self.zone).astimezone(timezone.utc)
        if is_pre_holiday(day):
            closes = max(opens, closes - PRE_HOLIDAY_CUT)
        return (opens, closes) if opens < closes else None

    def _opening(self, day: date) -> tuple[time, time] | None:
        if is_day_off(day):
            return None
        replaced = replaced_weekday(day)
        if replaced is not None and self.hours.for_weekday(replaced.weekday()) is not None:
            return self.hours.for_weekday(replaced.weekday())
        return self.hours.for_weekday(day.weekday())

    def add(self, start_utc: datetime, duration: timedelta) -> datetime:
        """Return the deadline: the instant when `duration` of business time has passed since start.

        A deadline that uses up a day exactly falls on that day's closing time, not on the next
        opening. A zero duration returns the start itself.
        """
        start = _as_utc(start_utc, "start_utc")
        if duration < timedelta(0):
            raise ValueError(f"duration must not be negative, got {duration}")
        if self.around_the_clock or not duration:
            return start + duration

        remaining = duration
        for day in self._days_from(start):
            interval = self.working_interval(day)
            if interval is None or interval[1] <= start:
                continue
            opens = max(interval[0], start)
            available = interval[1] - opens
            if remaining <= available:
                return opens + remaining
            remaining -= available
        raise AssertionError("unreachable: the day iterator is endless")

    def elapsed(self, start_utc: datetime, end_utc: datetime) -> timedelta:
        """Return the business time between two instants."""
        start, end = _as_utc(start_utc, "start_utc"), _as_utc(end_utc, "end_utc")
        if end < start:
            raise ValueError(f"end_utc {end.isoformat()} is before start_utc {start.isoformat()}")
        if self.around_the_clock:
            return end - start

        total = timedelta(0)
        for day in self._days_between(start, end):
            interval = self.working_interval(day)
            if interval is not None:
                total += max(timedelta(0), min(end, interval[1]) - max(start, interval[0]))
        return total

    def elapsed_excluding(
        self,
        start_utc: datetime,
        end_utc: datetime,
        pauses: list[tuple[datetime, datetime | None]],
    ) -> timedelta:
        """Return the business time between two instants with the clock stopped during pauses.

        A pause (a ticket on hold) with no end is still running and lasts until `end_utc`. Pauses
        may overlap each other or reach outside the span, and each paused minute is removed once.
        """
        start, end = _as_utc(start_utc, "start_utc"), _as_utc(end_utc, "end_utc")
        total = self.elapsed(start, end)
        for pause_start, pause_end in _merge_pauses(pauses, start, end):
            total -= self.elapsed(pause_start, pause_end)
        return total

    def _local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def _days_from(self, start: datetime) -> Iterator[date]:
        day = self._local_date(start)
        while True:
            yield day
            day += DAY

    def _days_between(self, start: datetime, end: datetime) -> Iterator[date]:
        day, last = self._local_date(start), self._local_date(end)
        while day <= last:
            yield day
            day += DAY


def _merge_pauses(
    pauses: list[tuple[datetime, datetime | None]], start: datetime, end: datetime
) -> list[WorkingInterval]:
    """Clip pauses to [start, end] and join the overlapping ones."""
    clipped = []
    for pause_start, pause_end in pauses:
        begins = _as_utc(pause_start, "pause start")
        ends = end if pause_end is None else _as_utc(pause_end, "pause end")
        if ends < begins:
            raise ValueError(f"pause ends at {ends.isoformat()} before it starts at {begins.isoformat()}")
        begins, ends = max(begins, start), min(ends, end)
        if begins < ends:
            clipped.append((begins, ends))

    merged: list[WorkingInterval] = []
    for begins, ends in sorted(clipped):
        if merged and begins <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends))
        else:
            merged.append((begins, ends))
    return merged


def _as_utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value.isoformat()}")
    return value.astimezone(timezone.utc)
