"""The demo's sample calls pop the demo clients' cards on the demo dispatchers' phones."""

from __future__ import annotations

from backend.telephony.demo_calls import SCENARIOS, demo_client_number, demo_timeline, rename_call
from backend.telephony.simulator import AmiSimulator
from tests.calls.conftest import TelephonyFactory, outbox_events, stored_calls
from tests.factories import make_client
from tests.telephony.conftest import SECRET, USERNAME, capture


def test_renamed_call_has_fresh_ids_and_caller() -> None:
    events = rename_call(capture("queue/queue_simple"), prefix="demo7x", caller="89990000001", agent="150010001")

    linkedids = {event["Linkedid"] for event in events if "Linkedid" in event}
    assert linkedids == {"demo7x195176c06ab8-1529939196.518"}
    assert "89990000001" in {event.get("CallerIDNum") for event in events}
    assert "+31150010001" not in {value for event in events for value in event.values()}
    assert not any("150010002" in str(value) for event in events for value in event.values())


def test_demo_timeline_repeats_scenarios() -> None:
    one_round = demo_timeline(rounds=len(SCENARIOS))
    two_rounds = demo_timeline(rounds=2 * len(SCENARIOS))

    first_ids = {event["Linkedid"] for event in one_round if "Linkedid" in event}
    all_ids = {event["Linkedid"] for event in two_rounds if "Linkedid" in event}
    assert len(all_ids) == 2 * len(first_ids)


async def test_demo_round_pops_demo_client(start_telephony: TelephonyFactory, db, factory, session_factory) -> None:
    clients = [await make_client(db, phone=f"+7{demo_client_number(number)[1:]}") for number in (1, 2, 3)]
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="150010001")
    simulator = AmiSimulator(demo_timeline(rounds=4), username=USERNAME, secret=SECRET)

    telephony = await start_telephony(simulator)
    await telephony.settle()

    pops = await outbox_events(session_factory, "call.ringing")
    mine = [pop for pop in pops if pop.user_id == dispatcher.id]
    assert [pop.data["clients"][0]["id"] for pop in mine] == [clients[0].id, clients[2].id]
    outcomes = [call.outcome for call in await stored_calls(session_factory)]
    assert outcomes == ["answered", "answered", "abandoned", "missed"]
