"""Reading AMI channel names, caller-id values and timestamps, and telling staff phones from trunks."""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

UNSET_VALUES = frozenset({"", "<unknown>", "<null>"})
"""Values Asterisk writes for an empty caller-id or channel field."""

MAX_EXTENSION_DIGITS = 9
"""Maximum length of an all-digit peer name taken for a staff phone. A Russian number has 10 digits after the
country or trunk prefix, so a peer named by a full outside number (a trunk account) is longer."""

IsExtension = Callable[[str], bool]
Clock = Callable[[], datetime]


def default_is_extension(peer: str) -> bool:
    """Tell a staff phone from a trunk by the peer name of its SIP, PJSIP or IAX2 channel.

    A phone's peer is its extension (`201`) or a numeric phone account (`150010002`): at most
    MAX_EXTENSION_DIGITS ASCII digits. Trunks are named (`mts-trunk`) or carry a full number.
    Deployments that name phones otherwise pass their own rule to `CallTracker`.
    """
    return 1 <= len(peer) <= MAX_EXTENSION_DIGITS and all(char in string.digits for char in peer)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ChannelName(msgspec.Struct, frozen=True):
    """The parts of a channel name such as `SIP/150010002-00000003` or `Local/201@ctx-0000001d;2`."""

    technology: str
    resource: str
    """Peer or endpoint name; for Local channels `exten@context`."""
    local_half: str | None = None
    """`1` or `2` for the two halves of a Local channel, else None."""

    @property
    def is_local(self) -> bool:
        return self.technology.lower() == "local"


def parse_channel_name(name: str) -> ChannelName:
    technology, _, rest = name.partition("/")
    local_half = None
    if rest[-2:] in (";1", ";2"):
        rest, local_half = rest[:-2], rest[-1]
    resource, separator, suffix = rest.rpartition("-")
    if not separator or not suffix or not all(char in string.hexdigits for char in suffix):
        resource = rest
    return ChannelName(technology, resource, local_half)


def clean(value: Any) -> str | None:
    """Return a header value, or None when Asterisk left it unset (`<unknown>`, empty)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return None if value in UNSET_VALUES else value


def clean_exten(value: Any) -> str | None:
    """Return a dialed extension, or None for an unset one or the dialplan start extension `s`."""
    exten = clean(value)
    return None if exten == "s" else exten


def prefixed_fields(event: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """Return the headers of one channel in a multi-channel event, `DestUniqueid` as `Uniqueid`."""
    return {key[len(prefix):]: value for key, value in event.items() if key.startswith(prefix) and key != prefix}


def parse_timestamp(value: Any) -> datetime | None:
    """Read Asterisk's `Timestamp` header (seconds since the epoch, with microseconds)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def parse_duration(value: Any) -> timedelta:
    """Read `CoreShowChannel`'s `Duration` (HH:MM:SS); an unreadable value counts as zero."""
    parts = value.split(":") if isinstance(value, str) else []
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return timedelta()
    hours, minutes, seconds = (int(part) for part in parts)
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def uniqueid_order(uniqueid: str) -> tuple[int, int]:
    """Sort key of a Uniqueid `[system-]seconds.sequence`: creation order within one Asterisk."""
    _, _, tail = uniqueid.rpartition("-")
    seconds, _, sequence = tail.partition(".")
    if not seconds.isdigit() or not sequence.isdigit():
        return (0, 0)
    return (int(seconds), int(sequence))
