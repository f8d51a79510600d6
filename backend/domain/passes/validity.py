"""When a pass lets someone in: windows in the building's time zone and the entry decision.

Windows are stored in UTC and reasoned about in the building's zone, so a one-day pass for
04.12 in Vladivostok ends at 23:59:59 Vladivostok time, which is 16:59:59 in Moscow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from backend.domain.passes.models import PassKind, PassStatus
from backend.i18n import N_

END_OF_DAY = time(23, 59, 59)


class Reason:
    """Reason codes of an entry decision, stable for API clients."""

    VALID = "valid"
    CANCELLED = "cancelled"
    BLOCKLISTED = "blocklisted"
    ALREADY_ON_SITE = "already_on_site"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    USED = "used"
    """A one-time pass whose visitor has already come and gone."""
    OTHER_POST = "other_post"
    """The host premise is in an entrance this post does not serve."""

    ALL = (VALID, CANCELLED, BLOCKLISTED, ALREADY_ON_SITE, NOT_YET_VALID, EXPIRED, USED, OTHER_POST)


@dataclass(frozen=True)
class Window:
    valid_from: datetime
    valid_until: datetime | None


@dataclass(frozen=True)
class EntryDecision:
    allowed: bool
    reason: str


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Return the UTC instant of a wall-clock time in the zone."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(timezone.utc)


def day_window(day: date, zone: ZoneInfo) -> Window:
    """Return the window of a one-day pass: 00:00:00 to 23:59:59 local time, both inclusive."""
    return Window(local_moment(day, time(0, 0), zone), local_moment(day, END_OF_DAY, zone))


def clock_window(day: date, start: time, end: time, zone: ZoneInfo) -> Window:
    """Return the window from `start` to `end` on `day`; an end not after the start is on the next day.

    So 22:00–02:00 on 04.12 runs from 04.12 22:00 to 05.12 02:00 local time.
    """
    end_day = day + timedelta(days=1) if end <= start else day
    return Window(local_moment(day, start, zone), local_moment(end_day, end, zone))


def is_expired(valid_until: datetime | None, now: datetime) -> bool:
    return valid_until is not None and now > valid_until


def effective_status(status: str, valid_until: datetime | None, now: datetime) -> str:
    """Return the status people see: a stored `expected` or `left` turns `expired` once the window ends.

    A visitor on site stays `on_site` past the window until a guard marks the departure.
    """
    if status in (PassStatus.EXPECTED, PassStatus.LEFT) and is_expired(valid_until, now):
        return PassStatus.EXPIRED
    return status


def decide_entry(*, kind: str, status: str, valid_from: datetime, valid_until: datetime | None, now: datetime,
                 blocklisted: bool, serves_entrance: bool = True) -> EntryDecision:
    """Decide whether a pass lets its visitor in now, and why not.

    The first reason that applies wins, in the order a guard should hear them: a cancelled or
    blocklisted pass is refused whatever its window says.
    """
    refusals = (
        (status == PassStatus.CANCELLED, Reason.CANCELLED),
        (blocklisted, Reason.BLOCKLISTED),
        (status == PassStatus.ON_SITE, Reason.ALREADY_ON_SITE),
        (now < valid_from, Reason.NOT_YET_VALID),
        (is_expired(valid_until, now), Reason.EXPIRED),
        (kind == PassKind.ONE_TIME and status == PassStatus.LEFT, Reason.USED),
        (not serves_entrance, Reason.OTHER_POST),
    )
    for applies, reason in refusals:
        if applies:
            return EntryDecision(False, reason)
    return EntryDecision(True, Reason.VALID)


# What a guard reads under the green or red answer, by reason code.
REASON_MESSAGES = {
    Reason.VALID: N_("Entry allowed."),
    Reason.CANCELLED: N_("The pass was cancelled."),
    Reason.BLOCKLISTED: N_("The visitor or the vehicle is on the blocklist."),
    Reason.ALREADY_ON_SITE: N_("Already on site: mark the departure first."),
    Reason.NOT_YET_VALID: N_("The pass is not valid yet."),
    Reason.EXPIRED: N_("The pass has expired."),
    Reason.USED: N_("The one-time pass has already been used."),
    Reason.OTHER_POST: N_("The host premise is served by another post."),
}
