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


E2E_DATABASE = f"domovoy_e2e_{os.getpid()}"
DEMO_PASSWORD = "demo-password-e2e"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
async def e2e_database_url() -> str:
    """A database with the demo data (real buildings, staff in every role), shared by browser tests."""
    from backend.demo import seed_demo

    server_url = postgres_server_url()
    url = _recreate_database(server_url, E2E_DATABASE)
    upgrade(url)
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        await seed_demo(session, DEMO_PASSWORD)
    await engine.dispose()
    yield url
    drop_database(server_url, E2E_DATABASE)


@pytest.fixture(scope="session")
async def live_server(e2e_database_url, settings):
    """The whole app (web and worker) serving the demo database on a free port."""
    from tests.live import LiveServer

    server = await LiveServer(settings, e2e_database_url).start()
    await server.relay_active()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
async def browser():
    """Debian's Chromium driven by Playwright; the tests are skipped on a machine without it."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


async def signed_in_page(browser, live_server, login: str, **context_options):
    """A new browser page signed in as a demo user through the sign-in form."""
    context = await browser.new_context(locale="ru-RU", **context_options)
    page = await context.new_page()
    await page.goto(f"{live_server.base_url}/login")
    await page.fill("input[name=login]", login)
    await page.fill("input[name=password]", DEMO_PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")
    return page
