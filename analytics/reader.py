"""Reading PostgreSQL into Polars through ADBC (Arrow Database Connectivity).

The ADBC PostgreSQL driver is built on libpq and reads results with binary COPY straight into
Arrow columns, with no Python object per row. Being libpq, it takes the same URLs as psql,
including the Unix-socket form (`?host=/path`) that the embedded PostgreSQL uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import adbc_driver_postgresql.dbapi as adbc
import polars as pl
from sqlalchemy.engine import make_url


def libpq_url(database_url: str) -> str:
    """Return `database_url` as libpq reads it: scheme `postgresql`, no SQLAlchemy driver suffix."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def connect(database_url: str) -> adbc.Connection:
    return adbc.connect(libpq_url(database_url))


def read_frame(connection: adbc.Connection, query: str, parameters: Sequence[Any] = (),
               schema_overrides: dict | None = None) -> pl.DataFrame:
    """Run `query` with `$1`-style parameters and return the result as a DataFrame."""
    options = {"parameters": list(parameters)} if parameters else None
    return pl.read_database(query, connection, execute_options=options, schema_overrides=schema_overrides)
