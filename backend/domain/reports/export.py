"""Report tables as files: XLSX with one sheet per section, CSV for one section.

XLSX cells are typed: dates carry the format dd.mm.yyyy, shares a percent format, hours one
decimal. Excel shows thousands and decimal separators of the reader's locale (a space and a comma
in Russian). CSV follows what Russian Excel opens without an import dialog: UTF-8 with a byte
order mark, `;` between fields, a decimal comma and dates as 04.12.2026.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import xlsxwriter

from backend.domain.reports.tables import COUNT, DATE, DECIMAL, HOURS, SECONDS, SHARE, Table
from backend.i18n import gettext

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"

NUMBER_FORMATS = {COUNT: "#,##0", SHARE: "0.0%", HOURS: "#,##0.0", DECIMAL: "#,##0.00", SECONDS: "#,##0.0",
                  DATE: "dd.mm.yyyy"}
SHEET_NAME_LIMIT = 31  # characters, Excel's limit


def to_xlsx(tables: list[Table]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True})
    formats = {kind: workbook.add_format({"num_format": pattern}) for kind, pattern in NUMBER_FORMATS.items()}
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
    for table in tables:
        _write_sheet(workbook, table, formats, header)
    workbook.close()
    return buffer.getvalue()


def _write_sheet(workbook, table: Table, formats: dict, header_format) -> None:
    sheet = workbook.add_worksheet(gettext(table.title)[:SHEET_NAME_LIMIT])
    headers = table.headers()
    for column, text in enumerate(headers):
        sheet.write_string(0, column, text, header_format)
        sheet.set_column(column, column, max(12, min(48, len(text) + 2)))
    for row_number, row in enumerate(table.cells(), start=1):
        for column, (kind, value) in enumerate(row):
            _write_cell(sheet, row_number, column, kind, value, formats)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, len(table.rows)), len(headers) - 1)


def _write_cell(sheet, row: int, column: int, kind: str, value: Any, formats: dict) -> None:
    if value is None:
        sheet.write_blank(row, column, None)
    elif kind == DATE:
        sheet.write_datetime(row, column, value, formats[DATE])
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value, formats.get(kind))
    else:
        sheet.write_string(row, column, str(value))


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers())
    for row in table.cells():
        writer.writerow([_csv_value(kind, value) for kind, value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if kind == SHARE:
        return f"{value * 100:.1f}%".replace(".", ",")
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)
