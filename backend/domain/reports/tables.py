"""The sections of each report as tables: Russian column headers, typed cells, one shape for XLSX and CSV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from backend.domain.reports.calls import CallReport
from backend.domain.reports.labels import AGE_TITLES, CHANNEL_TITLES, PRIORITY_TITLES, title
from backend.domain.reports.tickets import Slice, TicketReport
from backend.i18n import N_, gettext

# Cell kinds: how a value is written. "hours" cells hold business minutes and are shown in hours.
TEXT, COUNT, SHARE, HOURS, DECIMAL, DATE, SECONDS = "text", "count", "share", "hours", "decimal", "date", "seconds"


@dataclass(frozen=True)
class Column:
    header: str
    """English msgid of the column header."""
    kind: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    code: str
    """Stable name used in URLs (`/reports/tickets/by_building.csv`) and as the sheet's key."""
    title: str
    """English msgid of the sheet's name; at most 31 characters in Russian (an Excel limit)."""
    columns: list[Column]
    rows: list[Any]

    def headers(self) -> list[str]:
        return [gettext(column.header) for column in self.columns]

    def cells(self) -> list[list[tuple[str, Any]]]:
        """Return every row as (kind, value) pairs; hours are converted from minutes here."""
        return [[(column.kind, _convert(column.kind, column.value(row))) for column in self.columns]
                for row in self.rows]


def _convert(kind: str, value: Any) -> Any:
    if kind == HOURS and value is not None:
        return value / 60
    return value


def _measure_columns() -> list[Column]:
    return [
        Column(N_("Received"), COUNT, lambda row: row.created),
        Column(N_("Tickets completed"), COUNT, lambda row: row.completed),
        Column(N_("Tickets cancelled"), COUNT, lambda row: row.cancelled),
        Column(N_("Response, median, h"), HOURS, lambda row: row.response_median),
        Column(N_("Response, 90th percentile, h"), HOURS, lambda row: row.response_p90),
        Column(N_("Resolution, median, h"), HOURS, lambda row: row.resolution_median),
        Column(N_("Resolution, 90th percentile, h"), HOURS, lambda row: row.resolution_p90),
        Column(N_("Responses on time"), SHARE, lambda row: row.response_on_time_share),
        Column(N_("Completed on time"), COUNT, lambda row: row.resolution_on_time),
        Column(N_("Completed on time, share"), SHARE, lambda row: row.resolution_on_time_share),
        Column(N_("Reopened"), COUNT, lambda row: row.reopened),
        Column(N_("Reopen rate"), SHARE, lambda row: row.reopen_rate),
        Column(N_("Ratings"), COUNT, lambda row: row.rated),
        Column(N_("Average rating"), DECIMAL, lambda row: row.rating_average),
    ]


def _slice_table(code: str, sheet: str, header: str, rows: list[Slice], name: Callable[[Slice], str]) -> Table:
    return Table(code, sheet, [Column(header, TEXT, name), *_measure_columns()], rows)


def ticket_tables(report: TicketReport) -> list[Table]:
    """Every section of the request report, in the order of the dashboard."""
    return [
        Table("summary", N_("Summary"), [Column(N_("Period from"), DATE, lambda _: report.first),
                                         Column(N_("Period to"), DATE, lambda _: report.last),
                                         *_measure_columns(),
                                         Column(N_("Open now"), COUNT, lambda _: report.backlog.open),
                                         Column(N_("Overdue now"), COUNT, lambda _: report.backlog.overdue)],
              [report.summary]),
        Table("volume", N_("By period"), [Column(N_("Period start"), DATE, lambda row: row.period),
                                          Column(N_("Received"), COUNT, lambda row: row.created),
                                          Column(N_("Tickets completed"), COUNT, lambda row: row.completed),
                                          Column(N_("Completed on time"), COUNT, lambda row: row.resolution_on_time)],
              report.volume),
        _slice_table("by_building", N_("By building"), N_("Building"), report.by_building, lambda row: row.name),
        _slice_table("by_category", N_("By category"), N_("Category"), report.by_category, lambda row: row.name),
        _slice_table("by_channel", N_("By channel"), N_("Channel"), report.by_channel,
                     lambda row: title(CHANNEL_TITLES, row.key)),
        _slice_table("by_priority", N_("By priority"), N_("Priority"), report.by_priority,
                     lambda row: title(PRIORITY_TITLES, row.key)),
        _technician_table(report),
        Table("ratings", N_("Ratings"), [Column(N_("Rating"), COUNT, lambda row: row.rating),
                                         Column(N_("Tickets"), COUNT, lambda row: row.tickets)], report.ratings),
        Table("backlog", N_("Backlog"), [Column(N_("Age"), TEXT, lambda row: title(AGE_TITLES, row.code)),
                                         Column(N_("Open tickets"), COUNT, lambda row: row.tickets)],
              report.backlog.by_age),
    ]


def _technician_table(report: TicketReport) -> Table:
    return Table("technicians", N_("By technician"), [
        Column(N_("Assignee"), TEXT, lambda row: row.name),
        Column(N_("Tickets assigned"), COUNT, lambda row: row.assigned),
        Column(N_("Tickets completed"), COUNT, lambda row: row.completed),
        Column(N_("Completed on time"), COUNT, lambda row: row.resolution_on_time),
        Column(N_("Completed on time, share"), SHARE, lambda row: row.resolution_on_time_share),
        Column(N_("Resolution, average, h"), HOURS, lambda row: row.resolution_average),
        Column(N_("Ratings"), COUNT, lambda row: row.rated),
        Column(N_("Average rating"), DECIMAL, lambda row: row.rating_average),
        Column(N_("Open now"), COUNT, lambda row: row.open_now),
    ], report.technicians)


def call_tables(report: CallReport) -> list[Table]:
    if not report.available:
        return []
    summary = report.summary
    return [
        Table("summary", N_("Summary"), [
            Column(N_("Period from"), DATE, lambda _: report.first),
            Column(N_("Period to"), DATE, lambda _: report.last),
            Column(N_("Inbound calls"), COUNT, lambda row: row.inbound),
            Column(N_("Answered"), COUNT, lambda row: row.answered),
            Column(N_("Missed"), COUNT, lambda row: row.missed),
            Column(N_("Abandoned in queue"), COUNT, lambda row: row.abandoned),
            Column(N_("Answered, share"), SHARE, lambda row: row.answered_share),
            Column(N_("Answer time, median, s"), SECONDS, lambda row: row.answer_median),
            Column(N_("Answer time, 90th percentile, s"), SECONDS, lambda row: row.answer_p90),
            Column(N_("Became tickets"), COUNT, lambda row: row.became_tickets),
            Column(N_("Became tickets, share"), SHARE, lambda row: row.became_tickets_share),
        ], [summary]),
        Table("by_hour", N_("By hour"), [Column(N_("Hour"), COUNT, lambda row: row.hour),
                                         Column(N_("Answered"), COUNT, lambda row: row.answered),
                                         Column(N_("Missed"), COUNT, lambda row: row.missed)], report.by_hour),
        Table("by_day", N_("By day"), [Column(N_("Day"), DATE, lambda row: row.day),
                                       Column(N_("Answered"), COUNT, lambda row: row.answered),
                                       Column(N_("Missed"), COUNT, lambda row: row.missed),
                                       Column(N_("Abandoned in queue"), COUNT, lambda row: row.abandoned)],
              report.by_day),
        Table("answer_times", N_("Answer time"), [Column(N_("Up to, s"), COUNT, lambda row: row.up_to),
                                                  Column(N_("Calls"), COUNT, lambda row: row.calls)],
              report.answer_times),
        Table("callbacks", N_("Callbacks"), [Column(N_("Requested"), COUNT, lambda row: row.requested),
                                             Column(N_("Callbacks done"), COUNT, lambda row: row.done),
                                             Column(N_("Minutes to callback, median"), DECIMAL,
                                                    lambda row: row.minutes_median),
                                             Column(N_("Minutes to callback, 90th percentile"), DECIMAL,
                                                    lambda row: row.minutes_p90)],
              [report.callbacks]),
    ]


def find_table(tables: list[Table], code: str) -> Table | None:
    return next((table for table in tables if table.code == code), None)

