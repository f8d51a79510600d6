"""WebSocket `/ws`: live events for the buildings a user may see, with replay after a reconnect.

Query parameters: `after=<event id>` replays what the client missed, then goes live;
`buildings=1,2` narrows the subscription (each id must be in the user's scope).
The first message is `{"type": "hello", "id": <latest event id>}` so that a fresh client can
reconnect later from that id. Closing codes: 4401 not signed in, 4403 a building outside scope,
4400 a malformed parameter, 4409 too much to replay (reload state, then reconnect without `after`).
"""

from __future__ import annotations

import asyncio
from functools import lru_cache

import structlog
from litestar import WebSocket, websocket
from litestar.channels import ChannelsPlugin
from litestar.exceptions import WebSocketDisconnect

from backend.web.deps import Channels
from backend.domain.staff.access import Principal, can_see_building
from backend.realtime.channels import channels_for_principal
from backend.realtime.envelope import Envelope, decode_envelope, latest_seq, replay_after, visible_to

log = structlog.get_logger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_BAD_REQUEST = 4400
CLOSE_RESYNC = 4409


class _BadParameter(Exception):
    pass


MAX_ID = 2**63 - 1  # bigint, the type of outbox.seq and every id


def _parse_buildings(raw: str | None) -> set[int] | None:
    if not raw:
        return None
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not all(part.isdigit() and int(part) <= MAX_ID for part in parts):
        raise _BadParameter("buildings")
    return {int(part) for part in parts}


def _parse_after(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise _BadParameter("after")
    return int(raw)


@websocket("/ws")
async def live_events(socket: WebSocket, channels: Channels) -> None:
    # Accept first: a close code can only reach the client on an accepted socket.
    await socket.accept()
    principal: Principal | None = socket.scope.get("user")
    if principal is None:
        await socket.close(code=CLOSE_UNAUTHENTICATED, reason="not signed in")
        return
    try:
        building_ids = _parse_buildings(socket.query_params.get("buildings"))
        after = _parse_after(socket.query_params.get("after"))
    except _BadParameter as error:
        await socket.close(code=CLOSE_BAD_REQUEST, reason=f"invalid {error}")
        return
    if building_ids is not None and not all(can_see_building(principal, b) for b in building_ids):
        await socket.close(code=CLOSE_FORBIDDEN, reason="building outside scope")
        return
    await _stream(socket, channels, principal, building_ids, after)


async def _stream(socket: WebSocket, channels: ChannelsPlugin, principal: Principal, building_ids: set[int] | None,
                  after: int | None) -> None:
    # Subscribe before reading the replay, so nothing published in between is lost;
    # events already replayed are skipped by id.
    async with channels.start_subscription(channels_for_principal(principal, building_ids)) as subscriber:
        last_sent = await _send_backlog(socket, principal, building_ids, after)
        if last_sent is None:
            return
        receiver = asyncio.create_task(_drain_client(socket))
        try:
            async for raw in _until_done(subscriber.iter_events(), receiver):
                envelope, text = _decoded(raw)
                if envelope.id <= last_sent or not visible_to(envelope, principal, building_ids):
                    continue
                await socket.send_data(text)
                last_sent = envelope.id
        except WebSocketDisconnect:
            pass
        finally:
            receiver.cancel()


async def _send_backlog(socket: WebSocket, principal: Principal, building_ids: set[int] | None,
                        after: int | None) -> int | None:
    async with socket.app.state.session_factory() as session:
        current = await latest_seq(session)
        missed = [] if after is None else await replay_after(session, principal, building_ids, after)
    if missed is None:
        await socket.close(code=CLOSE_RESYNC, reason="too many events missed; reload and reconnect")
        return None
    await socket.send_json({"type": "hello", "id": current})
    for envelope in missed:
        await socket.send_data(_public_json(envelope))
    if after is None:
        return current
    # An `after` beyond the newest event (a client of a reset database) must not hide later events.
    return missed[-1].id if missed else min(after, current)


@lru_cache(maxsize=1024)
def _decoded(raw: bytes) -> tuple[Envelope, str]:
    """Decode a published event once per process, not once per connection: every socket of this
    process receives the same bytes."""
    envelope = decode_envelope(raw)
    return envelope, _public_json(envelope)


def _public_json(envelope: Envelope) -> str:
    import msgspec

    return msgspec.json.encode(envelope.public()).decode()


async def _drain_client(socket: WebSocket) -> None:
    """Read (and ignore) client messages so that a close from the client is noticed."""
    while True:
        await socket.receive_data(mode="text")


async def _until_done(events, receiver: asyncio.Task):
    """Yield events until the client side of the socket goes away."""
    iterator = events.__aiter__()
    while True:
        next_event = asyncio.ensure_future(iterator.__anext__())
        done, _ = await asyncio.wait({next_event, receiver}, return_when=asyncio.FIRST_COMPLETED)
        if receiver in done:
            next_event.cancel()
            return
        try:
            yield next_event.result()
        except StopAsyncIteration:
            return
