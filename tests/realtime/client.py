"""A WebSocket test client that reads envelopes with a deadline instead of sleeping."""

from __future__ import annotations

import asyncio
import json

import websockets

RECEIVE_TIMEOUT = 5.0  # seconds; a live event normally arrives within milliseconds


class LiveClient:
    def __init__(self, connection) -> None:
        self.connection = connection
        self.hello_id: int | None = None

    @classmethod
    async def connect(cls, ws_url: str, token: str, after: int | None = None, buildings: str | None = None):
        query = []
        if after is not None:
            query.append(f"after={after}")
        if buildings is not None:
            query.append(f"buildings={buildings}")
        url = ws_url + ("?" + "&".join(query) if query else "")
        connection = await websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"})
        client = cls(connection)
        hello = await client.receive()
        assert hello["type"] == "hello", hello
        client.hello_id = hello["id"]
        return client

    async def receive(self) -> dict:
        return json.loads(await asyncio.wait_for(self.connection.recv(), RECEIVE_TIMEOUT))

    async def receive_until(self, predicate) -> list[dict]:
        """Collect envelopes up to and including the first one that satisfies `predicate`."""
        received = []
        while True:
            envelope = await self.receive()
            received.append(envelope)
            if predicate(envelope):
                return received

    async def close(self) -> None:
        await self.connection.close()
