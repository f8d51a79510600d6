"""The call report's figures, computed over call records made here."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import polars as pl
import pytest
from sqlalchemy import text

from analytics.call_report import compute_call_figures
from backend.domain.reports.calls import NO_CALLS_TABLE, call_report
from backend.domain.reports.filters import build_filter

DAY = date(2026, 3, 2)
MORNING = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)  # 10:00 in Moscow


def call(call_id: int, outcome: str, wait: int | None, direction: str = "inbound") -> dict:
    started = MORNING + timedelta(minutes=call_id)
    return {"id": call_id, "direction": direction, "outcome": outcome, "started_at": started,
            "answered_at": started + timedelta(seconds=wait) if wait is not None else None,
            "ended_at": started + timedelta(minutes=3), "queue": "support"}


def test_answered_and_missed_calls_counted():
    calls = pl.DataFrame([call(1, "answered", 5), call(2, "answered", 25), call(3, "missed", None),
                          call(4, "abandoned", None), call(5, "answered", 70), call(6, "answered", 3, "outbound")])
    callbacks = pl.DataFrame({"id": [1, 2, 3], "created_at": [MORNING] * 3,
                              "status": ["called_back", "open", "closed"],
                              "resolved_at": [MORNING + timedelta(minutes=30), None, MORNING + timedelta(hours=5)]})
    figures = compute_call_figures(calls, pl.Series([2, 5]), callbacks, "Europe/Moscow", DAY, DAY)

    summary = figures.summary.to_dicts()[0]
    assert summary["inbound"] == 5
    assert summary["answered"] == 3
    assert summary["missed"] == 2
    assert summary["abandoned"] == 1
    assert summary["answer_median"] == pytest.approx(25)
    assert summary["became_tickets"] == 2
    assert figures.by_hour.filter(pl.col("hour") == 10)["answered"].item() == 3
    assert dict(figures.answer_times.select("up_to", "calls").rows()) == {10: 1, 20: 0, 30: 1, 60: 0, 120: 1,
                                                                        None: 0}
    assert figures.callbacks.to_dicts()[0] == {"requested": 3, "done": 1, "minutes_median": 30.0,
                                               "minutes_p90": 30.0}


async def test_call_report_reads_calls_table(db, factory):
    exists = (await db.execute(text("SELECT to_regclass('calls') IS NOT NULL"))).scalar()
    if not exists:
        pytest.skip("the telephony tables (calls, callbacks) are not in the schema yet")
    admin = await factory.user(role="admin", all_buildings=True)
    from backend.domain.staff.actions import principal_of

    report = await call_report(db, principal_of(admin), build_filter(principal_of(admin)))
    assert report.available


async def test_call_report_says_why_unavailable(db, factory):
    exists = (await db.execute(text("SELECT to_regclass('calls') IS NOT NULL"))).scalar()
    if exists:
        pytest.skip("the calls table exists, so the report is available")
    from backend.domain.staff.actions import principal_of

    admin = principal_of(await factory.user(role="admin", all_buildings=True))
    report = await call_report(db, admin, build_filter(admin))
    assert report.available is False
    assert report.unavailable_reason == NO_CALLS_TABLE
