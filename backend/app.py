"""The Litestar application factory."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.engine import create_engine, create_session_factory
from backend.settings import Settings
from backend.web.errors import EXCEPTION_HANDLERS
from backend.web.middleware import authentication_middleware, request_id_middleware
from backend.web.templating import template_config
from backend.web.vendor import vendor_routers
from backend.domain.tickets.catalog import ensure_default_catalog
from backend.realtime.channels import create_backend, create_channels_plugin
from backend.worker import WorkerContext, worker_jobs

STATIC_DIR = Path(__file__).resolve().parents[1] / "frontend" / "static"


async def provide_db(state: State) -> AsyncGenerator[AsyncSession, None]:
    """Open a session per request. Actions commit explicitly; anything uncommitted rolls back."""
    async with state.session_factory() as session:
        yield session


def route_handlers() -> list:
    from backend.api.buildings import BuildingsApi
    from backend.api.health import health_check, readiness_check
    from backend.api.passes import PassesApi
    from frontend.pages.passes import PassesController
    from guard_kiosk.pages import GuardKioskController, kiosk_static_router
    from guard_kiosk.security import SecurityController
    from frontend.pages.admin import UsersAdminController
    from frontend.pages.auth import AuthController
    from frontend.pages.buildings import BuildingsController

    from backend.api.tickets import TicketsApi, list_categories
    from backend.api.calls import CallbacksApi, CallsApi
    from frontend.pages.calls import CallsController
    from backend.realtime.ws import live_events
    from frontend.pages.board import BoardController
    from backend.api.clients import ClientsApi
    from backend.api.search import search_api
    from frontend.pages.clients import ClientsController
    from frontend.pages.unit_map import UnitMapController
    from backend.api.ticket_work import TicketWorkApi
    from mobile.pages import mobile_routes
    from backend.api.reports import ReportsApi
    from frontend.pages.reports import ReportsController
    from frontend.pages.ticket_list import TicketListController

    return [health_check, readiness_check, live_events, AuthController, BuildingsController, UsersAdminController,
            CallsApi, CallbacksApi, CallsController,
            ReportsController, TicketListController,
            BuildingsApi, TicketsApi, list_categories, BoardController, PassesApi, PassesController, GuardKioskController, SecurityController, kiosk_static_router(),
            TicketWorkApi, *mobile_routes(), ClientsController, UnitMapController, ClientsApi, search_api, ReportsApi, create_static_files_router(path="/static", directories=[STATIC_DIR]), *vendor_routers()]


def create_app(settings: Settings, database_url: str, *, with_worker: bool = False) -> Litestar:
    """Build the web application for `database_url` (already migrated)."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        engine = create_engine(database_url)
        app.state.engine = engine
        app.state.session_factory = create_session_factory(engine)
        app.state.channels_ping = _channels_ping(settings)
        async with app.state.session_factory() as session:
            await ensure_default_catalog(session)
            await session.commit()
        # Objects made during start-up live as long as the process; frozen, the cyclic garbage
        # collector stops re-scanning them, which removes most of its pauses on large pages.
        gc.freeze()
        jobs = []
        if with_worker:
            context = WorkerContext(settings, database_url, app.state.session_factory, channels.wait_published)
            jobs = [asyncio.create_task(job) for job in worker_jobs(context)]
            app.state.relay = context.relay
        try:
            yield
        finally:
            for job in jobs:
                job.cancel()
            await asyncio.gather(*jobs, return_exceptions=True)
            await engine.dispose()

    channels = create_channels_plugin(create_backend(settings.redis_url))
    return Litestar(
        route_handlers=route_handlers(),
        plugins=[channels],
        lifespan=[lifespan],
        state=State({"settings": settings}),
        dependencies={"db": Provide(provide_db)},
        middleware=[request_id_middleware, authentication_middleware],
        csrf_config=CSRFConfig(secret=settings.secret_key, cookie_secure=settings.is_production,
                               exclude=["/api/", "/ws"]),
        template_config=template_config(),
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(title="Domovoy API", version="1", path="/api/docs",
                                     render_plugins=[SwaggerRenderPlugin(
                                         js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
                                         css_url="/static/vendor/swagger-ui/swagger-ui.css",
                                         standalone_preset_js_url="/static/vendor/swagger-ui/swagger-ui-standalone-preset.js",
                                         favicon="<link rel='icon' type='image/svg+xml' href='/static/favicon.svg'>")]),
        debug=False,
    )


def _channels_ping(settings: Settings):
    """Return a readiness probe for Redis, or None with in-memory channels."""
    if settings.redis_url is None:
        return None
    from redis.asyncio import Redis

    redis = Redis.from_url(settings.redis_url)

    async def ping() -> None:
        await redis.ping()

    return ping
