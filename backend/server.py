"""Serving the web application with uvicorn, optionally with the worker in the same process."""

from __future__ import annotations

import asyncio

import structlog
import uvicorn

from backend.app import create_app
from backend.settings import Settings

log = structlog.get_logger(__name__)


def serve(settings: Settings, database_url: str, *, with_worker: bool) -> int:
    """Run until interrupted. `with_worker` also runs the background jobs in this process, which
    the embedded default needs because its in-memory channels do not cross processes."""
    app = create_app(settings, database_url, with_worker=with_worker)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_config=None, access_log=False,
                            ws="websockets-sansio" if _has_websockets() else "auto")
    server = uvicorn.Server(config)
    log.info("web_starting", host=settings.host, port=settings.port, with_worker=with_worker)
    asyncio.run(server.serve())
    return 0


def _has_websockets() -> bool:
    try:
        import websockets  # noqa: F401
    except ImportError:
        return False
    return True
