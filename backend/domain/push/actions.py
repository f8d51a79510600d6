"""Saving and removing a device's push subscription."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlsplit

import msgspec
import structlog
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.errors import DomainError
from backend.domain.push.models import PushSubscription
from backend.domain.staff.access import Principal

log = structlog.get_logger(__name__)

MAX_ENDPOINT = 2_000  # characters; push service URLs are a few hundred
P256_POINT_BYTES = 65  # an uncompressed P-256 public key: 0x04, x, y
AUTH_SECRET_BYTES = 16  # RFC 8291 section 3.2


class SubscriptionKeys(msgspec.Struct):
    p256dh: str
    auth: str


class NewSubscription(msgspec.Struct):
    """The JSON of a browser's `PushSubscription.toJSON()`."""

    endpoint: str
    keys: SubscriptionKeys


def _decode_key(value: str, field: str, size: int) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size:
        raise DomainError("push_key_invalid", "The push subscription key {key} is invalid.", field=field,
                          value=value[:50], key=field)
    return raw


def check_subscription(data: NewSubscription, *, https_only: bool) -> None:
    """Reject endpoints that are not absolute http(s) URLs and keys of the wrong length.

    `https_only` is on in production: real push services are HTTPS, and the worker must not be
    pointed at plain-HTTP hosts inside the network.
    """
    parts = urlsplit(data.endpoint)
    allowed = ("https",) if https_only else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname or len(data.endpoint) > MAX_ENDPOINT:
        raise DomainError("push_endpoint_invalid", "The push endpoint must be an HTTPS URL.", field="endpoint",
                          value=data.endpoint[:100])
    point = _decode_key(data.keys.p256dh, "keys.p256dh", P256_POINT_BYTES)
    if point[0] != 0x04:
        raise DomainError("push_key_invalid", "The push subscription key {key} is invalid.",
                          field="keys.p256dh", value=data.keys.p256dh[:50], key="keys.p256dh")
    _decode_key(data.keys.auth, "keys.auth", AUTH_SECRET_BYTES)


async def do_subscribe(session: AsyncSession, principal: Principal, data: NewSubscription, *,
                       user_agent: str | None = None, https_only: bool = True) -> None:
    """Save the subscription for the signed-in user; a known endpoint moves to this user with new keys."""
    check_subscription(data, https_only=https_only)
    values = {"user_id": principal.user_id, "p256dh": data.keys.p256dh, "auth": data.keys.auth,
              "user_agent": (user_agent or "")[:300] or None, "failures": 0}
    await session.execute(insert(PushSubscription).values(endpoint=data.endpoint, **values)
                          .on_conflict_do_update(index_elements=[PushSubscription.endpoint], set_=values))
    log.info("push_subscribed", user_id=principal.user_id)


async def do_unsubscribe(session: AsyncSession, principal: Principal, endpoint: str) -> bool:
    """Remove the user's subscription with this endpoint; return whether there was one."""
    result = await session.execute(delete(PushSubscription).where(PushSubscription.endpoint == endpoint,
                                                                  PushSubscription.user_id == principal.user_id))
    return result.rowcount > 0
