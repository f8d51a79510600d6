"""The AMI client against the simulator: decoding, keep-alive, reconnect, resync and Originate."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
import pytest
import structlog
from panoramisk.ami_protocol import AMIProtocol

from backend.domain.errors import DomainError
from backend.telephony.ami import (
    AmiClient,
    AmiNotConnected,
    AmiTiming,
    OriginateRequest,
    check_originate_request,
    retry_delay,
)
from backend.telephony.ami_protocol import AmiConnection, Utf8AMIProtocol
from backend.telephony.simulator import OriginatePlan
from tests.telephony.conftest import FAST, SECRET, USERNAME, PipelineFactory, at, capture, simulator
from tests.telephony.test_capture_records import CASES

CYRILLIC_NAME = "Иванова Мария Петровна"
CLICK_TO_DIAL = OriginateRequest(channel="SIP/150010001", exten="+31260010001", context="osvpi_world")


class _Transport:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


class _PlainFactory:
    """What panoramisk's protocol needs from its factory, collecting dispatched events."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def dispatch(self, message: Any) -> None:
        self.events.append(dict(message.items()))

    def connection_lost(self, exc: object) -> None:
        pass


def _split_inside_first_cyrillic_letter(name: str) -> tuple[bytes, bytes]:
    data = f"Event: NewCallerid\r\nCallerIDName: {name}\r\n\r\n".encode()
    cut = data.index(name.encode()) + 1
    return data[:cut], data[cut:]


def test_panoramisk_drops_letter_split_between_reads() -> None:
    first, second = _split_inside_first_cyrillic_letter(CYRILLIC_NAME)
    factory = _PlainFactory()
    protocol = AMIProtocol()
    protocol.connection_made(_Transport())
    protocol.factory = factory
    protocol.encoding = "utf-8"

    protocol.data_received(first)
    protocol.data_received(second)

    assert factory.events[0]["CallerIDName"] == CYRILLIC_NAME[1:]


async def test_utf8_protocol_keeps_split_letter() -> None:
    first, second = _split_inside_first_cyrillic_letter(CYRILLIC_NAME)
    events: list[dict[str, Any]] = []
    protocol = Utf8AMIProtocol(AmiConnection(events.append, lambda snapshot: None))
    protocol.connection_made(_Transport())

    protocol.data_received(first)
    protocol.data_received(second)

    assert events[0]["CallerIDName"] == CYRILLIC_NAME


async def test_cyrillic_name_split_on_wire(make_pipeline: PipelineFactory) -> None:
    events = [{key: CYRILLIC_NAME if value == "Andrew Garza" else value for key, value in event.items()}
              for event in capture("simple/ab_success_a_hangup")]
    sim = simulator(events, split_multibyte=True, split_pause=0.02)
    pipeline = await make_pipeline(sim)

    await pipeline.settle()

    assert sim.split_writes > 0
    assert [record.caller_name for record in pipeline.records] == [CYRILLIC_NAME]
    assert [ring.caller_name for ring in pipeline.rings] == [CYRILLIC_NAME]
    replayed = [{key: value for key, value in event.items() if key != "Timestamp"} for event in pipeline.events[1:]]
    assert replayed == events


async def test_events_arrive_as_plain_dicts(make_pipeline: PipelineFactory) -> None:
    varset = {"Event": "VarSet", "Privilege": "dialplan,all", "Channel": "PJSIP/201-00000001",
              "ChanVariable": ["FROM_DID=84951234567", "SIPCALLID=abc@10.0.0.1"], "Uniqueid": "1700000000.1",
              "Linkedid": "1700000000.1", "Variable": "MIXMONITOR_FILENAME", "Value": "/rec/1.wav", "content": ""}
    pipeline = await make_pipeline(simulator([varset]))

    await pipeline.settle()

    assert pipeline.events[0]["Event"] == "FullyBooted"
    assert pipeline.events[1] == {**varset, "Timestamp": f"{at(0).timestamp():.6f}"}


async def test_reconnect_mid_call_resyncs_without_duplicates(make_pipeline: PipelineFactory) -> None:
    name = "simple/ab_success_a_hangup"
    sim = simulator(capture(name), hold_at=25)
    pipeline = await make_pipeline(sim)
    await sim.wait_replayed(25)
    await pipeline.client.send_action({"Action": "Ping"})
    assert [call.answered_by for call in pipeline.tracker.live_calls()] == ["150010002"]

    await sim.stop()
    await sim.start(port=sim.port)
    await pipeline.client.wait_ready(sessions=2)
    outputs_after_resync = list(pipeline.outputs)
    sim.release()
    await pipeline.settle()

    assert len(pipeline.snapshots) == 2
    assert len(pipeline.snapshots[1].channels) == 4
    assert outputs_after_resync == pipeline.outputs[:len(outputs_after_resync)]
    assert len(pipeline.rings) == 1
    assert pipeline.records == [CASES[name].record]


async def test_call_ended_while_disconnected_finishes_once(make_pipeline: PipelineFactory) -> None:
    name = "simple/ab_success_a_hangup"
    events = capture(name)
    sim = simulator(events, hold_at=25)
    pipeline = await make_pipeline(sim)
    await sim.wait_replayed(25)
    await pipeline.client.send_action({"Action": "Ping"})

    await sim.stop()
    await sim.skip(len(events))
    await sim.start(port=sim.port)
    await pipeline.client.wait_ready(sessions=2)
    await pipeline.settle()

    # The snapshot is taken after the last event, at the time of the next timeline slot (47).
    expected = msgspec.structs.replace(CASES[name].record, ended_at=at(len(events)), duration_seconds=45)
    assert pipeline.records == [expected]
    assert pipeline.tracker.live_calls() == []


async def test_missing_pong_forces_reconnect(make_pipeline: PipelineFactory) -> None:
    timing = msgspec.structs.replace(FAST, ping_interval=0.05, ping_timeout=0.05)
    sim = simulator(answer_ping=False)

    with structlog.testing.capture_logs() as logs:
        pipeline = await make_pipeline(sim, timing=timing)
        await pipeline.client.wait_ready(sessions=2)

    assert sim.logins >= 2
    assert "ami_ping_timeout" in [entry["event"] for entry in logs]


async def test_shutdown_event_forces_reconnect(make_pipeline: PipelineFactory) -> None:
    sim = simulator()
    pipeline = await make_pipeline(sim)

    await sim.send_shutdown()
    await pipeline.client.wait_ready(sessions=2)

    assert "Shutdown" in [event["Event"] for event in pipeline.events]
    assert sim.logins == 2


async def test_originate_not_resent_after_reconnect(make_pipeline: PipelineFactory) -> None:
    sim = simulator(originate_plan=OriginatePlan(respond_after=None))
    pipeline = await make_pipeline(sim)

    ticket = pipeline.client.originate(CLICK_TO_DIAL)
    await sim.wait_actions("Originate")
    sim.drop_connections()
    result = await asyncio.wait_for(ticket.result, timeout=5)
    await pipeline.client.wait_ready(sessions=2)
    await pipeline.client.send_action({"Action": "Ping"})

    assert result.outcome == "unknown"
    assert pipeline.originate_results == [result]
    # The second session got FullyBooted, on which panoramisk's Manager would re-send the action.
    assert [event["Event"] for event in pipeline.events].count("FullyBooted") == 2
    assert sim.count_actions("Originate") == 1


async def test_originate_answer_links_call_record(make_pipeline: PipelineFactory) -> None:
    # The agent's leg is answered at capture event 51; Asterisk reports the Originate then.
    plan = OriginatePlan(script=capture("originate/ctd-account-world"), respond_after=52)
    pipeline = await make_pipeline(simulator(originate_plan=plan))

    ticket = pipeline.client.originate(CLICK_TO_DIAL)
    pipeline.tracker.expect_originate(ticket.action_id, ticket.channel_id)
    result = await asyncio.wait_for(ticket.result, timeout=5)
    await pipeline.settle()

    assert (result.outcome, result.reason, result.uniqueid) == ("answered", 4, ticket.channel_id)
    assert pipeline.originate_results == [result]
    [record] = pipeline.records
    assert (record.linkedid, record.originate_action_id) == (ticket.channel_id, ticket.action_id)
    assert (record.direction, record.outcome, record.called_number) == ("outbound", "answered", "+31260010001")


async def test_originate_rejected_by_agent_phone(make_pipeline: PipelineFactory) -> None:
    script = capture("originate/ctd-account-world-deny-a")
    plan = OriginatePlan(script=script, response="Failure", reason=5, respond_after=len(script) - 1)
    pipeline = await make_pipeline(simulator(originate_plan=plan))

    ticket = pipeline.client.originate(CLICK_TO_DIAL)
    result = await asyncio.wait_for(ticket.result, timeout=5)
    await pipeline.settle()

    assert (result.outcome, result.reason) == ("busy", 5)
    [record] = pipeline.records
    # Linked through the OriginateResponse's Uniqueid, as expect_originate was not called.
    assert (record.originate_action_id, record.outcome) == (ticket.action_id, "failed")


async def test_rejected_login_backs_off_exponentially(make_pipeline: PipelineFactory) -> None:
    timing = msgspec.structs.replace(FAST, retry_initial=0.01, retry_factor=2.0, retry_max=0.04)
    sim = simulator()

    with structlog.testing.capture_logs() as logs:
        pipeline = await make_pipeline(sim, wait=False, timing=timing, secret="wrong")
        await sim.wait_actions("Login", count=5)

    retries = [(entry["attempt"], entry["delay"]) for entry in logs if entry["event"] == "ami_retry"]
    assert retries[:4] == [(1, 0.01), (2, 0.02), (3, 0.04), (4, 0.04)]
    assert "ami_login_rejected" in [entry["event"] for entry in logs]
    assert sim.logins == 0
    assert not pipeline.client.connected


async def test_failing_callback_keeps_session(make_pipeline: PipelineFactory) -> None:
    sim = simulator(capture("simple/ab_a_cancel"))
    await sim.start()
    client = AmiClient("127.0.0.1", sim.port, USERNAME, SECRET, on_event=_explode, timing=FAST)

    with structlog.testing.capture_logs() as logs:
        await client.start()
        await client.wait_ready()
        await sim.wait_replayed()
        reply = await client.send_action({"Action": "Ping"})
    await client.stop()
    await sim.stop()

    assert reply.get("Ping") == "Pong"
    assert [entry["event"] for entry in logs].count("ami_callback_failed") == 1 + len(capture("simple/ab_a_cancel"))


def _explode(event: dict[str, Any]) -> None:
    raise RuntimeError(f"callback failed on {event['Event']}")


async def test_originate_without_session_is_rejected() -> None:
    client = AmiClient("127.0.0.1", 1, USERNAME, SECRET)

    with pytest.raises(AmiNotConnected) as raised:
        client.originate(CLICK_TO_DIAL)

    assert raised.value.code == "ami_not_connected"
    assert raised.value.status_code == 503


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"exten": " "}, "originate_number_missing", "exten"),
    ({"channel": ""}, "originate_channel_missing", "channel"),
    ({"exten": "101\r\nAction: Hangup"}, "originate_value_invalid", "exten"),
    ({"variables": {"CRM": "x\ny"}}, "originate_value_invalid", "variables.CRM"),
    ({"timeout_seconds": 0}, "originate_timeout_invalid", "timeout_seconds"),
])
def test_originate_request_checks(changes: dict[str, Any], code: str, field: str) -> None:
    request = msgspec.structs.replace(CLICK_TO_DIAL, **changes)

    with pytest.raises(DomainError) as raised:
        check_originate_request(request)

    assert (raised.value.code, raised.value.field) == (code, field)


def test_retry_delay_doubles_up_to_cap() -> None:
    timing = AmiTiming(retry_initial=1.0, retry_factor=2.0, retry_max=60.0)

    delays = [retry_delay(attempt, timing) for attempt in range(1, 9)]

    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]


async def test_action_with_line_break_is_not_sent(make_pipeline: PipelineFactory) -> None:
    sim = simulator()
    pipeline = await make_pipeline(sim)

    with pytest.raises(ValueError, match="line break"):
        await pipeline.client.send_action({"Action": "Hangup", "Channel": "PJSIP/201\r\nAction: Logoff"})
    await pipeline.client.send_action({"Action": "Ping"})

    assert sim.count_actions("Hangup") == 0
    assert sim.count_actions("Logoff") == 0
