"""XLSX and CSV exports: valid files with Russian headers and typed cells."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl

from backend.domain.reports.export import to_csv, to_xlsx
from backend.domain.reports.filters import build_filter
from backend.domain.reports.tables import find_table, ticket_tables
from backend.domain.reports.tickets import ticket_report
from tests.reports.conftest import NOW


async def report_tables(db, history):
    flt = build_filter(history.admin, first=(history.start - timedelta(days=1)).date().isoformat(),
                       last=(NOW + timedelta(days=1)).date().isoformat())
    return await ticket_report(db, history.admin, flt), ticket_tables(await ticket_report(db, history.admin, flt))


async def test_xlsx_opens_with_russian_headers(db, history):
    report, tables = await report_tables(db, history)
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(tables)))

    assert "По объектам" in workbook.sheetnames
    sheet = workbook["По объектам"]
    assert sheet["A1"].value == "Объект"
    assert sheet["B1"].value == "Поступило"
    assert sum(row[1].value for row in sheet.iter_rows(min_row=2)) == report.summary.created


async def test_xlsx_cells_are_typed(db, history):
    _, tables = await report_tables(db, history)
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(tables)))

    volume = workbook["По периодам"]
    assert volume["A2"].number_format == "dd.mm.yyyy"
    assert volume["A2"].value.date() >= (history.start - timedelta(days=1)).date()
    summary = workbook["Сводка"]
    shares = [cell for cell in summary[2] if cell.number_format == "0.0%"]
    assert shares
    assert all(0 <= cell.value <= 1 for cell in shares if cell.value is not None)


async def test_csv_uses_russian_conventions(db, history):
    report, tables = await report_tables(db, history)
    content = to_csv(find_table(tables, "volume")).decode("utf-8")

    assert content.startswith("\ufeffНачало периода;Поступило;")
    first_row = content.splitlines()[1].split(";")
    day = date.fromisoformat(str(report.volume[0].period))
    assert first_row[0] == day.strftime("%d.%m.%Y")
