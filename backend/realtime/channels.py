"""Channel names and the channels backend: Redis pub/sub, or in-memory for one process."""

from __future__ import annotations

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis

from backend.domain.staff.access import Principal

ALL_BUILDINGS = "events:all"
"""Every building's events, for users whose scope is all buildings."""
BROADCAST = "events:broadcast"
"""Events about no building in particular; everyone signed in receives them."""
SUBSCRIBER_BACKLOG = 10_000  # events held for a slow WebSocket before the oldest are dropped


def building_channel(building_id: int) -> str:
    return f"events:building:{building_id}"


def user_channel(user_id: int) -> str:
    return f"events:user:{user_id}"


def channels_for_event(building_id: int | None, user_id: int | None) -> list[str]:
    """Return where the relay publishes an event; each subscriber listens on exactly one of them."""
    if user_id is not None:
        return [user_channel(user_id)]
    if building_id is None:
        return [BROADCAST]
    return [building_channel(building_id), ALL_BUILDINGS]


def channels_for_principal(principal: Principal, building_ids: set[int] | None) -> list[str]:
    """Return the channels a WebSocket of `principal` listens on; `building_ids` is already in scope."""
    personal = [user_channel(principal.user_id), BROADCAST]
    if principal.all_buildings and building_ids is None:
        return [ALL_BUILDINGS, *personal]
    visible = building_ids if building_ids is not None else set(principal.building_ids)
    return [*(building_channel(b) for b in sorted(visible)), *personal]


def create_backend(redis_url: str | None) -> ChannelsBackend:
    if redis_url is None:
        return MemoryChannelsBackend()
    return RedisChannelsPubSubBackend(redis=Redis.from_url(redis_url))


def create_channels_plugin(backend: ChannelsBackend) -> ChannelsPlugin:
    return ChannelsPlugin(backend=backend, arbitrary_channels_allowed=True, subscriber_max_backlog=SUBSCRIBER_BACKLOG,
                          subscriber_backlog_strategy="dropleft")
