"""Start-up steps shared by the CLI commands: settings, database, migrations, demo data."""

from __future__ import annotations

import asyncio

import structlog

from backend.db.embedded import start_embedded_postgres
from backend.db.engine import create_engine, create_session_factory
from backend.db.migrate import upgrade
from backend.logging import configure_logging
from backend.settings import Settings

log = structlog.get_logger(__name__)


def load_settings() -> Settings:
    settings = Settings.from_env().with_development_secret()
    configure_logging(settings.log_level)
    return settings


def database_url(settings: Settings) -> str:
    """Return DATABASE_URL, or start the embedded server when it is unset."""
    if settings.database_url:
        return settings.database_url
    return start_embedded_postgres(settings.data_dir)


def migrate(url: str) -> None:
    upgrade(url)
    log.info("migrations_applied")


async def seed_demo_if_empty(settings: Settings, url: str) -> str | None:
    """Fill an empty database with demo data; return the staff password, or None if not empty."""
    from backend.demo import is_empty, seed_demo

    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            if not await is_empty(session):
                return None
            return await seed_demo(session, settings.demo_password)
    finally:
        await engine.dispose()


def run_sync(coroutine):
    return asyncio.run(coroutine)
