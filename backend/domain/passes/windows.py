"""Turning an order's dates and times into a pass's window, in the building's time zone."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from backend.domain.errors import DomainError
from backend.domain.passes.models import PassKind
from backend.domain.passes.validity import Window, day_window


def check_kind(kind: str) -> str:
    if kind not in PassKind.ALL:
        raise DomainError("pass_kind_invalid", "Unknown pass kind. Allowed values: {allowed}.", field="kind",
                          value=kind, allowed=", ".join(PassKind.ALL))
    return kind


def resolve_window(kind: str, valid_on: date | None, valid_from: datetime | None, valid_until: datetime | None,
                   zone: ZoneInfo, now: datetime) -> Window:
    """Return the window of a new pass; reject one that is empty or already over.

    A one-time pass defaults to today and ends with its start day unless told otherwise; a
    permanent pass starts now and may have no end. Naive times are read in `zone`.
    """
    _check_range(valid_on, "valid_on", now)
    _check_range(valid_from, "valid_from", now)
    _check_range(valid_until, "valid_until", now)
    if valid_on is not None:
        if valid_from is not None or valid_until is not None:
            raise DomainError("pass_window_ambiguous", "Give either a date or a start and an end, not both.",
                              field="valid_on", value=valid_on.isoformat())
        window = day_window(valid_on, zone)
    elif kind == PassKind.ONE_TIME:
        window = _one_time_window(_aware(valid_from, zone), _aware(valid_until, zone), zone, now)
    else:
        window = Window(_aware(valid_from, zone) or now, _aware(valid_until, zone))
    return _checked(window, now)


def _one_time_window(valid_from: datetime | None, valid_until: datetime | None, zone: ZoneInfo,
                     now: datetime) -> Window:
    if valid_from is None and valid_until is None:
        return day_window(now.astimezone(zone).date(), zone)
    start = valid_from or now
    end = valid_until or day_window(start.astimezone(zone).date(), zone).valid_until
    return Window(start, end)


def _checked(window: Window, now: datetime) -> Window:
    if window.valid_until is not None and window.valid_until <= window.valid_from:
        raise DomainError("pass_window_invalid", "The pass must end after it starts.", field="valid_until",
                          value=window.valid_until.isoformat())
    if window.valid_until is not None and window.valid_until < now:
        raise DomainError("pass_window_past", "The pass would already be over: choose an end in the future.",
                          field="valid_until", value=window.valid_until.isoformat())
    return window


MAX_YEARS_AHEAD = 10  # a pass ending later than this is a typo, and far dates overflow time-zone arithmetic
EARLIEST = date(2000, 1, 1)


def _check_range(moment: date | datetime | None, field: str, now: datetime) -> None:
    if moment is None:
        return
    day = moment.date() if isinstance(moment, datetime) else moment
    latest = date(now.year + MAX_YEARS_AHEAD, 12, 31)
    if not EARLIEST <= day <= latest:
        raise DomainError("pass_date_out_of_range", "The date must be between {first} and {last}.", field=field,
                          value=moment.isoformat(), first=EARLIEST.strftime("%d.%m.%Y"), last=latest.strftime("%d.%m.%Y"))


def _aware(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """Read a naive time as wall-clock time in `zone`; keep an explicit offset; return UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)
