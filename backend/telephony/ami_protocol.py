"""One AMI connection on panoramisk 1.4's protocol, with the fixes and hooks Domovoy needs.

panoramisk's `Manager` owns reconnection, pings and a queue of actions to re-send; Domovoy's
client replaces all three (see `backend.telephony.ami`), so only the protocol, `Action` and
`Message` of panoramisk are used, with `AmiConnection` as the protocol's factory.
"""

from __future__ import annotations

import asyncio
import codecs
from collections.abc import Callable, Mapping
from typing import Any

import msgspec
import structlog
from panoramisk.actions import Action
from panoramisk.ami_protocol import AMIProtocol
from panoramisk.message import Message

log = structlog.get_logger(__name__)

EventCallback = Callable[[dict[str, Any]], None]


class AmiConnectionLost(ConnectionError):
    """The AMI connection closed before Asterisk responded to the action."""


class LiveSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    """Live channels and queue status, as Asterisk listed them right after a login."""

    channels: list[dict[str, Any]]
    """`CoreShowChannel` events, one per live channel."""
    queue_status: list[dict[str, Any]]
    """`QueueParams`, `QueueMember` and `QueueEntry` events of `QueueStatus`."""
    timestamp: str | None = None
    """`Timestamp` header of `CoreShowChannelsComplete`, when Asterisk stamps its events."""


SnapshotCallback = Callable[[LiveSnapshot | None], None]
"""Gets the snapshot, or None when Asterisk rejected `CoreShowChannels`."""


class Utf8AMIProtocol(AMIProtocol):
    """panoramisk's AMIProtocol that decodes UTF-8 across reads and never re-sends an action.

    panoramisk 1.4 decodes each TCP read on its own with errors='ignore', so a Cyrillic letter
    whose two bytes arrive in two reads is dropped. Here an incremental decoder keeps the cut
    bytes for the next read. On close, panoramisk queues the actions still waiting for a response
    and sends them again after the next login, so an Originate could ring a phone twice. Here
    they fail with AmiConnectionLost instead.
    """

    encoding = "utf-8"

    def __init__(self, connection: AmiConnection) -> None:
        super().__init__()
        self._connection = connection
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.factory = self._connection

    def data_received(self, data: bytes) -> None:
        text = self._decoder.decode(data)
        if text:
            super().data_received(text.encode("utf-8"))

    def handle_message(self, message: Message) -> None:
        super().handle_message(message)
        self._connection.message_handled(message)

    def close(self) -> None:
        pending, self.responses = self.responses, {}
        for action in {id(action): action for action in pending.values()}.values():
            if not action.future.done():
                action.future.set_exception(AmiConnectionLost("the AMI connection closed"))
                # Mark the exception retrieved, because no task awaits the reply to a ping that timed out.
                action.future.exception()
        if not self.closed:
            try:
                self.transport.close()
            finally:
                self.closed = True


class AmiConnection:
    """One TCP session with Asterisk, and the factory panoramisk's protocol reports to.

    Events reach `on_event` in wire order, as plain dicts with repeated headers as lists. The
    snapshot of `start_resync` reaches `on_snapshot` at its place in the stream: every event
    before it was delivered first and none after it.
    """

    def __init__(self, on_event: EventCallback, on_snapshot: SnapshotCallback) -> None:
        self.protocol: Utf8AMIProtocol | None = None
        self.lost: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._on_event = on_event
        self._on_snapshot = on_snapshot
        self._resync: tuple[Action, Action] | None = None

    @classmethod
    async def open(cls, host: str, port: int, timeout: float, on_event: EventCallback,
                   on_snapshot: SnapshotCallback) -> AmiConnection:
        connection = cls(on_event, on_snapshot)
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(timeout):
            _, connection.protocol = await loop.create_connection(lambda: Utf8AMIProtocol(connection), host, port)
        return connection

    @property
    def is_lost(self) -> bool:
        return self.lost.done()

    def send(self, action: Mapping[str, Any] | Action) -> asyncio.Future[Any]:
        """Write an action once; the future gets its response, or a list for list responses."""
        if self.protocol is None or self.is_lost:
            raise AmiConnectionLost("the AMI connection is closed")
        _check_header_values(action)
        if not isinstance(action, Action):
            action = Action(dict(action))
        # as_list=None lets panoramisk collect list responses (EventList, queued Originate) into a list.
        return self.protocol.send(action, as_list=None)

    async def ping(self, timeout: float) -> bool:
        """Send `Ping` and return whether the reply came within `timeout` seconds."""
        reply = self.send({"Action": "Ping"})
        done, _ = await asyncio.wait({reply, self.lost}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        return reply in done and reply.exception() is None

    async def wait_lost(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds; return whether the connection was lost meanwhile."""
        done, _ = await asyncio.wait({self.lost}, timeout=timeout)
        return bool(done)

    def close(self, reason: str) -> None:
        self._mark_lost(reason)
        if self.protocol is not None:
            self.protocol.close()

    def start_resync(self) -> None:
        """Send `QueueStatus`, then `CoreShowChannels`; Asterisk responds to them in that order."""
        queue_status = Action({"Action": "QueueStatus"})
        channels = Action({"Action": "CoreShowChannels"})
        self._resync = (queue_status, channels)
        self.send(queue_status)
        self.send(channels)

    # The factory interface of panoramisk's AMIProtocol

    def dispatch(self, message: Message) -> None:
        """Ignore: `message_handled` delivers every event, in wire order."""

    def connection_lost(self, exc: object) -> None:
        if isinstance(exc, Message):
            self._mark_lost("shutdown event")
        else:
            self._mark_lost("socket closed" if exc is None else f"socket closed: {exc}")

    def message_handled(self, message: Message) -> None:
        """Deliver an event after panoramisk matched it to its action, if it has one."""
        if "event" not in message:
            return
        resync = self._resync
        if resync is not None and message.action_id in {action.id for action in resync}:
            self._deliver_snapshot_when_complete(*resync)
            return
        self._on_event(dict(message.items()))

    def _deliver_snapshot_when_complete(self, queue_status: Action, channels: Action) -> None:
        if not channels.future.done():
            return
        self._resync = None
        channel_messages = channels.future.result()
        if not isinstance(channel_messages, list):
            log.error("ami_resync_failed", action="CoreShowChannels", message=channel_messages.get("Message"))
            self._on_snapshot(None)
            return
        queue_messages = queue_status.future.result() if queue_status.future.done() else []
        if not isinstance(queue_messages, list):
            log.warning("ami_queue_status_failed", message=queue_messages.get("Message"))
            queue_messages = []
        self._on_snapshot(LiveSnapshot(
            channels=[dict(item.items()) for item in channel_messages[1:] if item.event == "CoreShowChannel"],
            queue_status=[dict(item.items()) for item in queue_messages[1:] if item.event != "QueueStatusComplete"],
            timestamp=channel_messages[-1].get("Timestamp")))

    def _mark_lost(self, reason: str) -> None:
        if not self.lost.done():
            self.lost.set_result(reason)


def _check_header_values(action: Mapping[str, Any]) -> None:
    """Raise ValueError for a header value with CR or LF, which would end the header or the action."""
    for key, value in action.items():
        for item in value if isinstance(value, list) else [value]:
            if "\r" in str(item) or "\n" in str(item):
                raise ValueError(f"AMI header {key} contains a line break: {item!r}")
