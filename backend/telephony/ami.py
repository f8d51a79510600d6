"""Domovoy's Asterisk Manager Interface client: one supervised session, built on panoramisk 1.4.

The client keeps one logged-in session. It pings on a fixed interval and treats a missing or late
Pong as a dead connection, because a half-open socket otherwise goes unnoticed. It reconnects with
capped exponential backoff after a dropped socket or a `Shutdown` event. After every login it lists
the live channels and queues, so that the tracker can catch up on what it missed. No action is
ever sent twice: an Originate whose connection drops reports the outcome `unknown` instead.

Callbacks run synchronously in the order the messages arrive: `on_event` gets every event as a
plain dict (repeated headers as lists), `on_resync` gets the `LiveSnapshot` at its place in the
stream, and `on_originate_result` gets each Originate's outcome. An exception in a callback is
logged and does not break the session. Callbacks that do I/O should hand the work to a task.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import msgspec
import structlog
from panoramisk.actions import Action

from backend.domain.errors import DomainError
from backend.telephony.ami_protocol import AmiConnection, AmiConnectionLost, EventCallback, LiveSnapshot

__all__ = [
    "AmiClient", "AmiConnectionLost", "AmiNotConnected", "AmiTiming", "LiveSnapshot", "OriginateRequest",
    "OriginateResult", "OriginateTicket", "check_originate_request", "retry_delay",
]

log = structlog.get_logger(__name__)

OriginateOutcome = Literal["answered", "busy", "no_answer", "congestion", "no_channel", "failed", "rejected",
                           "unknown"]
"""answered … no_channel: from `OriginateResponse`; failed: another Reason; rejected: Asterisk rejected
the action; unknown: the connection closed before the outcome arrived (the call may still go on)."""

ORIGINATE_REASONS: dict[int, OriginateOutcome] = {4: "answered", 5: "busy", 3: "no_answer", 8: "congestion",
                                                  0: "no_channel"}
"""`Reason` of `OriginateResponse`: Asterisk's control frame that ended the dialing (4 is ANSWER)."""


class AmiTiming(msgspec.Struct, frozen=True, kw_only=True):
    """Timeouts and delays of the AMI client, in seconds."""

    connect_timeout: float = 10.0
    """Limit for the TCP connection, and again for the Login response."""
    ping_interval: float = 20.0
    """Time between keep-alive pings."""
    ping_timeout: float = 5.0
    """Time a Pong may take before the connection counts as dead."""
    retry_initial: float = 1.0
    """Delay before the first reconnect attempt after a session ends."""
    retry_factor: float = 2.0
    retry_max: float = 60.0
    """Cap of the reconnect delay."""


def retry_delay(attempt: int, timing: AmiTiming) -> float:
    """Return the delay before reconnect attempt `attempt` (1 for the first)."""
    return min(timing.retry_max, timing.retry_initial * timing.retry_factor ** max(0, attempt - 1))


class AmiNotConnected(DomainError):
    status_code = 503

    def __init__(self) -> None:
        super().__init__("ami_not_connected", "The telephone exchange is not connected. Try the call again "
                                              "in a minute.")


class OriginateRequest(msgspec.Struct, frozen=True, kw_only=True):
    """A click-to-dial: ring `channel` (the agent's phone), then dial `exten` in `context`."""

    channel: str
    """Channel to ring first, such as `PJSIP/201`."""
    exten: str
    """Number to dial once the agent answers."""
    context: str
    """Dialplan context in which `exten` is dialed."""
    caller_id: str | None = None
    """Caller ID shown on the agent's phone, such as `"Иванова Мария" <89161234567>`."""
    timeout_seconds: float = 30.0
    """How long the agent's phone rings before the attempt counts as unanswered."""
    variables: dict[str, str] = {}
    """Channel variables to set, sent as `Variable: NAME=value` headers."""


class OriginateResult(msgspec.Struct, frozen=True, kw_only=True):
    action_id: str
    channel_id: str
    outcome: OriginateOutcome
    reason: int | None = None
    """`Reason` of the `OriginateResponse`, when one arrived."""
    uniqueid: str | None = None
    message: str | None = None
    """Asterisk's `Message` when it rejected the action, or why the outcome is unknown."""


@dataclass(frozen=True)
class OriginateTicket:
    """A sent Originate: its ids, and a future that gets its `OriginateResult`."""

    action_id: str
    channel_id: str
    """Uniqueid that Asterisk gives the first channel (`ChannelId`); it is also the call's Linkedid."""
    result: asyncio.Future[OriginateResult]


def check_originate_request(request: OriginateRequest) -> None:
    """Reject a request that Asterisk would reject or that could inject AMI headers."""
    required = {"channel": ("originate_channel_missing", "The phone to ring first is not set."),
                "exten": ("originate_number_missing", "Enter the number to call."),
                "context": ("originate_context_missing", "The dialplan context for calls is not set.")}
    for field_name, (code, message) in required.items():
        if not getattr(request, field_name).strip():
            raise DomainError(code, message, field=field_name, value=getattr(request, field_name))
    values = {"channel": request.channel, "exten": request.exten, "context": request.context,
              "caller_id": request.caller_id or "", **{f"variables.{key}": f"{key}={value}"
                                                       for key, value in request.variables.items()}}
    for field_name, value in values.items():
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            raise DomainError("originate_value_invalid", "The value contains a line break or another "
                              "control character.", field=field_name, value=value)
    if not request.timeout_seconds > 0:
        raise DomainError("originate_timeout_invalid", "The ringing time must be a positive number of seconds.",
                          field="timeout_seconds", value=request.timeout_seconds)


class AmiClient:
    """Keeps one AMI session with Asterisk alive and reports its events; see the module docstring."""

    def __init__(self, host: str, port: int, username: str, secret: str, *,
                 on_event: EventCallback | None = None,
                 on_resync: Callable[[LiveSnapshot], None] | None = None,
                 on_originate_result: Callable[[OriginateResult], None] | None = None,
                 timing: AmiTiming = AmiTiming()) -> None:
        self._host = host
        self._port = port
        self._username = username
        self._secret = secret
        self._on_event = on_event
        self._on_resync = on_resync
        self._on_originate_result = on_originate_result
        self._timing = timing
        self._connection: AmiConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = False
        self._changed = asyncio.Event()
        self.sessions = 0
        """Logins that succeeded since `start`."""

    @property
    def connected(self) -> bool:
        """Whether a session is logged in now."""
        return self._connection is not None and not self._connection.is_lost

    async def start(self) -> None:
        """Start connecting in the background; `wait_ready` waits for the first session."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="ami-client")

    async def stop(self) -> None:
        """Close the session and stop reconnecting; pending actions fail with AmiConnectionLost."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        log.info("ami_client_stopped", host=self._host, port=self._port)

    async def wait_ready(self, sessions: int = 1, timeout: float = 10.0) -> None:
        """Wait until session number `sessions` is logged in and its snapshot was delivered."""
        async with asyncio.timeout(timeout):
            while not (self._ready and self.sessions >= sessions):
                await self._changed.wait()

    async def send_action(self, action: Mapping[str, Any], timeout: float = 10.0) -> Any:
        """Send an action once and return its response (a list for list responses).

        Raises AmiNotConnected without a session, AmiConnectionLost if the session drops
        before the response, and TimeoutError after `timeout` seconds.
        """
        connection = self._require_connection()
        async with asyncio.timeout(timeout):
            return await connection.send(action)

    def originate(self, request: OriginateRequest) -> OriginateTicket:
        """Send an asynchronous Originate once; its outcome arrives later in the ticket's future.

        The first channel gets a fresh `ChannelId`, so the caller can link the call to the
        action before any event arrives (`CallTracker.expect_originate`).
        """
        check_originate_request(request)
        connection = self._require_connection()
        action_id = f"domovoy-originate-{uuid.uuid4().hex}"
        channel_id = f"domovoy-{uuid.uuid4().hex}"
        reply = connection.send(Action(_originate_headers(request, action_id, channel_id)))
        ticket = OriginateTicket(action_id, channel_id, asyncio.get_running_loop().create_future())
        reply.add_done_callback(functools.partial(self._finish_originate, ticket))
        log.info("ami_originate_sent", action_id=action_id, channel_id=channel_id)
        return ticket

    # Session supervision

    async def _run(self) -> None:
        attempt = 0
        while True:
            logged_in = await self._serve_session()
            attempt = 1 if logged_in else attempt + 1
            delay = retry_delay(attempt, self._timing)
            log.warning("ami_retry", host=self._host, port=self._port, attempt=attempt, delay=delay)
            await asyncio.sleep(delay)

    async def _serve_session(self) -> bool:
        """Connect, log in and serve one session until it is lost; return whether login succeeded."""
        log.info("ami_connecting", host=self._host, port=self._port)
        try:
            connection = await AmiConnection.open(self._host, self._port, self._timing.connect_timeout,
                                                  self._deliver_event, self._deliver_snapshot)
        except (OSError, TimeoutError) as error:
            log.warning("ami_connect_failed", host=self._host, port=self._port, error=str(error) or repr(error))
            return False
        try:
            if not await self._login(connection):
                connection.close("login failed")
                return False
            self._begin_session(connection)
            await self._keep_alive(connection)
            return True
        except asyncio.CancelledError:
            connection.close("client stopped")
            raise
        finally:
            # The first reason stays: a socket error, a late Pong, a failed login or the stop.
            connection.close("session ended")
            self._end_session(connection)

    async def _login(self, connection: AmiConnection) -> bool:
        login = {"Action": "Login", "Username": self._username, "Secret": self._secret, "Events": "on"}
        try:
            async with asyncio.timeout(self._timing.connect_timeout):
                response = await connection.send(login)
        except (TimeoutError, AmiConnectionLost) as error:
            log.warning("ami_login_failed", username=self._username, error=str(error) or repr(error))
            return False
        if not response.success:
            log.error("ami_login_rejected", username=self._username, message=response.get("Message"))
            return False
        return True

    def _begin_session(self, connection: AmiConnection) -> None:
        self._connection = connection
        self.sessions += 1
        log.info("ami_logged_in", host=self._host, port=self._port, username=self._username,
                 session=self.sessions)
        connection.start_resync()

    def _end_session(self, connection: AmiConnection) -> None:
        if self._connection is connection:
            self._connection = None
            reason = connection.lost.result()
            log_method = log.info if reason == "client stopped" else log.warning
            log_method("ami_disconnected", host=self._host, port=self._port, reason=reason)
        self._ready = False
        self._notify()

    async def _keep_alive(self, connection: AmiConnection) -> None:
        """Ping every `ping_interval` seconds until the connection is lost or a Pong is late."""
        while not await connection.wait_lost(self._timing.ping_interval):
            answered = await connection.ping(self._timing.ping_timeout)
            if connection.is_lost:
                return
            if not answered:
                log.warning("ami_ping_timeout", host=self._host, timeout=self._timing.ping_timeout)
                connection.close("no reply to ping")
                return

    def _require_connection(self) -> AmiConnection:
        if self._connection is None or self._connection.is_lost:
            raise AmiNotConnected()
        return self._connection

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # Callbacks

    def _deliver_event(self, event: dict[str, Any]) -> None:
        if self._on_event is not None:
            _call_safely("on_event", self._on_event, event)

    def _deliver_snapshot(self, snapshot: LiveSnapshot | None) -> None:
        """Pass the snapshot on; without one (Asterisk rejected the action) the session is ready all the same."""
        if snapshot is not None:
            log.info("ami_resynced", channels=len(snapshot.channels), queue_items=len(snapshot.queue_status))
        if snapshot is not None and self._on_resync is not None:
            _call_safely("on_resync", self._on_resync, snapshot)
        self._ready = True
        self._notify()

    def _finish_originate(self, ticket: OriginateTicket, reply: asyncio.Future[Any]) -> None:
        result = originate_result(ticket.action_id, ticket.channel_id, reply)
        log.info("ami_originate_result", action_id=result.action_id, outcome=result.outcome, reason=result.reason)
        if not ticket.result.done():
            ticket.result.set_result(result)
        if self._on_originate_result is not None:
            _call_safely("on_originate_result", self._on_originate_result, result)


def originate_result(action_id: str, channel_id: str, reply: asyncio.Future[Any]) -> OriginateResult:
    """Read the outcome from the Originate's response: a rejection, or the queued reply plus `OriginateResponse`."""
    if reply.cancelled() or reply.exception() is not None:
        return OriginateResult(action_id=action_id, channel_id=channel_id, outcome="unknown",
                               message="the AMI connection closed before Asterisk reported the outcome")
    answer = reply.result()
    if not isinstance(answer, list):
        return OriginateResult(action_id=action_id, channel_id=channel_id, outcome="rejected",
                               message=answer.get("Message"))
    final = answer[-1]
    reason_text = str(final.get("Reason", ""))
    reason = int(reason_text) if reason_text.isdigit() else None
    outcome: OriginateOutcome = "failed"
    if final.get("Response") == "Success":
        outcome = "answered"
    elif reason is not None:
        outcome = ORIGINATE_REASONS.get(reason, "failed")
    return OriginateResult(action_id=action_id, channel_id=channel_id, outcome=outcome, reason=reason,
                           uniqueid=final.get("Uniqueid") or None)


def _originate_headers(request: OriginateRequest, action_id: str, channel_id: str) -> dict[str, Any]:
    headers: dict[str, Any] = {
        "Action": "Originate", "ActionID": action_id, "Channel": request.channel, "Exten": request.exten,
        "Context": request.context, "Priority": "1", "Async": "true", "ChannelId": channel_id,
        "Timeout": str(int(request.timeout_seconds * 1000)),
    }
    if request.caller_id:
        headers["CallerID"] = request.caller_id
    if request.variables:
        headers["Variable"] = [f"{key}={value}" for key, value in sorted(request.variables.items())]
    return headers


def _call_safely(name: str, callback: Callable[[Any], None], argument: Any) -> None:
    try:
        callback(argument)
    except Exception:
        log.exception("ami_callback_failed", callback=name)
