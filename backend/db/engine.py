"""The async engine and session factory shared by web and worker."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from backend.db.urls import async_url

POOL_SIZE = 10  # connections per process; the web process multiplexes requests over them


# asyncpg prepares every statement, and after five runs PostgreSQL may switch it to a generic plan.
# A generic plan cannot prove that `status IN ($1, ...)` matches a partial index's predicate, so the
# board's index-backed queries would fall back to scans; custom plans keep them on their indexes.
SERVER_SETTINGS = {"plan_cache_mode": "force_custom_plan"}


def create_engine(url: str) -> AsyncEngine:
    return create_async_engine(async_url(url), pool_size=POOL_SIZE, max_overflow=20, pool_pre_ping=True,
                               connect_args={"server_settings": SERVER_SETTINGS})


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
