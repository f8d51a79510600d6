from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from backend.domain.calendar import (
    BusinessCalendar,
    WorkingHours,
    is_day_off,
    is_pre_holiday,
    replaced_weekday,
)

MOSCOW = "Europe/Moscow"
HOUR = timedelta(hours=1)


def local(zone: str, *parts: int) -> datetime:
    """A wall-clock time in `zone`, returned in UTC as the calendar expects."""
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def msk(*parts: int) -> datetime:
    return local(MOSCOW, *parts)


@pytest.fixture
def office() -> BusinessCalendar:
    return BusinessCalendar(MOSCOW, WorkingHours())


def test_shortened_days_2025_official_list():
    shortened = [day for day in _days(2025) if _works_weekdays(day) and is_pre_holiday(day)]

    assert shortened == [date(2025, 3, 7), date(2025, 4, 30), date(2025, 6, 11), date(2025, 11, 1)]


def test_shortened_days_2026_official_list():
    shortened = [day for day in _days(2026) if _works_weekdays(day) and is_pre_holiday(day)]

    assert shortened == [date(2026, 4, 30), date(2026, 5, 8), date(2026, 6, 11), date(2026, 11, 3)]


def test_working_time_norm_2025_and_2026():
    # The published calendars give a 40-hour week 247 working days and 1972 hours in both years.
    for year in (2025, 2026):
        working = [day for day in _days(year) if _works_weekdays(day)]
        hours = 8 * len(working) - sum(is_pre_holiday(day) for day in working)

        assert len(working) == 247, year
        assert hours == 1972, year


def test_moved_day_off_before_holiday_is_full():
    assert is_day_off(date(2025, 5, 8))
    assert not is_pre_holiday(date(2025, 5, 7))
    assert is_day_off(date(2025, 12, 31))
    assert not is_pre_holiday(date(2025, 12, 30))


def test_working_saturday_replaces_monday():
    assert replaced_weekday(date(2025, 11, 1)) == date(2025, 11, 3)
    assert is_day_off(date(2025, 11, 3))
    assert replaced_weekday(date(2025, 11, 8)) is None


def test_new_year_holidays_2026(office):
    # Closed from 1 to 11 January 2026: 9 January is the day off moved from Saturday 3 January.
    for day in range(1, 12):
        assert office.working_interval(date(2026, 1, day)) is None, day

    deadline = office.add(msk(2025, 12, 30, 17, 0), 2 * HOUR)

    assert deadline == msk(2026, 1, 12, 10, 0)


def test_new_year_eve_2025_is_full_day(office):
    assert office.working_interval(date(2025, 12, 30)) == (msk(2025, 12, 30, 9), msk(2025, 12, 30, 18))
    assert office.working_interval(date(2025, 12, 31)) is None


def test_transfer_november_2025(office):
    # Saturday 1 November works Monday's hours, shortened before 4 November. 3 and 4 November are off.
    assert office.working_interval(date(2025, 11, 1)) == (msk(2025, 11, 1, 9), msk(2025, 11, 1, 17))
    assert office.working_interval(date(2025, 11, 3)) is None

    deadline = office.add(msk(2025, 10, 31, 17, 0), 3 * HOUR)

    assert deadline == msk(2025, 11, 1, 11, 0)


def test_ticket_across_transfer_days_off(office):
    deadline = office.add(msk(2025, 11, 1, 16, 0), 2 * HOUR)

    assert deadline == msk(2025, 11, 5, 10, 0)


def test_shortened_day_closes_early(office):
    assert office.working_interval(date(2025, 3, 7)) == (msk(2025, 3, 7, 9), msk(2025, 3, 7, 17))

    deadline = office.add(msk(2025, 3, 7, 16, 0), 2 * HOUR)

    # 8 March 2025 is a Saturday and no transfer applies, so work resumes on Monday 10 March.
    assert deadline == msk(2025, 3, 10, 10, 0)


def test_night_start_waits_for_opening(office):
    deadline = office.add(msk(2025, 10, 14, 23, 30), 4 * HOUR)

    assert deadline == msk(2025, 10, 15, 13, 0)


def test_early_morning_start_same_day(office):
    deadline = office.add(msk(2025, 10, 15, 6, 0), 30 * timedelta(minutes=1))

    assert deadline == msk(2025, 10, 15, 9, 30)


def test_weekend_start_moves_to_monday(office):
    deadline = office.add(msk(2025, 10, 18, 12, 0), HOUR)

    assert deadline == msk(2025, 10, 20, 10, 0)


def test_friday_evening_carries_over(office):
    deadline = office.add(msk(2025, 10, 17, 16, 0), 5 * HOUR)

    assert deadline == msk(2025, 10, 20, 12, 0)


def test_deadline_at_closing_time(office):
    deadline = office.add(msk(2025, 10, 15, 9, 0), 9 * HOUR)

    assert deadline == msk(2025, 10, 15, 18, 0)


def test_zero_duration_returns_start(office):
    start = msk(2025, 10, 18, 3, 0)

    assert office.add(start, timedelta(0)) == start


def test_negative_duration_rejected(office):
    with pytest.raises(ValueError):
        office.add(msk(2025, 10, 15, 10), -HOUR)


def test_moscow_and_vladivostok_same_instant():
    # 01:00 UTC on Wednesday is 04:00 in Moscow (before opening) and 11:00 in Vladivostok.
    start = datetime(2025, 10, 15, 1, 0, tzinfo=timezone.utc)
    moscow = BusinessCalendar(MOSCOW, WorkingHours())
    vladivostok = BusinessCalendar("Asia/Vladivostok", WorkingHours())

    assert moscow.add(start, 2 * HOUR) == msk(2025, 10, 15, 11, 0)
    assert vladivostok.add(start, 2 * HOUR) == local("Asia/Vladivostok", 2025, 10, 15, 13, 0)
    assert vladivostok.add(start, 2 * HOUR) == datetime(2025, 10, 15, 3, 0, tzinfo=timezone.utc)


def test_vladivostok_evening_is_moscow_morning():
    # 08:00 UTC on Wednesday: 11:00 in Moscow, 18:00 (closed) in Vladivostok.
    start = datetime(2025, 10, 15, 8, 0, tzinfo=timezone.utc)
    moscow = BusinessCalendar(MOSCOW, WorkingHours())
    vladivostok = BusinessCalendar("Asia/Vladivostok", WorkingHours())

    assert moscow.add(start, HOUR) == msk(2025, 10, 15, 12, 0)
    assert vladivostok.add(start, HOUR) == local("Asia/Vladivostok", 2025, 10, 16, 10, 0)


@pytest.mark.parametrize("zone", ["Europe/Kaliningrad", "Europe/Samara", "Asia/Yekaterinburg",
                                  "Asia/Novosibirsk", "Asia/Irkutsk", "Asia/Magadan", "Asia/Kamchatka"])
def test_each_zone_counts_local_hours(zone):
    calendar = BusinessCalendar(zone, WorkingHours())
    start = local(zone, 2026, 2, 20, 17, 0)

    # Friday 20 February 2026 is a full day, and 23 February (Monday) is a holiday.
    assert calendar.add(start, 2 * HOUR) == local(zone, 2026, 2, 24, 10, 0)


def test_emergency_counts_every_minute():
    emergency = BusinessCalendar(MOSCOW, WorkingHours(), around_the_clock=True)
    start = msk(2025, 12, 31, 23, 0)

    assert emergency.add(start, 4 * HOUR) == msk(2026, 1, 1, 3, 0)
    assert emergency.elapsed(start, msk(2026, 1, 2, 23, 0)) == timedelta(days=2)


def test_elapsed_over_weekend(office):
    elapsed = office.elapsed(msk(2025, 10, 17, 17, 0), msk(2025, 10, 20, 10, 30))

    assert elapsed == timedelta(hours=2, minutes=30)


def test_elapsed_inside_one_night_is_zero(office):
    assert office.elapsed(msk(2025, 10, 15, 19, 0), msk(2025, 10, 16, 8, 0)) == timedelta(0)


def test_elapsed_rejects_reversed_span(office):
    with pytest.raises(ValueError):
        office.elapsed(msk(2025, 10, 16), msk(2025, 10, 15))


def test_elapsed_undoes_add(office):
    start = msk(2025, 12, 25, 14, 17)
    for hours in (1, 7, 8, 9, 40, 200, 2000):
        deadline = office.add(start, hours * HOUR)

        assert office.elapsed(start, deadline) == hours * HOUR, hours


def test_pause_stops_the_clock(office):
    start, end = msk(2025, 10, 15, 9, 0), msk(2025, 10, 15, 18, 0)
    pauses = [(msk(2025, 10, 15, 10, 0), msk(2025, 10, 15, 12, 0))]

    assert office.elapsed_excluding(start, end, pauses) == 7 * HOUR


def test_open_pause_runs_to_end(office):
    start, end = msk(2025, 10, 15, 9, 0), msk(2025, 10, 16, 12, 0)
    pauses = [(msk(2025, 10, 15, 17, 0), None)]

    assert office.elapsed_excluding(start, end, pauses) == 8 * HOUR


def test_overlapping_pauses_count_once(office):
    start, end = msk(2025, 10, 15, 9, 0), msk(2025, 10, 15, 18, 0)
    pauses = [
        (msk(2025, 10, 15, 10, 0), msk(2025, 10, 15, 12, 0)),
        (msk(2025, 10, 15, 11, 0), msk(2025, 10, 15, 13, 0)),
        (msk(2025, 10, 14, 20, 0), msk(2025, 10, 15, 9, 30)),
    ]

    assert office.elapsed_excluding(start, end, pauses) == 5 * HOUR + 30 * timedelta(minutes=1)


def test_pause_over_weekend_costs_nothing(office):
    start, end = msk(2025, 10, 17, 9, 0), msk(2025, 10, 20, 18, 0)
    pauses = [(msk(2025, 10, 17, 18, 0), msk(2025, 10, 20, 9, 0))]

    assert office.elapsed_excluding(start, end, pauses) == 18 * HOUR


def test_pause_ending_before_start_rejected(office):
    with pytest.raises(ValueError):
        office.elapsed_excluding(msk(2025, 10, 15, 9), msk(2025, 10, 15, 18),
                                 [(msk(2025, 10, 15, 12), msk(2025, 10, 15, 11))])


def test_naive_datetimes_rejected(office):
    naive = datetime(2025, 10, 15, 10, 0)
    aware = msk(2025, 10, 15, 12)

    with pytest.raises(ValueError):
        office.add(naive, HOUR)
    with pytest.raises(ValueError):
        office.elapsed(naive, aware)
    with pytest.raises(ValueError):
        office.elapsed(aware, naive)
    with pytest.raises(ValueError):
        office.elapsed_excluding(aware, aware, [(naive, None)])


def test_non_utc_input_gives_utc_output(office):
    start = datetime(2025, 10, 15, 10, 0, tzinfo=ZoneInfo(MOSCOW))

    deadline = office.add(start, HOUR)

    assert deadline.utcoffset() == timedelta(0)
    assert deadline == msk(2025, 10, 15, 11, 0)


def test_saturday_hours_on_business_centre():
    hours = WorkingHours.from_mapping({weekday: (time(8), time(20)) for weekday in range(6)})
    centre = BusinessCalendar(MOSCOW, hours)

    assert centre.working_interval(date(2025, 10, 18)) == (msk(2025, 10, 18, 8), msk(2025, 10, 18, 20))
    assert centre.working_interval(date(2025, 10, 19)) is None
    # Saturday 7 March 2026 is the eve of 8 March, so it is shortened too.
    assert centre.working_interval(date(2026, 3, 7)) == (msk(2026, 3, 7, 8), msk(2026, 3, 7, 19))


def test_working_hours_rejects_bad_input():
    with pytest.raises(ValueError):
        WorkingHours.from_mapping({})
    with pytest.raises(ValueError):
        WorkingHours.from_mapping({7: (time(9), time(18))})
    with pytest.raises(ValueError):
        WorkingHours.from_mapping({0: (time(18), time(9))})
    with pytest.raises(ValueError):
        WorkingHours(((time(9), time(18)),) * 3)


def test_unknown_time_zone_rejected():
    with pytest.raises(ValueError):
        BusinessCalendar("Europe/Atlantis", WorkingHours())


class CountingCalendar(BusinessCalendar):
    """Records each local date whose working interval the calendar computes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.visited: list[date] = []

    def working_interval(self, day):
        self.visited.append(day)
        return super().working_interval(day)


def test_long_deadline_visits_each_day_once():
    eight_hours = WorkingHours.from_mapping({weekday: (time(9), time(17)) for weekday in range(5)})
    calendar = CountingCalendar(MOSCOW, eight_hours)

    # The whole 2025 norm (1972 hours) from the first working hour of the year.
    deadline = calendar.add(msk(2025, 1, 9, 9, 0), 1972 * HOUR)

    assert deadline == msk(2025, 12, 30, 17, 0)
    assert len(calendar.visited) == len(set(calendar.visited)) == 356


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=offset) for offset in range((date(year + 1, 1, 1) - first).days)]


def _works_weekdays(day: date) -> bool:
    """Whether an office with a Monday-to-Friday week works on `day`."""
    if is_day_off(day):
        return False
    return day.weekday() < 5 or replaced_weekday(day) is not None
