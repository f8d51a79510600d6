"""The async engine and session factory shared by web and worker."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from backend.db.urls import async_url

POOL_SIZE = 10  # connections per process; the web process multiplexes requests over them


def create_engine(url: str) -> AsyncEngine:
    return create_async_engine(async_url(url), pool_size=POOL_SIZE, max_overflow=20, pool_pre_ping=True)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
