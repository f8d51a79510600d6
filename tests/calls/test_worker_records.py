"""Every capture, replayed to the worker's telephony job, is stored as exactly one right call row."""

from __future__ import annotations

import msgspec
import pytest

from backend.domain.calls.actions import do_ring
from backend.domain.calls.models import Call
from backend.telephony.records import CallRecord, Ringing
from tests.calls.conftest import TelephonyFactory, outbox_events, stored_calls
from tests.telephony.conftest import at, capture, simulator
from tests.telephony.test_capture_records import CASES


def stored_record(call: Call) -> CallRecord:
    """The call row read back as the tracker's record."""
    return CallRecord(
        linkedid=call.linkedid, direction=call.direction, caller_number=call.caller_number,
        caller_name=call.caller_name, called_number=call.called_number, queue=call.queue,
        rang_extensions=list(call.rang_extensions), answered_by=call.answered_extension,
        started_at=call.started_at, answered_at=call.answered_at, ended_at=call.ended_at,
        duration_seconds=call.duration_seconds, outcome=call.outcome, recording=call.recording,
        originate_action_id=call.originate_action_id)


@pytest.mark.parametrize("name", sorted(CASES))
async def test_capture_stored_as_one_call(start_telephony: TelephonyFactory, session_factory, name: str) -> None:
    telephony = await start_telephony(simulator(capture(name)))

    await telephony.settle()

    [call] = await stored_calls(session_factory)
    assert stored_record(call) == CASES[name].record


@pytest.mark.parametrize("name", sorted(CASES))
async def test_duplicated_events_store_one_call(start_telephony: TelephonyFactory, session_factory,
                                                name: str) -> None:
    doubled = [event for event in capture(name) for _ in range(2)]
    telephony = await start_telephony(simulator(doubled))

    await telephony.settle()

    [call] = await stored_calls(session_factory)
    assert call.linkedid == CASES[name].record.linkedid
    assert call.outcome == CASES[name].record.outcome


async def test_capture_replayed_twice_stores_once(start_telephony: TelephonyFactory, session_factory) -> None:
    name = "queue/queue_a_cancel"
    first = await start_telephony(simulator(capture(name)))
    await first.settle()
    await first.stop()

    second = await start_telephony(simulator(capture(name)))
    await second.settle()

    [call] = await stored_calls(session_factory)
    assert stored_record(call) == CASES[name].record
    assert len(await outbox_events(session_factory, "call.logged")) == 1
    [opened] = await outbox_events(session_factory, "callback.changed")
    assert opened.data["status"] == "open"


async def test_ringing_call_row_completed_on_finish(start_telephony: TelephonyFactory, session_factory) -> None:
    name = "queue/queue_simple"
    sim = simulator(capture(name), hold_at=40)
    telephony = await start_telephony(sim)
    await sim.wait_replayed(40)
    await telephony.job.client.send_action({"Action": "Ping"})
    await telephony.job.desk.drain()

    [live] = await stored_calls(session_factory)
    assert (live.linkedid, live.ended_at, live.outcome) == (CASES[name].record.linkedid, None, None)
    assert live.rang_extensions == ["150010002", "150010003"]

    sim.release()
    await telephony.settle()

    [call] = await stored_calls(session_factory)
    assert call.id == live.id
    assert stored_record(call) == CASES[name].record


async def test_reconnect_mid_call_stores_once(start_telephony: TelephonyFactory, session_factory) -> None:
    name = "simple/ab_success_a_hangup"
    sim = simulator(capture(name), hold_at=25)
    telephony = await start_telephony(sim)
    await sim.wait_replayed(25)
    await telephony.job.client.send_action({"Action": "Ping"})

    await sim.stop()
    await sim.start(port=sim.port)
    await telephony.job.client.wait_ready(sessions=2)
    sim.release()
    await telephony.settle()

    [call] = await stored_calls(session_factory)
    assert stored_record(call) == CASES[name].record
    assert len(await outbox_events(session_factory, "call.logged")) == 1


async def test_call_ended_while_disconnected_stored(start_telephony: TelephonyFactory, session_factory) -> None:
    name = "simple/ab_success_a_hangup"
    events = capture(name)
    sim = simulator(events, hold_at=25)
    telephony = await start_telephony(sim)
    await sim.wait_replayed(25)
    await telephony.job.client.send_action({"Action": "Ping"})

    await sim.stop()
    await sim.skip(len(events))
    await sim.start(port=sim.port)
    await telephony.job.client.wait_ready(sessions=2)
    await telephony.settle()

    [call] = await stored_calls(session_factory)
    # Resync ends the call at the snapshot, taken at the time of the next timeline slot.
    expected = msgspec.structs.replace(CASES[name].record, ended_at=at(len(events)), duration_seconds=45)
    assert stored_record(call) == expected


async def test_call_vanished_while_away_is_ended(start_telephony: TelephonyFactory, db, session_factory) -> None:
    await do_ring(db, Ringing(linkedid="gone-1700000000.1", extension="201", caller_number="+79123456789",
                              caller_name=None, queue=None, at=at(0)))
    await db.commit()

    telephony = await start_telephony(simulator())
    await telephony.settle()

    [call] = await stored_calls(session_factory)
    assert call.ended_at is not None
    assert (call.outcome, call.duration_seconds) == (None, None)
    assert await outbox_events(session_factory, "callback.changed") == []
