"""Shared fixtures: a migrated test database on a real PostgreSQL, sessions, an app client, factories."""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator

import psycopg
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.app import create_app
from backend.db.engine import create_engine, create_session_factory
from backend.db.migrate import upgrade
from backend.db.models import metadata
from backend.db.urls import with_database
from backend.settings import Settings
from tests import factories
from tests.services import postgres_server_url

TEST_DATABASE = f"domovoy_test_{os.getpid()}"
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def _recreate_database(server_url: str, name: str) -> str:
    admin_url = server_url.replace("postgresql+asyncpg://", "postgresql://")
    with psycopg.connect(_psycopg_dsn(admin_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return with_database(server_url, name)


def _psycopg_dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    parts = {"dbname": parsed.database, "user": parsed.username or "postgres", "host": parsed.host or
             parsed.query.get("host"), "port": parsed.port, "password": parsed.password}
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(_psycopg_dsn(server_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url() -> str:
    """A freshly migrated database for this test run (migrations, never create_all)."""
    server_url = postgres_server_url()
    url = _recreate_database(server_url, TEST_DATABASE)
    upgrade(url)
    yield url
    drop_database(server_url, TEST_DATABASE)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(environment="test", secret_key=TEST_SECRET)


@pytest.fixture(scope="session")
async def session_factory(database_url):
    engine = create_engine(database_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def truncate_all(session_factory) -> None:
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    async with session_factory() as session:
        await session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await session.commit()


@pytest.fixture
async def db(session_factory) -> AsyncGenerator[AsyncSession, None]:
    """A session on an emptied database."""
    await truncate_all(session_factory)
    async with session_factory() as session:
        yield session


@pytest.fixture
async def client(db, database_url, settings) -> AsyncGenerator[AsyncTestClient, None]:
    app = create_app(settings, database_url)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def factory(db) -> factories.Factory:
    return factories.Factory(db)
