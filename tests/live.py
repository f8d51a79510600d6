"""A real HTTP and WebSocket server for tests: uvicorn in the test's event loop, on a free port."""

from __future__ import annotations

import asyncio
import dataclasses

import uvicorn

from backend.app import create_app
from backend.settings import Settings


class LiveServer:
    """Start with `await server.start()`; `base_url` and `ws_url` point at it; `await server.stop()`."""

    def __init__(self, settings: Settings, database_url: str, *, with_worker: bool = True) -> None:
        self.settings = settings
        self.database_url = database_url
        self.with_worker = with_worker
        self.server: uvicorn.Server | None = None
        self.task: asyncio.Task | None = None
        self.port: int | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    async def start(self) -> LiveServer:
        app = create_app(self.settings, self.database_url, with_worker=self.with_worker)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port or 0, log_config=None, access_log=False,
                                lifespan="on", ws="websockets-sansio")
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.01)  # polls uvicorn's start-up flag; uvicorn offers no event for it
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        self.app = app
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            await self.task
            self.server = None

    async def relay_active(self) -> None:
        """Wait until the in-process outbox relay holds its lock and listens."""
        while getattr(self.app.state, "relay", None) is None:
            await asyncio.sleep(0.01)  # the relay object appears during lifespan start-up
        await self.app.state.relay.active.wait()


def settings_with(settings: Settings, **changes) -> Settings:
    return dataclasses.replace(settings, **changes)
