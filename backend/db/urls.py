"""Conversions between the URL forms that asyncpg, psycopg and people write."""

from __future__ import annotations

from sqlalchemy.engine import make_url


def async_url(url: str) -> str:
    """Return the SQLAlchemy URL for asyncpg, whatever PostgreSQL scheme `url` uses."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def sync_url(url: str) -> str:
    """Return the SQLAlchemy URL for psycopg 3, used by Alembic and the analytics readers."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def asyncpg_dsn(url: str) -> str:
    """Return a libpq-style URL that `asyncpg.connect` accepts (no SQLAlchemy driver suffix)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)
