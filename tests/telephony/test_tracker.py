"""CallTracker fed directly: resync seeding, queues, recordings, originate links, clock, extension rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backend.telephony.channels import default_is_extension, parse_channel_name
from backend.telephony.records import CallFinished, Ringing, TrackerOutput
from backend.telephony.tracker import CallTracker
from tests.telephony.conftest import capture

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
LINKEDID = "pbx-1709294400.10"
TRUNK = {"Channel": "PJSIP/mts-trunk-00000010", "Uniqueid": LINKEDID, "Linkedid": LINKEDID,
         "CallerIDNum": "89161234567", "CallerIDName": "<unknown>", "Exten": "84951112233"}
AGENT = {"Channel": "PJSIP/101-00000011", "Uniqueid": "pbx-1709294401.11", "Linkedid": LINKEDID,
         "CallerIDNum": "101", "CallerIDName": "Диспетчер", "Exten": "s"}


def event(name: str, channel: dict[str, str], second: int, **headers: str) -> dict[str, Any]:
    stamp = (NOW + timedelta(seconds=second)).timestamp()
    return {"Event": name, "Timestamp": f"{stamp:.6f}", **channel, **headers}


def dial(name: str, caller: dict[str, str], dest: dict[str, str], second: int, **headers: str) -> dict[str, Any]:
    return event(name, caller, second, **{f"Dest{key}": value for key, value in dest.items()}, **headers)


def feed_all(tracker: CallTracker, events: list[dict[str, Any]]) -> list[TrackerOutput]:
    return [output for item in events for output in tracker.feed(item)]


def finished(outputs: list[TrackerOutput]) -> list[Any]:
    return [output.record for output in outputs if isinstance(output, CallFinished)]


def queue_call() -> list[dict[str, Any]]:
    """An app_queue call: the agent is rung through AgentCalled and DialBegin alike, then connects."""
    return [
        event("Newchannel", TRUNK, 0, ChannelStateDesc="Ring"),
        event("QueueCallerJoin", TRUNK, 1, Queue="dispatch", Position="1"),
        event("Newchannel", AGENT, 2, ChannelStateDesc="Down"),
        dial("AgentCalled", TRUNK, AGENT, 2, Queue="dispatch"),
        dial("DialBegin", TRUNK, AGENT, 2),
        event("VarSet", TRUNK, 3, Variable="MIXMONITOR_FILENAME", Value="/var/spool/asterisk/monitor/q.wav"),
        dial("DialEnd", TRUNK, AGENT, 5, DialStatus="ANSWER"),
        dial("AgentConnect", TRUNK, AGENT, 5, Queue="dispatch"),
        event("QueueCallerLeave", TRUNK, 5, Queue="dispatch"),
        event("Hangup", AGENT, 65, Cause="16"),
        event("Hangup", TRUNK, 66, Cause="16"),
    ]


def test_queue_call_pops_card_once() -> None:
    tracker = CallTracker(clock=lambda: NOW)

    outputs = feed_all(tracker, queue_call())

    rings = [output for output in outputs if isinstance(output, Ringing)]
    assert rings == [Ringing(linkedid=LINKEDID, extension="101", caller_number="89161234567", caller_name=None,
                             queue="dispatch", at=NOW + timedelta(seconds=2))]
    [record] = finished(outputs)
    assert (record.direction, record.queue, record.outcome) == ("inbound", "dispatch", "answered")
    assert (record.caller_number, record.called_number) == ("89161234567", "84951112233")
    assert (record.rang_extensions, record.answered_by) == (["101"], "101")
    assert record.answered_at == NOW + timedelta(seconds=5)
    assert record.duration_seconds == 66
    assert record.recording == "/var/spool/asterisk/monitor/q.wav"


def test_snapshot_seeds_fresh_tracker_once() -> None:
    tracker = CallTracker(clock=lambda: NOW)
    snapshot = [
        {"Event": "CoreShowChannel", **TRUNK, "ChannelStateDesc": "Up", "Duration": "00:00:30"},
        {"Event": "CoreShowChannel", **AGENT, "ChannelStateDesc": "Ringing", "Duration": "00:00:05",
         "ConnectedLineNum": "89161234567", "ConnectedLineName": "<unknown>"},
    ]
    stamp = f"{NOW.timestamp():.6f}"

    seeded = tracker.resync(snapshot, timestamp=stamp)
    again = tracker.resync(snapshot, timestamp=stamp)
    rest = feed_all(tracker, [dial("DialEnd", TRUNK, AGENT, 3, DialStatus="ANSWER"),
                              event("Hangup", AGENT, 40, Cause="16"), event("Hangup", TRUNK, 41, Cause="16")])

    assert seeded == [Ringing(linkedid=LINKEDID, extension="101", caller_number="89161234567", caller_name=None,
                              queue=None, at=NOW)]
    assert again == []
    [record] = finished(rest)
    assert record.started_at == NOW - timedelta(seconds=30)
    assert (record.direction, record.answered_by, record.outcome) == ("inbound", "101", "answered")


def test_queue_entry_in_snapshot_names_queue() -> None:
    tracker = CallTracker(clock=lambda: NOW)
    channel = {"Event": "CoreShowChannel", **TRUNK, "ChannelStateDesc": "Up", "Duration": "00:00:12"}
    entry = {"Event": "QueueEntry", "Queue": "dispatch", "Position": "1", "Uniqueid": LINKEDID,
             "Channel": TRUNK["Channel"]}

    tracker.resync([channel], [entry])

    assert [call.queue for call in tracker.live_calls()] == ["dispatch"]


def test_snapshot_without_channel_ends_it() -> None:
    tracker = CallTracker(clock=lambda: NOW)
    feed_all(tracker, queue_call()[:5])

    outputs = tracker.resync([], timestamp=None)

    [record] = finished(outputs)
    assert (record.ended_at, record.outcome, record.queue) == (NOW, "missed", "dispatch")
    assert tracker.resync([], timestamp=None) == []


def test_events_of_finished_call_are_ignored() -> None:
    tracker = CallTracker(clock=lambda: NOW)
    events = queue_call()
    feed_all(tracker, events)

    late = feed_all(tracker, events)

    assert late == []
    assert tracker.live_calls() == []


def test_clock_dates_events_without_timestamp() -> None:
    clock = [NOW]
    tracker = CallTracker(clock=lambda: clock[0])

    outputs = []
    for index, item in enumerate(capture("simple/ab_success_b_hangup")):
        clock[0] = NOW + timedelta(seconds=index)
        outputs.extend(tracker.feed(item))

    [record] = finished(outputs)
    assert (record.started_at, record.answered_at, record.ended_at) == (
        NOW + timedelta(seconds=2), NOW + timedelta(seconds=24), NOW + timedelta(seconds=46))


def test_live_call_lists_ringing_phone() -> None:
    tracker = CallTracker(clock=lambda: NOW)

    feed_all(tracker, capture("simple/ab_a_cancel")[:23])

    [call] = tracker.live_calls()
    assert (call.direction, call.caller_number, call.called_number) == ("internal", "201", "202")
    assert (call.ringing_extensions, call.answered_at) == (["150010002"], None)


def test_expected_originate_marks_call() -> None:
    events = capture("originate/ctd-account-world")
    tracker = CallTracker(clock=lambda: NOW)
    tracker.expect_originate("action-7", "c4061ca6474c-1531990515.302")

    [record] = finished(feed_all(tracker, events))

    assert record.originate_action_id == "action-7"


def test_custom_extension_rule_changes_direction() -> None:
    tracker = CallTracker(clock=lambda: NOW, is_extension=lambda peer: peer in {"150010002", "150010003"})

    [record] = finished(feed_all(tracker, capture("simple/ab_success_a_hangup")))

    # The calling phone 150010001 now counts as a trunk, so the call comes from outside.
    assert record.direction == "inbound"


@pytest.mark.parametrize(("peer", "expected"), [
    ("201", True), ("150010002", True), ("0", True), ("voipgrid-siproute-docker", False),
    ("74951234567", False), ("9161234567", False), ("+79161234567", False), ("", False), ("２０１", False),
])
def test_default_extension_rule(peer: str, expected: bool) -> None:
    assert default_is_extension(peer) is expected


@pytest.mark.parametrize(("name", "technology", "resource", "half"), [
    ("SIP/150010002-00000003", "SIP", "150010002", None),
    ("SIP/voipgrid-siproute-docker-00000009", "SIP", "voipgrid-siproute-docker", None),
    ("PJSIP/201", "PJSIP", "201", None),
    ("Local/201@osvpi_account_call_int_permitted-0000001d;2", "Local", "201@osvpi_account_call_int_permitted", "2"),
    ("DAHDI/1-1", "DAHDI", "1", None),
])
def test_parse_channel_name(name: str, technology: str, resource: str, half: str | None) -> None:
    parsed = parse_channel_name(name)

    assert (parsed.technology, parsed.resource, parsed.local_half) == (technology, resource, half)
