"""The call report against the same figures computed with SQL over inserted `calls` and `callbacks` rows."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, text

from backend.domain.calls.models import Call, Callback
from backend.domain.reports.calls import call_report
from backend.domain.reports.filters import build_filter
from backend.domain.staff.actions import principal_of

FIRST, LAST = date(2026, 3, 2), date(2026, 3, 8)
PERIOD_START = datetime(2026, 3, 1, 21, 0, tzinfo=timezone.utc)  # 02.03.2026 00:00 in Moscow
PERIOD_END = datetime(2026, 3, 8, 21, 0, tzinfo=timezone.utc)  # 09.03.2026 00:00 in Moscow
OUTCOMES = ["answered"] * 6 + ["missed", "abandoned", "busy", "failed", None]

PERIOD_SQL = "started_at >= :start AND started_at < :end"
COUNTED_SQL = f"direction = 'inbound' AND outcome IN ('answered', 'missed', 'abandoned', 'busy') AND {PERIOD_SQL}"


def call_rows(rng: random.Random, count: int) -> list[dict]:
    """Calls from a day before the period to a day after it, so the period's edges are crossed."""
    rows = []
    for call_id in range(1, count + 1):
        started = PERIOD_START - timedelta(days=1) + timedelta(seconds=rng.randrange(9 * 24 * 3600))
        outcome = rng.choice(OUTCOMES)
        answered = started + timedelta(seconds=rng.randint(1, 200)) if outcome == "answered" else None
        rows.append({"id": call_id, "linkedid": f"1700000000.{call_id}",
                     "direction": rng.choice(["inbound"] * 4 + ["outbound", "internal"]), "queue": "support",
                     "started_at": started, "answered_at": answered, "outcome": outcome,
                     "ended_at": started + timedelta(minutes=4) if outcome else None})
    return rows


def callback_rows(rng: random.Random, calls: list[dict]) -> list[dict]:
    rows = []
    for index, call in enumerate(call for call in calls if call["outcome"] in ("missed", "abandoned")):
        status = rng.choice(["open", "called_back", "answered_later", "closed"])
        resolved = None if status == "open" else call["started_at"] + timedelta(minutes=rng.randint(2, 600))
        rows.append({"id": index + 1, "number_e164": f"+7999{index:07d}", "status": status,
                     "first_call_id": call["id"], "last_call_id": call["id"], "last_missed_at": call["started_at"],
                     "created_at": call["started_at"], "resolved_at": resolved})
    return rows


@pytest.fixture
async def calls(db, history) -> list[dict]:
    """Three hundred calls and their callbacks; every fifth answered call became one of the history's tickets."""
    rng = random.Random(11)
    rows = call_rows(rng, 300)
    await db.execute(insert(Call), rows)
    await db.execute(insert(Callback), callback_rows(rng, rows))
    answered = [row["id"] for row in rows if row["outcome"] == "answered"][::5]
    ticket_ids = (await db.execute(text("SELECT id FROM tickets ORDER BY id LIMIT :n"), {"n": len(answered)})).scalars()
    for ticket_id, call_id in zip(ticket_ids.all(), answered, strict=False):
        await db.execute(text("UPDATE tickets SET call_id = :call WHERE id = :ticket"),
                         {"call": call_id, "ticket": ticket_id})
    await db.commit()
    return rows


async def scalar(db, statement: str):
    return (await db.execute(text(statement), {"start": PERIOD_START, "end": PERIOD_END})).scalar_one()


async def test_call_counts_match_sql(db, history, calls):
    report = await call_report(db, history.admin, build_filter(history.admin, first="02.03.2026", last="08.03.2026"))

    assert report.available
    assert report.summary.inbound > 100
    assert report.summary.inbound == await scalar(db, f"SELECT count(*) FROM calls WHERE {COUNTED_SQL}")
    assert report.summary.answered == await scalar(
        db, f"SELECT count(*) FROM calls WHERE {COUNTED_SQL} AND outcome = 'answered'")
    assert report.summary.missed == await scalar(
        db, f"SELECT count(*) FROM calls WHERE {COUNTED_SQL} AND outcome <> 'answered'")
    assert report.summary.abandoned == await scalar(
        db, f"SELECT count(*) FROM calls WHERE {COUNTED_SQL} AND outcome = 'abandoned'")
    assert report.summary.became_tickets == await scalar(
        db, f"SELECT count(*) FROM calls WHERE {COUNTED_SQL} AND id IN (SELECT call_id FROM tickets)")


async def test_answer_times_match_sql(db, history, calls):
    report = await call_report(db, history.admin, build_filter(history.admin, first="02.03.2026", last="08.03.2026"))
    seconds = "extract(epoch FROM answered_at - started_at)"

    median = await scalar(db, f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {seconds}) FROM calls "
                              f"WHERE {COUNTED_SQL} AND outcome = 'answered'")
    p90 = await scalar(db, f"SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY {seconds}) FROM calls "
                           f"WHERE {COUNTED_SQL} AND outcome = 'answered'")
    within_10 = await scalar(db, f"SELECT count(*) FROM calls WHERE {COUNTED_SQL} AND outcome = 'answered' "
                                 f"AND {seconds} <= 10")
    assert report.summary.answer_median == pytest.approx(float(median))
    assert report.summary.answer_p90 == pytest.approx(float(p90))
    assert report.answer_times[0].up_to == 10
    assert report.answer_times[0].calls == within_10


async def test_calls_by_hour_match_sql(db, history, calls):
    report = await call_report(db, history.admin, build_filter(history.admin, first="02.03.2026", last="08.03.2026"))

    rows = (await db.execute(text(
        f"SELECT extract(hour FROM started_at AT TIME ZONE 'Europe/Moscow')::int AS hour, "
        f"count(*) FILTER (WHERE outcome = 'answered'), count(*) FILTER (WHERE outcome <> 'answered') "
        f"FROM calls WHERE {COUNTED_SQL} GROUP BY 1"), {"start": PERIOD_START, "end": PERIOD_END})).all()
    expected = {hour: (answered, missed) for hour, answered, missed in rows}
    assert len(report.by_hour) == 24
    for row in report.by_hour:
        assert (row.answered, row.missed) == expected.get(row.hour, (0, 0)), f"hour {row.hour}"


async def test_callbacks_match_sql(db, history, calls):
    report = await call_report(db, history.admin, build_filter(history.admin, first="02.03.2026", last="08.03.2026"))
    in_period = "created_at >= :start AND created_at < :end"
    done = "status IN ('called_back', 'answered_later')"

    assert report.callbacks.requested == await scalar(db, f"SELECT count(*) FROM callbacks WHERE {in_period}")
    assert report.callbacks.done == await scalar(db, f"SELECT count(*) FROM callbacks WHERE {in_period} AND {done}")
    median = await scalar(db, "SELECT percentile_cont(0.5) WITHIN GROUP "
                              "(ORDER BY extract(epoch FROM resolved_at - created_at) / 60) "
                              f"FROM callbacks WHERE {in_period} AND {done}")
    assert report.callbacks.minutes_median == pytest.approx(float(median))
