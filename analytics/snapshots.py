"""Ticket facts stored as one Parquet file per UTC month of creation, in `report_snapshots`."""

from __future__ import annotations

import io
from datetime import date

import polars as pl

from analytics.ticket_facts import FACT_SCHEMA

TICKET_FACTS = "ticket_facts"
"""`report_snapshots.kind` and `report_runs.kind` of the ticket facts."""

PARQUET_COMPRESSION = "zstd"


def encode_facts(facts: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    facts.write_parquet(buffer, compression=PARQUET_COMPRESSION, statistics=True)
    return buffer.getvalue()


def decode_facts(data: bytes, columns: list[str] | None = None) -> pl.DataFrame:
    frame = pl.read_parquet(io.BytesIO(data), columns=columns)
    return frame.cast({name: FACT_SCHEMA[name] for name in frame.columns})


def empty_facts(columns: list[str] | None = None) -> pl.DataFrame:
    names = columns or list(FACT_SCHEMA)
    return pl.DataFrame(schema={name: FACT_SCHEMA[name] for name in names})


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Return the first days of every month from the month of `first` to that of `last`."""
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months
