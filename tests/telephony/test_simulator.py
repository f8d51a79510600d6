"""The AMI simulator over a raw TCP socket: banner, login, actions, lists, and the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from backend.telephony.simulator import AmiSimulator, CaptureError, _listen_address, load_capture, main
from backend.telephony.wire import MESSAGE_END, HeaderValue, parse_message
from tests.telephony.conftest import SECRET, USERNAME, capture, simulator


class RawClient:
    """A bare AMI client: writes actions and reads messages with lower-cased header names."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, banner: bytes) -> None:
        self.reader = reader
        self.writer = writer
        self.banner = banner

    @classmethod
    async def connect(cls, port: int) -> RawClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        banner = await reader.readline()
        return cls(reader, writer, banner)

    async def send(self, **headers: str) -> None:
        self.writer.write("".join(f"{key}: {value}\r\n" for key, value in headers.items()).encode() + b"\r\n")
        await self.writer.drain()

    async def read(self) -> dict[str, HeaderValue]:
        block = await asyncio.wait_for(self.reader.readuntil(MESSAGE_END), timeout=5)
        return parse_message(block[: -len(MESSAGE_END)])

    async def login(self) -> None:
        await self.send(Action="Login", Username=USERNAME, Secret=SECRET, ActionID="login-1")
        assert (await self.read())["response"] == "Success"
        assert (await self.read())["event"] == "FullyBooted"

    def close(self) -> None:
        self.writer.close()


@pytest.fixture
async def running() -> AsyncIterator[AmiSimulator]:
    sim = simulator(capture("simple/ab_success_a_hangup"), hold_at=25)
    await sim.start()
    yield sim
    await sim.stop()


async def test_banner_names_manager_version(running: AmiSimulator) -> None:
    client = await RawClient.connect(running.port)

    assert client.banner == b"Asterisk Call Manager/5.0.1\r\n"
    client.close()


async def test_wrong_secret_is_rejected(running: AmiSimulator) -> None:
    client = await RawClient.connect(running.port)

    await client.send(Action="Login", Username=USERNAME, Secret="wrong", ActionID="a1")
    reply = await client.read()

    assert reply == {"response": "Error", "actionid": "a1", "message": "Authentication failed"}
    assert running.failed_logins == 1
    client.close()


async def test_actions_before_login_are_denied(running: AmiSimulator) -> None:
    client = await RawClient.connect(running.port)

    await client.send(Action="Ping", ActionID="p1")
    reply = await client.read()

    assert reply == {"response": "Error", "actionid": "p1", "message": "Permission denied"}
    client.close()


async def test_ping_echoes_action_id(running: AmiSimulator) -> None:
    client = await RawClient.connect(running.port)
    await client.login()
    await running.wait_replayed(25)

    await client.send(action="ping", actionid="p2")
    replies = [await client.read() for _ in range(26)]

    pong = replies[-1]
    assert (pong["response"], pong["actionid"], pong["ping"]) == ("Success", "p2", "Pong")
    assert "timestamp" in pong
    assert [reply.get("event") for reply in replies[:25]] == [event["Event"] for event in
                                                               capture("simple/ab_success_a_hangup")[:25]]
    client.close()


async def test_core_show_channels_lists_live_channels(running: AmiSimulator) -> None:
    client = await RawClient.connect(running.port)
    await client.login()
    await running.wait_replayed(25)
    for _ in range(25):
        await client.read()

    await client.send(Action="CoreShowChannels", ActionID="c1")
    replies = [await client.read() for _ in range(6)]

    assert (replies[0]["response"], replies[0]["eventlist"]) == ("Success", "start")
    listed = replies[1:5]
    assert {item["event"] for item in listed} == {"CoreShowChannel"}
    assert {item["actionid"] for item in listed} == {"c1"}
    assert {item["channel"] for item in listed} == {
        "SIP/150010001-00000004", "SIP/150010002-00000005",
        "Local/ID730151@osvpi_route_phoneaccount-00000002;1", "Local/ID730151@osvpi_route_phoneaccount-00000002;2"}
    assert (replies[5]["event"], replies[5]["listitems"], replies[5]["actionid"]) == (
        "CoreShowChannelsComplete", "4", "c1")
    client.close()


async def test_queue_status_lists_waiting_callers() -> None:
    join = {"Event": "QueueCallerJoin", "Privilege": "agent,all", "Queue": "dispatch", "Position": "1",
            "Channel": "PJSIP/mts-trunk-00000001", "Uniqueid": "pbx-1.1", "CallerIDNum": "89161234567"}
    sim = simulator([{"Event": "Newchannel", "Privilege": "call,all", "Channel": "PJSIP/mts-trunk-00000001",
                      "Uniqueid": "pbx-1.1", "Linkedid": "pbx-1.1"}, join])
    await sim.start()
    client = await RawClient.connect(sim.port)
    await client.login()
    await sim.wait_replayed()
    await client.read()
    await client.read()

    await client.send(Action="QueueStatus", ActionID="q1")
    replies = [await client.read() for _ in range(3)]
    client.close()
    await sim.stop()

    assert replies[0]["message"] == "Queue status will follow"
    assert (replies[1]["event"], replies[1]["queue"], replies[1]["calleridnum"]) == (
        "QueueEntry", "dispatch", "89161234567")
    assert (replies[2]["event"], replies[2]["listitems"]) == ("QueueStatusComplete", "1")


async def test_logoff_says_goodbye_and_closes(running: AmiSimulator) -> None:
    client = await RawClient.connect(running.port)

    await client.send(Action="Logoff", ActionID="bye")
    reply = await client.read()
    rest = await asyncio.wait_for(client.reader.read(), timeout=5)

    assert (reply["response"], reply["actionid"]) == ("Goodbye", "bye")
    assert rest == b""
    client.close()


def test_listen_address_parsing() -> None:
    assert _listen_address("127.0.0.1:5038") == ("127.0.0.1", 5038)
    assert _listen_address("[::1]:5038") == ("::1", 5038)
    with pytest.raises(argparse.ArgumentTypeError):
        _listen_address("localhost")
    with pytest.raises(argparse.ArgumentTypeError):
        _listen_address("localhost:70000")


def test_cli_rejects_missing_listen(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["data/ami/simple/ab_reject.json"])

    assert raised.value.code == 2
    assert "--listen" in capsys.readouterr().err


def test_cli_reports_unreadable_capture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"Event": "Newchannel"}), encoding="utf-8")

    code = main(["--listen", "127.0.0.1:0", str(broken)])

    assert code == 2
    assert "expected a JSON list of events" in capsys.readouterr().err


def test_load_capture_rejects_event_without_name(tmp_path: Path) -> None:
    path = tmp_path / "capture.json"
    path.write_text(json.dumps([{"Event": "Newchannel"}, {"Channel": "SIP/1-1"}]), encoding="utf-8")

    with pytest.raises(CaptureError, match="item 1 is not an AMI event"):
        load_capture(path)
