"""An Asterisk Manager Interface server that replays captured events, for tests and demos.

It speaks the AMI wire protocol: the banner, `Login`, `Ping`, `Logoff`, `CoreShowChannels`,
`QueueStatus` and `Originate`, with `ActionID` echoed. After the first client logs in it replays
its timeline of events (captures, then the scripts that `Originate` appends) in order to every
logged-in client, then keeps the connections open. The replay pauses while no client is logged
in, so a single client that reconnects misses no event; `skip` drops events on purpose instead.

Test hooks: replay pacing, a hold point, splitting a write inside a multi-byte UTF-8 character,
dropping connections, a `Shutdown` event, and a switch that stops answering `Ping`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import structlog

from backend.telephony.replay_state import ReplayState
from backend.telephony.wire import (
    BANNER,
    MESSAGE_END,
    Header,
    HeaderValue,
    capture_header_lines,
    encode_message,
    header_lines,
    parse_message,
)

log = structlog.get_logger(__name__)

FULLY_BOOTED = {"Event": "FullyBooted", "Privilege": "system,all", "Uptime": "1", "LastReload": "1",
                "Status": "Fully Booted"}
"""Sent by Asterisk to each session right after login; panoramisk re-sends pending actions on it."""


class CaptureError(ValueError):
    """A capture file that is not a JSON list of AMI events."""


class OriginatePlan(msgspec.Struct, kw_only=True):
    """How the simulator carries out an `Originate` after replying that it is queued."""

    response: str = "Success"
    """`Response` of the `OriginateResponse` event: Success or Failure."""
    reason: int = 4
    """`Reason` of the `OriginateResponse`: 4 answered, 5 busy, 3 no answer, 8 congestion, 0 no channel."""
    script: list[dict[str, Any]] = msgspec.field(default_factory=list)
    """Events appended to the timeline: the call that the Originate starts."""
    respond_after: int | None = 0
    """Script events replayed before the `OriginateResponse`; None never sends it."""


@dataclass(eq=False)
class _Session:
    writer: asyncio.StreamWriter
    logged_in: bool = False
    closed: bool = False


def load_capture(path: Path) -> list[dict[str, Any]]:
    """Read a capture: a JSON list of AMI events, each an object with an `Event` key."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CaptureError(f"{path}: cannot read the capture: {error}") from error
    if not isinstance(data, list):
        raise CaptureError(f"{path}: expected a JSON list of events, found {type(data).__name__}")
    for index, event in enumerate(data):
        if not isinstance(event, dict) or not isinstance(event.get("Event"), str):
            raise CaptureError(f"{path}: item {index} is not an AMI event (a JSON object with an Event key)")
    return data


class AmiSimulator:
    """A fake Asterisk that replays a timeline of AMI events to logged-in clients."""

    def __init__(self, events: Iterable[Mapping[str, Any]] = (), *, username: str = "domovoy",
                 secret: str = "domovoy", pace: float = 0.0, hold_at: int | None = None,
                 timestamp_origin: float | None = None, timestamp_step: float = 1.0,
                 split_multibyte: bool = False, split_pause: float = 0.05, answer_ping: bool = True,
                 originate_plan: OriginatePlan | None = None) -> None:
        """Configure the replay; nothing listens until `start`.

        `pace` is the delay in seconds between replayed events (0 replays at once). `hold_at`
        stops the replay before that timeline index until `release`. With `timestamp_origin`
        (seconds since the epoch) every event gets a `Timestamp` header: event i is stamped
        `timestamp_origin + i * timestamp_step`. `split_multibyte` writes each message that has a
        non-ASCII character in two parts, cut inside the first multi-byte character, with
        `split_pause` seconds between them so that the client reads them separately.
        """
        self.username = username
        self.secret = secret
        self.pace = pace
        self.hold_at = hold_at
        self.timestamp_origin = timestamp_origin
        self.timestamp_step = timestamp_step
        self.split_multibyte = split_multibyte
        self.split_pause = split_pause
        self.answer_ping = answer_ping
        self.originate_plan = originate_plan or OriginatePlan()
        self.host = ""
        self.port = 0
        self.logins = 0
        self.failed_logins = 0
        self.split_writes = 0
        self.actions: list[dict[str, HeaderValue]] = []
        """Actions received, in arrival order, with lower-cased header names."""

        self._timeline = [dict(event) for event in events]
        self._cursor = 0
        self._state = ReplayState()
        self._sessions: set[_Session] = set()
        self._server: asyncio.Server | None = None
        self._replay_task: asyncio.Task[None] | None = None
        self._wire_lock = asyncio.Lock()
        self._changed = asyncio.Event()

    @property
    def replayed(self) -> int:
        """Timeline events replayed or skipped so far."""
        return self._cursor

    @property
    def timeline_length(self) -> int:
        return len(self._timeline)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on `host:port`; port 0 picks a free port, readable from `port` afterwards.

        A simulator that was stopped can start again and continues its replay where it stopped.
        """
        self._server = await asyncio.start_server(self._serve, host, port)
        self.host = host
        self.port = self._server.sockets[0].getsockname()[1]
        self._replay_task = asyncio.create_task(self._replay(), name="ami-simulator-replay")
        log.info("ami_simulator_started", host=host, port=self.port, events=len(self._timeline),
                 replayed=self._cursor)

    async def stop(self) -> None:
        """Close the listening socket and every client connection; the replay position is kept."""
        if self._replay_task is not None:
            self._replay_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._replay_task
            self._replay_task = None
        server, self._server = self._server, None
        if server is not None:
            server.close()
        self.drop_connections()
        if server is not None:
            await server.wait_closed()
        log.info("ami_simulator_stopped", port=self.port, replayed=self._cursor)

    def drop_connections(self) -> None:
        """Close every client connection, as a network failure or an Asterisk crash would."""
        for session in list(self._sessions):
            session.closed = True
            session.writer.close()
        self._notify()

    async def send_shutdown(self, restart: bool = True) -> None:
        """Send the `Shutdown` event that Asterisk sends before it stops, then close the connections."""
        event = {"Event": "Shutdown", "Privilege": "system,all", "Shutdown": "Cleanly",
                 "Restart": "True" if restart else "False"}
        async with self._wire_lock:
            data = encode_message(header_lines(event))
            for session in self._logged_in_sessions():
                await self._write(session, data)
        self.drop_connections()

    def release(self) -> None:
        """Let a replay held by `hold_at` continue."""
        self.hold_at = None
        self._notify()

    async def skip(self, count: int) -> None:
        """Apply the next `count` events to the live state without sending them.

        They stand for what Asterisk did while no client was connected: a client learns of it
        only through `CoreShowChannels`.
        """
        async with self._wire_lock:
            end = min(len(self._timeline), self._cursor + count)
            for index in range(self._cursor, end):
                self._state.apply(self._timeline[index], self._event_time(index))
            self._cursor = end
        self._notify()

    async def wait_logged_in(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until `count` logins in total have succeeded."""
        await self._wait_until(lambda: self.logins >= count, timeout)

    async def wait_replayed(self, count: int | None = None, timeout: float = 5.0) -> None:
        """Wait until `count` timeline events (default: all) were replayed or skipped."""
        await self._wait_until(lambda: self._cursor >= (len(self._timeline) if count is None else count), timeout)

    async def wait_actions(self, name: str, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until `count` actions called `name` arrived."""
        await self._wait_until(lambda: self.count_actions(name) >= count, timeout)

    def count_actions(self, name: str) -> int:
        return sum(1 for action in self.actions if str(action.get("action", "")).lower() == name.lower())

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float | None = None) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                await self._changed.wait()

    def _notify(self) -> None:
        """Wake every waiter so it checks its condition again."""
        self._changed.set()
        self._changed = asyncio.Event()

    # Connections and actions

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = _Session(writer)
        self._sessions.add(session)
        try:
            async with self._wire_lock:
                await self._write(session, BANNER.encode("ascii"))
            while not session.closed:
                block = await reader.readuntil(MESSAGE_END)
                await self._handle_action(session, parse_message(block[: -len(MESSAGE_END)]))
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            session.closed = True
            self._sessions.discard(session)
            writer.close()
            self._notify()

    async def _handle_action(self, session: _Session, action: dict[str, HeaderValue]) -> None:
        self.actions.append(action)
        self._notify()
        name = str(action.get("action", "")).lower()
        if name == "login":
            await self._login(session, action)
        elif name == "logoff":
            await self._reply(session, action, [("Response", "Goodbye"), ("Message", "Thanks for all the fish.")])
            session.closed = True
        elif not session.logged_in:
            await self._reply(session, action, [("Response", "Error"), ("Message", "Permission denied")])
        elif name == "ping":
            await self._ping(session, action)
        elif name == "coreshowchannels":
            await self._show_channels(session, action)
        elif name == "queuestatus":
            await self._queue_status(session, action)
        elif name == "originate":
            await self._originate(session, action)
        else:
            await self._reply(session, action, [("Response", "Error"), ("Message", "Invalid/unknown command")])

    async def _login(self, session: _Session, action: Mapping[str, HeaderValue]) -> None:
        accepted = action.get("username") == self.username and action.get("secret") == self.secret
        if not accepted:
            self.failed_logins += 1
            await self._reply(session, action, [("Response", "Error"), ("Message", "Authentication failed")])
            self._notify()
            return
        await self._reply(session, action, [("Response", "Success"), ("Message", "Authentication accepted")])
        async with self._wire_lock:
            await self._write(session, encode_message(header_lines(FULLY_BOOTED)))
        session.logged_in = True
        self.logins += 1
        self._notify()

    async def _ping(self, session: _Session, action: Mapping[str, HeaderValue]) -> None:
        if not self.answer_ping:
            return
        await self._reply(session, action, [("Response", "Success"), ("Ping", "Pong"),
                                            ("Timestamp", f"{self._now():.6f}")])

    async def _show_channels(self, session: _Session, action: Mapping[str, HeaderValue]) -> None:
        async with self._wire_lock:
            now = self._now()
            items = self._state.channel_list(now)
            await self._write_list(session, action, "Channels will follow", "CoreShowChannel",
                                   items, "CoreShowChannelsComplete", now)

    async def _queue_status(self, session: _Session, action: Mapping[str, HeaderValue]) -> None:
        async with self._wire_lock:
            now = self._now()
            await self._write_list(session, action, "Queue status will follow", "QueueEntry",
                                   self._state.queue_entries(), "QueueStatusComplete", now)

    async def _originate(self, session: _Session, action: Mapping[str, HeaderValue]) -> None:
        plan = self.originate_plan
        await self._reply(session, action, [("Response", "Success"), ("Message", "Originate successfully queued")])
        script = _rebind_first_uniqueid(plan.script, action.get("channelid"))
        entries = list(script)
        if plan.respond_after is not None:
            position = min(plan.respond_after, len(entries))
            entries.insert(position, _originate_response(action, plan, script))
        self._timeline.extend(entries)
        self._notify()

    # Writing

    async def _reply(self, session: _Session, action: Mapping[str, HeaderValue], lines: list[Header]) -> None:
        """Write a response with the action's `ActionID` after the `Response` line."""
        async with self._wire_lock:
            await self._write(session, encode_message(_with_action_id(lines, action)))

    async def _write_list(self, session: _Session, action: Mapping[str, HeaderValue], message: str,
                          item_event: str, items: list[dict[str, str]], complete_event: str, now: float) -> None:
        """Write a list response: the start reply, one event per item, then the completion event."""
        start = [("Response", "Success"), ("EventList", "start"), ("Message", message)]
        await self._write(session, encode_message(_with_action_id(start, action)))
        for item in items:
            lines = self._stamped([("Event", item_event)] + header_lines(item), now)
            await self._write(session, encode_message(_with_action_id(lines, action)))
        complete = [("Event", complete_event), ("EventList", "Complete"), ("ListItems", str(len(items)))]
        await self._write(session, encode_message(_with_action_id(self._stamped(complete, now), action)))

    async def _write(self, session: _Session, data: bytes) -> None:
        """Write one message. Callers acquire `_wire_lock` first, so messages never interleave."""
        if session.closed:
            return
        try:
            cut = _multibyte_cut(data) if self.split_multibyte else None
            if cut is not None:
                session.writer.write(data[:cut])
                await session.writer.drain()
                self.split_writes += 1
                await asyncio.sleep(self.split_pause)
                data = data[cut:]
            session.writer.write(data)
            await session.writer.drain()
        except ConnectionError:
            session.closed = True

    # Replay

    async def _replay(self) -> None:
        while True:
            await self._wait_until(self._can_replay)
            await self._replay_next()
            if self.pace > 0:
                await asyncio.sleep(self.pace)

    def _can_replay(self) -> bool:
        held = self.hold_at is not None and self._cursor >= self.hold_at
        return self._cursor < len(self._timeline) and not held and bool(self._logged_in_sessions())

    async def _replay_next(self) -> None:
        async with self._wire_lock:
            index = self._cursor
            event = self._timeline[index]
            at = self._event_time(index)
            self._state.apply(event, at)
            data = encode_message(self._stamped(capture_header_lines(event), at))
            for session in self._logged_in_sessions():
                await self._write(session, data)
            self._cursor = index + 1
        self._notify()

    def _logged_in_sessions(self) -> list[_Session]:
        return [session for session in self._sessions if session.logged_in and not session.closed]

    def _event_time(self, index: int) -> float:
        if self.timestamp_origin is None:
            return time.time()
        return self.timestamp_origin + index * self.timestamp_step

    def _now(self) -> float:
        """Return the simulated current time: the time of the next timeline event when timestamps are on."""
        return self._event_time(self._cursor)

    def _stamped(self, lines: list[Header], at: float) -> list[Header]:
        """Add the `Timestamp` header after `Event` and `Privilege`, as Asterisk's timestampevents does."""
        if self.timestamp_origin is None:
            return lines
        position = 2 if len(lines) > 1 and lines[1][0] == "Privilege" else 1
        return lines[:position] + [("Timestamp", f"{at:.6f}")] + lines[position:]


def _with_action_id(lines: list[Header], action: Mapping[str, HeaderValue]) -> list[Header]:
    action_id = action.get("actionid")
    if not isinstance(action_id, str):
        return lines
    return lines[:1] + [("ActionID", action_id)] + lines[1:]


def _multibyte_cut(data: bytes) -> int | None:
    """Return the offset just after the lead byte of the first multi-byte UTF-8 character."""
    for index, byte in enumerate(data):
        if byte >= 0xC0:
            return index + 1
    return None


def _rebind_first_uniqueid(script: list[dict[str, Any]], channel_id: HeaderValue | None) -> list[dict[str, Any]]:
    """Give the script's first channel the `ChannelId` of the Originate, as Asterisk 12+ does.

    The first channel's Uniqueid is also the Linkedid of the whole call, so every header
    holding that value is rewritten.
    """
    old = next((event.get("Uniqueid") for event in script if event.get("Event") == "Newchannel"), None)
    if not isinstance(channel_id, str) or not channel_id or old is None:
        return [dict(event) for event in script]
    return [{key: channel_id if value == old else value for key, value in event.items()} for event in script]


def _originate_response(action: Mapping[str, HeaderValue], plan: OriginatePlan,
                        script: list[dict[str, Any]]) -> dict[str, Any]:
    first = next((event.get("Uniqueid") for event in script if event.get("Event") == "Newchannel"), None)
    event: dict[str, Any] = {"Event": "OriginateResponse", "Privilege": "call,all"}
    if isinstance(action.get("actionid"), str):
        event["ActionID"] = action["actionid"]
    event.update({"Response": plan.response, "Channel": action.get("channel", ""),
                  "Context": action.get("context", ""), "Exten": action.get("exten", ""),
                  "Reason": str(plan.reason), "Uniqueid": first or action.get("channelid") or "<null>",
                  "CallerIDNum": "<unknown>", "CallerIDName": "<unknown>"})
    return event


# Command line: domovoy ami-replay --listen HOST:PORT FILE...

def main(argv: Sequence[str]) -> int:
    """Run `domovoy ami-replay`; `argv` contains the arguments after the command name."""
    args = _parser().parse_args(list(argv))
    try:
        events = [event for path in args.files for event in load_capture(path)]
    except CaptureError as error:
        print(error, file=sys.stderr)
        return 2
    simulator = AmiSimulator(events, username=args.username, secret=args.secret, pace=args.pace)
    host, port = args.listen
    try:
        asyncio.run(_serve_forever(simulator, host, port))
    except KeyboardInterrupt:
        return 0
    except OSError as error:
        print(f"Cannot listen on {host}:{port}: {error}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="domovoy ami-replay",
        description="Serve an Asterisk Manager Interface simulator that replays captured AMI events, "
                    "in file order, once a client has logged in.")
    parser.add_argument("--listen", required=True, type=_listen_address, metavar="HOST:PORT",
                        help="address to listen on, for example 127.0.0.1:5038 or [::1]:5038")
    parser.add_argument("--username", default="domovoy", help="AMI user name that Login accepts (default: domovoy)")
    parser.add_argument("--secret", default="domovoy", help="AMI secret that Login accepts (default: domovoy)")
    parser.add_argument("--pace", type=float, default=0.0, metavar="SECONDS",
                        help="delay between replayed events in seconds; 0 replays at once (default: 0)")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help="capture: a JSON list of AMI events, as in data/ami/")
    return parser


def _listen_address(text: str) -> tuple[str, int]:
    host, separator, port_text = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not separator or not host or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise argparse.ArgumentTypeError(f"invalid address {text!r}: expected HOST:PORT, for example 127.0.0.1:5038")
    return host, int(port_text)


async def _serve_forever(simulator: AmiSimulator, host: str, port: int) -> None:
    await simulator.start(host, port)
    print(f"AMI simulator listening on {simulator.host}:{simulator.port}, "
          f"{simulator.timeline_length} events to replay; press Ctrl+C to stop.", file=sys.stderr)
    await asyncio.get_running_loop().create_future()
