"""Report dashboard content: links to the tickets behind each figure, and the charts' data."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from backend.domain.reports.backlog import Backlog
from backend.domain.reports.calls import CallReport
from backend.domain.reports.filters import ReportFilter
from backend.domain.reports.labels import AGE_TITLES, CHANNEL_TITLES, PRIORITY_TITLES, title
from backend.domain.reports.tickets import RatingCount, Slice, VolumePoint
from backend.i18n import gettext
from backend.web.templating import format_number
from frontend.pages.report_charts import Bar, Column, ColumnChart, Segment, bar_list, column_chart

PERIOD_SCOPED = ("from", "to")
"""Filter parameters that limit tickets by creation day; backlog links drop them."""


def _encode(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


class TicketLinks:
    """Builds `/tickets?...` links that carry the report's filter plus what defines one figure.

    A parameter given to `to()` replaces the filter's parameters of the same name, so a link to one
    building shows only that building.
    """

    def __init__(self, flt: ReportFilter) -> None:
        self.params = flt.query_params()

    def to(self, **extra: object) -> str:
        """Return a link to the tickets created in the period with the extra filters."""
        return self._link(self.params, extra)

    def now(self, **extra: object) -> str:
        """Return a link to tickets as they are now, in the report's buildings and categories, any period."""
        return self._link([(name, value) for name, value in self.params if name not in PERIOD_SCOPED], extra)

    @staticmethod
    def _link(params: list[tuple[str, str]], extra: dict[str, object]) -> str:
        names = {name.removesuffix("_") for name, value in extra.items() if value is not None}
        kept = [(name, value) for name, value in params if name not in names]
        added = [(name.removesuffix("_"), _encode(value)) for name, value in extra.items() if value is not None]
        return "/tickets?" + urlencode(kept + added)


SLICE_FILTERS = {"by_building": "building", "by_category": "category", "by_channel": "channel",
                 "by_priority": "priority"}
"""The ticket-list filter that selects one row of each breakdown table, by the row's key."""


def slice_filter(code: str, key: str) -> dict[str, str]:
    return {SLICE_FILTERS[code]: key}


def slice_name(code: str, row: Slice) -> str:
    if code == "by_channel":
        return title(CHANNEL_TITLES, row.key)
    if code == "by_priority":
        return title(PRIORITY_TITLES, row.key)
    return row.name


def period_end(start: date, grain: str) -> date:
    """Return the last day of the day, week (Monday to Sunday) or month that starts on `start`."""
    if grain == "week":
        return start + timedelta(days=6)
    if grain == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start


def period_label(start: date, grain: str) -> str:
    return start.strftime("%m.%Y") if grain == "month" else start.strftime("%d.%m")


def volume_chart(points: list[VolumePoint], flt: ReportFilter, links: TicketLinks) -> ColumnChart:
    """Tickets received per period, split into those completed on time and the rest."""
    columns = []
    for point in points:
        first = max(point.period, flt.first)
        last = min(period_end(point.period, flt.grain), flt.last)
        label = period_label(point.period, flt.grain)
        hint = gettext("{period}: {created} received, {on_time} completed on time", period=label,
                       created=format_number(point.created), on_time=format_number(point.resolution_on_time))
        segments = [Segment("on-time", point.resolution_on_time),
                    Segment("other", point.created - point.resolution_on_time)]
        columns.append(Column(label=label, title=hint, href=links.to(from_=first.isoformat(), to=last.isoformat()),
                              segments=segments))
    return column_chart(columns)


def backlog_bars(live: Backlog, links: TicketLinks) -> list[Bar]:
    return bar_list([Bar(label=title(AGE_TITLES, bucket.code), value=bucket.tickets,
                         text=format_number(bucket.tickets), href=links.now(age=bucket.code))
                     for bucket in live.by_age])


def rating_bars(ratings: list[RatingCount], links: TicketLinks) -> list[Bar]:
    return bar_list([Bar(label="★" * row.rating, value=row.tickets, text=format_number(row.tickets),
                         href=links.to(rating=row.rating)) for row in reversed(ratings)])


@dataclass(frozen=True)
class CallLinks:
    """Links to the call log and the callback list behind the call figures."""

    first: date
    last: date

    def log(self, outcome: str | None = None, day: date | None = None) -> str:
        params = {"direction": "inbound", "outcome": outcome or "",
                  "day_from": (day or self.first).isoformat(), "day_to": (day or self.last).isoformat()}
        return "/calls?" + urlencode({name: value for name, value in params.items() if value})


def calls_by_hour_chart(report: CallReport) -> ColumnChart:
    columns = [Column(label=f"{row.hour:02d}",
                      title=gettext("{hour}:00: {answered} answered, {missed} missed", hour=f"{row.hour:02d}",
                                    answered=format_number(row.answered), missed=format_number(row.missed)),
                      href=None, segments=[Segment("answered", row.answered), Segment("missed", row.missed)])
               for row in report.by_hour]
    return column_chart(columns)


def calls_by_day_chart(report: CallReport, links: CallLinks) -> ColumnChart:
    columns = [Column(label=row.day.strftime("%d.%m"),
                      title=gettext("{day}: {answered} answered, {missed} missed", day=row.day.strftime("%d.%m.%Y"),
                                    answered=format_number(row.answered), missed=format_number(row.missed)),
                      href=links.log(day=row.day),
                      segments=[Segment("answered", row.answered), Segment("missed", row.missed)])
               for row in report.by_day]
    return column_chart(columns)


def answer_time_bars(report: CallReport) -> list[Bar]:
    bars = []
    lower = 0
    for bucket in report.answer_times:
        if bucket.up_to is None:
            label = gettext("over {seconds} s", seconds=lower)
        else:
            label = gettext("{low}–{high} s", low=lower, high=bucket.up_to)
            lower = bucket.up_to
        bars.append(Bar(label=label, value=bucket.calls, text=format_number(bucket.calls), href=None))
    return bar_list(bars)
