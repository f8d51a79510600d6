"""Liveness and readiness probes for load balancers and compose health checks."""

from __future__ import annotations

import asyncio

from litestar import Request, Response, get
from sqlalchemy import text

READINESS_TIMEOUT = 2.0  # seconds per dependency before it counts as unreachable


@get("/healthz", include_in_schema=False, sync_to_thread=False)
def health_check() -> dict[str, str]:
    """The process is alive and serving requests."""
    return {"status": "ok"}


@get("/readyz", include_in_schema=False)
async def readiness_check(request: Request) -> Response:
    """The database and the event channels answer; 503 names the one that does not."""
    checks = {"database": await _check(_ping_database(request)),
              "channels": await _check(_ping_channels(request))}
    status = 200 if all(result == "ok" for result in checks.values()) else 503
    return Response({"status": "ok" if status == 200 else "unavailable", "checks": checks}, status_code=status)


async def _check(probe) -> str:
    try:
        await asyncio.wait_for(probe, READINESS_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"; the name is reported
        return f"failed: {type(error).__name__}"
    return "ok"


async def _ping_database(request: Request) -> None:
    async with request.app.state.session_factory() as session:
        await session.execute(text("SELECT 1"))


async def _ping_channels(request: Request) -> None:
    ping = getattr(request.app.state, "channels_ping", None)
    if ping is not None:
        await ping()
