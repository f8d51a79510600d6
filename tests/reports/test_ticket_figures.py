"""The request report's figures agree with SQL (and the business calendar) on the same tickets."""

from __future__ import annotations

import math
import statistics
from datetime import timedelta

import pytest
from sqlalchemy import text

from backend.domain.errors import NotFound
from backend.domain.reports.filters import build_filter
from backend.domain.reports.tickets import ticket_report
from backend.domain.tickets.deadlines import calendar_for
from tests.reports.conftest import HISTORY_DAYS, NOW

LOCAL_DAY = "(t.created_at AT TIME ZONE b.time_zone)::date"


def whole_period(history):
    first = (history.start - timedelta(days=1)).date()
    return first.isoformat(), (NOW + timedelta(days=1)).date().isoformat()


async def sql_rows(db, query: str, **params):
    return (await db.execute(text(query), params)).all()


def p90(values: list[float]) -> float:
    """The 90th percentile with linear interpolation, as percentile_cont(0.9) computes it."""
    ordered = sorted(values)
    position = 0.9 * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def test_created_counts_match_sql_per_building(db, history):
    first, last = whole_period(history)
    report = await ticket_report(db, history.admin, build_filter(history.admin, first=first, last=last))

    expected = dict(await sql_rows(db, f"SELECT t.building_id, count(*) FROM tickets t JOIN buildings b "
                                       f"ON b.id = t.building_id GROUP BY 1"))
    assert report.summary.created == sum(expected.values())
    assert {int(item.key): item.created for item in report.by_building} == expected


async def test_local_day_window_matches_sql(db, history):
    middle = (NOW - timedelta(days=HISTORY_DAYS // 2)).date()
    flt = build_filter(history.admin, first=middle.isoformat(), last=(middle + timedelta(days=6)).isoformat())
    report = await ticket_report(db, history.admin, flt)

    [(expected,)] = await sql_rows(db, f"SELECT count(*) FROM tickets t JOIN buildings b ON b.id = t.building_id "
                                       f"WHERE {LOCAL_DAY} BETWEEN :first AND :last",
                                   first=flt.first, last=flt.last)
    assert report.summary.created == expected
    assert sum(point.created for point in report.volume) == expected
    assert len(report.volume) == 7


async def test_on_time_and_reopen_figures_match_sql(db, history):
    first, last = whole_period(history)
    report = await ticket_report(db, history.admin, build_filter(history.admin, first=first, last=last))

    [(completed, on_time, responded, responded_on_time)] = await sql_rows(db, """
        SELECT count(*) FILTER (WHERE completed_at IS NOT NULL),
               count(*) FILTER (WHERE completed_at <= resolution_due_at),
               count(*) FILTER (WHERE responded_at IS NOT NULL),
               count(*) FILTER (WHERE responded_at <= response_due_at) FROM tickets""")
    [(reopened, ever_completed)] = await sql_rows(db, """
        SELECT count(*) FILTER (WHERE r.reopens > 0),
               count(*) FILTER (WHERE t.completed_at IS NOT NULL OR r.reopens > 0)
        FROM tickets t LEFT JOIN LATERAL (SELECT count(*) AS reopens FROM ticket_timeline e
                                          WHERE e.ticket_id = t.id AND e.kind = 'reopened') r ON true""")
    assert report.summary.completed == completed
    assert report.summary.resolution_on_time == on_time
    assert report.summary.resolution_on_time_share == pytest.approx(on_time / completed)
    assert report.summary.response_on_time_share == pytest.approx(responded_on_time / responded)
    assert reopened > 0
    assert report.summary.reopened == reopened
    assert report.summary.reopen_rate == pytest.approx(reopened / ever_completed)


async def test_ratings_and_technicians_match_sql(db, history):
    first, last = whole_period(history)
    report = await ticket_report(db, history.admin, build_filter(history.admin, first=first, last=last))

    [(rated, average)] = await sql_rows(db, "SELECT count(rating), avg(rating)::float FROM tickets")
    distribution = dict(await sql_rows(db, "SELECT rating, count(*) FROM tickets WHERE rating IS NOT NULL "
                                           "GROUP BY 1"))
    per_technician = {row[0]: row[1:] for row in await sql_rows(db, """
        SELECT assignee_id, count(*), count(completed_at), count(*) FILTER (WHERE completed_at <= resolution_due_at)
        FROM tickets WHERE assignee_id IS NOT NULL GROUP BY 1""")}
    assert report.summary.rated == rated
    assert report.summary.rating_average == pytest.approx(average)
    assert {item.rating: item.tickets for item in report.ratings if item.tickets} == distribution
    assert {item.assignee_id: (item.assigned, item.completed, item.resolution_on_time)
            for item in report.technicians} == per_technician


async def test_business_times_match_calendar(db, history):
    first, last = whole_period(history)
    report = await ticket_report(db, history.admin, build_filter(history.admin, first=first, last=last))

    buildings = {building.id: building for building in history.buildings}
    tickets = await sql_rows(db, "SELECT id, building_id, priority, created_at, responded_at, completed_at "
                                 "FROM tickets")
    holds = await _holds(db)
    response, resolution = [], []
    for ticket_id, building_id, priority, created, responded, completed in tickets:
        calendar = calendar_for(buildings[building_id], priority)
        pauses = holds.get(ticket_id, [])
        if responded is not None:
            response.append(calendar.elapsed_excluding(created, responded, pauses) / timedelta(minutes=1))
        if completed is not None:
            resolution.append(calendar.elapsed_excluding(created, completed, pauses) / timedelta(minutes=1))
    assert report.summary.response_median == pytest.approx(statistics.median(response))
    assert report.summary.response_p90 == pytest.approx(p90(response))
    assert report.summary.resolution_median == pytest.approx(statistics.median(resolution))
    assert report.summary.resolution_p90 == pytest.approx(p90(resolution))


async def _holds(db) -> dict[int, list]:
    """Hold spans per ticket from the timeline, from entering on_hold to leaving it (or NOW while on hold)."""
    rows = await sql_rows(db, "SELECT ticket_id, at, from_value, to_value FROM ticket_timeline "
                              "WHERE kind = 'status_changed' AND 'on_hold' IN (from_value, to_value) "
                              "ORDER BY ticket_id, at, id")
    holds: dict[int, list] = {}
    for ticket_id, at, from_value, to_value in rows:
        if to_value == "on_hold":
            holds.setdefault(ticket_id, []).append((at, NOW))
        elif from_value == "on_hold":
            holds[ticket_id][-1] = (holds[ticket_id][-1][0], at)
    return holds


async def test_overdue_now_matches_sql(db, history):
    first, last = whole_period(history)
    report = await ticket_report(db, history.admin, build_filter(history.admin, first=first, last=last))

    [(open_now, overdue)] = await sql_rows(db, """
        SELECT count(*) FILTER (WHERE status IN ('new', 'assigned', 'in_progress', 'on_hold')),
               count(*) FILTER (WHERE status IN ('new', 'assigned', 'in_progress') AND
                                      ((responded_at IS NULL AND response_due_at < now()) OR resolution_due_at < now()))
        FROM tickets""")
    assert report.backlog.open == open_now
    assert report.backlog.overdue == overdue
    assert sum(bucket.tickets for bucket in report.backlog.by_age) == open_now


async def test_manager_sees_only_own_buildings(db, history):
    first, last = whole_period(history)
    own = history.buildings[0].id
    report = await ticket_report(db, history.manager, build_filter(history.manager, first=first, last=last))

    [(expected,)] = await sql_rows(db, "SELECT count(*) FROM tickets WHERE building_id = :own", own=own)
    assert report.building_ids == [own]
    assert [item.key for item in report.by_building] == [str(own)]
    assert report.summary.created == expected
    with pytest.raises(NotFound):
        build_filter(history.manager, first=first, last=last, building_ids=[history.buildings[1].id])
