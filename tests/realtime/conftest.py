"""A live server per test, with the outbox relay running in-process, on memory or Redis channels."""

from __future__ import annotations

import pytest

from tests.live import LiveServer, settings_with
from tests.services import redis_url


def _channel_backends() -> list:
    redis = redis_url()
    backends = [pytest.param(None, id="memory")]
    backends.append(pytest.param(redis, id="redis", marks=pytest.mark.skipif(redis is None, reason="no Redis")))
    return backends


@pytest.fixture(params=_channel_backends())
async def live(request, db, database_url, settings):
    server = LiveServer(settings_with(settings, redis_url=request.param), database_url)
    await server.start()
    await server.relay_active()
    yield server
    await server.stop()
