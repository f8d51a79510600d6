from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from backend.domain.passes.models import PassKind, PassStatus
from backend.domain.passes.validity import (Reason, clock_window, day_window, decide_entry, effective_status)

MOSCOW = ZoneInfo("Europe/Moscow")
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


def local(zone, *parts):
    return datetime(*parts, tzinfo=zone)


def decide(window, now, kind=PassKind.ONE_TIME, status=PassStatus.EXPECTED, **extra):
    return decide_entry(kind=kind, status=status, valid_from=window.valid_from, valid_until=window.valid_until,
                        now=now, blocklisted=extra.pop("blocklisted", False), **extra)


def test_overnight_pass_valid_after_midnight():
    window = clock_window(date(2026, 12, 4), time(22, 0), time(2, 0), MOSCOW)

    assert window.valid_from == local(MOSCOW, 2026, 12, 4, 22, 0)
    assert window.valid_until == local(MOSCOW, 2026, 12, 5, 2, 0)
    assert decide(window, local(MOSCOW, 2026, 12, 5, 1, 30)).allowed
    assert decide(window, local(MOSCOW, 2026, 12, 4, 21, 59)).reason == Reason.NOT_YET_VALID
    assert decide(window, local(MOSCOW, 2026, 12, 5, 2, 0, 1)).reason == Reason.EXPIRED


def test_one_day_pass_ends_at_local_midnight():
    window = day_window(date(2026, 12, 4), MOSCOW)

    assert window.valid_until == local(MOSCOW, 2026, 12, 4, 23, 59, 59)
    assert decide(window, local(MOSCOW, 2026, 12, 4, 23, 59, 59)).allowed
    assert decide(window, local(MOSCOW, 2026, 12, 5, 0, 0, 0)).reason == Reason.EXPIRED
    assert decide(window, local(MOSCOW, 2026, 12, 4, 0, 0)).allowed


def test_vladivostok_day_differs_from_moscow():
    vladivostok = day_window(date(2026, 12, 4), VLADIVOSTOK)
    moscow = day_window(date(2026, 12, 4), MOSCOW)

    # Vladivostok is UTC+10, Moscow UTC+3: the same date ends seven hours earlier.
    assert moscow.valid_until - vladivostok.valid_until == timedelta(hours=7)
    assert vladivostok.valid_until == datetime(2026, 12, 4, 13, 59, 59, tzinfo=timezone.utc)
    evening_in_moscow = local(MOSCOW, 2026, 12, 4, 18, 0)  # 01:00 on 05.12 in Vladivostok
    assert decide(vladivostok, evening_in_moscow).reason == Reason.EXPIRED
    assert decide(moscow, evening_in_moscow).allowed


def test_window_stored_in_utc():
    window = clock_window(date(2026, 12, 4), time(22, 0), time(2, 0), VLADIVOSTOK)

    assert window.valid_from.utcoffset() == timedelta(0)
    assert window.valid_from == datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("status", "extra", "reason"), [
    (PassStatus.CANCELLED, {}, Reason.CANCELLED),
    (PassStatus.EXPECTED, {"blocklisted": True}, Reason.BLOCKLISTED),
    (PassStatus.ON_SITE, {}, Reason.ALREADY_ON_SITE),
    (PassStatus.LEFT, {}, Reason.USED),
    (PassStatus.EXPECTED, {"serves_entrance": False}, Reason.OTHER_POST),
    (PassStatus.EXPECTED, {}, Reason.VALID),
])
def test_entry_refusal_reasons(status, extra, reason):
    window = day_window(date(2026, 12, 4), MOSCOW)

    decision = decide(window, local(MOSCOW, 2026, 12, 4, 12, 0), status=status, **extra)

    assert decision.reason == reason
    assert decision.allowed is (reason == Reason.VALID)


def test_cancelled_outranks_expired():
    window = day_window(date(2026, 12, 4), MOSCOW)

    decision = decide(window, local(MOSCOW, 2026, 12, 6, 12, 0), status=PassStatus.CANCELLED)

    assert decision.reason == Reason.CANCELLED


def test_permanent_pass_lets_in_again():
    window = day_window(date(2026, 12, 4), MOSCOW)

    decision = decide(window, local(MOSCOW, 2026, 12, 4, 15, 0), kind=PassKind.PERMANENT, status=PassStatus.LEFT)

    assert decision.allowed


def test_open_ended_pass_never_expires():
    now = local(MOSCOW, 2030, 1, 1, 0, 0)
    decision = decide_entry(kind=PassKind.PERMANENT, status=PassStatus.EXPECTED,
                            valid_from=local(MOSCOW, 2026, 1, 1, 0, 0), valid_until=None, now=now, blocklisted=False)

    assert decision.allowed
    assert effective_status(PassStatus.EXPECTED, None, now) == PassStatus.EXPECTED


def test_effective_status_derives_expired():
    end = local(MOSCOW, 2026, 12, 4, 23, 59, 59)
    later = end + timedelta(seconds=1)

    assert effective_status(PassStatus.EXPECTED, end, end) == PassStatus.EXPECTED
    assert effective_status(PassStatus.EXPECTED, end, later) == PassStatus.EXPIRED
    assert effective_status(PassStatus.LEFT, end, later) == PassStatus.EXPIRED
    assert effective_status(PassStatus.ON_SITE, end, later) == PassStatus.ON_SITE
    assert effective_status(PassStatus.CANCELLED, end, later) == PassStatus.CANCELLED
