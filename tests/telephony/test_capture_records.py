"""Every real capture, replayed through the simulator and the real client, gives exactly one known record.

Times are indexes into the capture: the simulator stamps event i with `at(i)`. Extensions are
peer names of the phones (`SIP/150010002-…` is extension 150010002); the dialed short numbers
(201, 202, 401) appear as caller and called numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import msgspec
import pytest

from backend.telephony.records import CallRecord
from tests.telephony.conftest import CAPTURES, PipelineFactory, at, capture, simulator

ALICE = ("201", "Andrew Garza")
"""Caller id of the calling phone in the `simple` captures (SIP/150010001, set by the dialplan)."""


@dataclass(frozen=True)
class Ring:
    extension: str
    caller_number: str | None
    caller_name: str | None
    index: int
    queue: str | None = None


@dataclass(frozen=True)
class Case:
    record: CallRecord
    rings: list[Ring]


def internal(linkedid: str, called: str, **fields: object) -> CallRecord:
    return CallRecord(linkedid=linkedid, direction="internal", caller_number=ALICE[0], caller_name=ALICE[1],
                      called_number=called, queue=None, recording=None, **fields)  # type: ignore[arg-type]


CASES = {
    # A calls B (202), B answers; A or B hangs up. One answered internal call.
    "simple/ab_success_a_hangup": Case(
        internal("195176c06ab8-1529936170.42", "202", rang_extensions=["150010002"], answered_by="150010002",
                 started_at=at(2), answered_at=at(24), ended_at=at(46), duration_seconds=44, outcome="answered"),
        [Ring("150010002", *ALICE, 20)]),
    "simple/ab_success_b_hangup": Case(
        internal("195176c06ab8-1529936710.252", "202", rang_extensions=["150010002"], answered_by="150010002",
                 started_at=at(2), answered_at=at(24), ended_at=at(46), duration_seconds=44, outcome="answered"),
        [Ring("150010002", *ALICE, 20)]),
    # A hangs up while B rings (DialStatus CANCEL): a missed call for B.
    "simple/ab_a_cancel": Case(
        internal("195176c06ab8-1529936141.21", "202", rang_extensions=["150010002"], answered_by=None,
                 started_at=at(2), answered_at=None, ended_at=at(28), duration_seconds=26, outcome="missed"),
        [Ring("150010002", *ALICE, 20)]),
    # B rejects: the phone's SIP 486 reaches Asterisk as DialStatus BUSY and Hangup Cause 17 (User busy),
    # the same signals as a busy line, so the outcome is busy, not missed.
    "simple/ab_reject": Case(
        internal("195176c06ab8-1529936241.98", "202", rang_extensions=["150010002"], answered_by=None,
                 started_at=at(2), answered_at=None, ended_at=at(28), duration_seconds=26, outcome="busy"),
        [Ring("150010002", *ALICE, 20)]),
    # Ring group 401 rings two phones; 150010002 answers, 150010003 ends with Cause 26
    # (answered elsewhere): one answered call, nothing missed.
    "simple/ab_callgroup": Case(
        internal("195176c06ab8-1529936598.168", "401", rang_extensions=["150010003", "150010002"],
                 answered_by="150010002", started_at=at(2), answered_at=at(41), ended_at=at(68),
                 duration_seconds=66, outcome="answered"),
        [Ring("150010003", *ALICE, 34), Ring("150010002", *ALICE, 35)]),
    # An outside caller reaches the DID; the dialplan answers the channel but no phone is dialed.
    "simple/a_created_no_answer": Case(
        CallRecord(linkedid="e25ad522d444-1553503669.94", direction="inbound", caller_number="+31150010001",
                   caller_name=None, called_number="+31150010004", queue=None, rang_extensions=[],
                   answered_by=None, started_at=at(0), answered_at=None, ended_at=at(9), duration_seconds=9,
                   outcome="missed", recording=None),
        []),
    # The platform's queue is dialplan-driven and sends no Queue* events here, so the queue is unknown.
    # 150010003 is busy, 150010002 answers.
    "queue/queue_simple": Case(
        CallRecord(linkedid="195176c06ab8-1529939196.518", direction="inbound", caller_number="+31150010001",
                   caller_name=None, called_number="+31150010004", queue=None,
                   rang_extensions=["150010002", "150010003"], answered_by="150010002", started_at=at(2),
                   answered_at=at(45), ended_at=at(66), duration_seconds=64, outcome="answered", recording=None),
        [Ring("150010002", "+31150010001", None, 30), Ring("150010003", "+31150010001", None, 34)]),
    # The caller hangs up while waiting: QueueCallerAbandon names the queue.
    "queue/queue_a_cancel": Case(
        CallRecord(linkedid="40a7a1f2a669-1585318545.326", direction="inbound", caller_number="+31150010001",
                   caller_name=None, called_number="+31150010004", queue="670100-540100",
                   rang_extensions=["150010002"], answered_by=None, started_at=at(1), answered_at=None,
                   ended_at=at(34), duration_seconds=33, outcome="abandoned", recording=None),
        [Ring("150010002", "+31150010001", None, 22)]),
    # Click-to-dial: the agent's phone (150010001, number 201) rings and answers, then the outside
    # number answers (trunk DialEnd ANSWER at 104). Outbound; no card pops on the agent's own phone.
    "originate/ctd-account-world": Case(
        CallRecord(linkedid="c4061ca6474c-1531990515.302", direction="outbound", caller_number="201",
                   caller_name=None, called_number="+31260010001", queue=None, rang_extensions=["150010001"],
                   answered_by="150010001", started_at=at(1), answered_at=at(104), ended_at=at(145),
                   duration_seconds=144, outcome="answered", recording=None),
        []),
    # Click-to-dial rejected on the agent's phone (BUSY): the outside number is never dialed, so it
    # is unknown and the call failed.
    "originate/ctd-account-world-deny-a": Case(
        CallRecord(linkedid="c4061ca6474c-1531990682.554", direction="outbound", caller_number="201",
                   caller_name=None, called_number=None, queue=None, rang_extensions=["150010001"],
                   answered_by=None, started_at=at(1), answered_at=None, ended_at=at(48), duration_seconds=47,
                   outcome="failed", recording=None),
        []),
    # A calls B, B answers, A blind-transfers B to 203 (150010003), who answers. All channels keep
    # one Linkedid, so this is one call: B dialing C after the transfer is neither a new call nor a
    # phantom outbound one. C's phone shows B (202), the party being transferred.
    "xfer_blind/xfer_blind_abacbc": Case(
        internal("07b796be1962-1529998985.130", "202", rang_extensions=["150010002", "150010003"],
                 answered_by="150010002", started_at=at(2), answered_at=at(24), ended_at=at(86),
                 duration_seconds=84, outcome="answered"),
        [Ring("150010002", *ALICE, 20), Ring("150010003", "202", None, 61)]),
}


def test_every_capture_has_a_case() -> None:
    names = {path.relative_to(CAPTURES).with_suffix("").as_posix() for path in CAPTURES.rglob("*.json")}

    assert names == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
async def test_capture_gives_expected_record(make_pipeline: PipelineFactory, name: str) -> None:
    case = CASES[name]
    pipeline = await make_pipeline(simulator(capture(name)))

    await pipeline.settle()

    assert pipeline.records == [case.record]
    rings = [Ring(ring.extension, ring.caller_number, ring.caller_name, _index(ring.at), ring.queue)
             for ring in pipeline.rings]
    assert rings == case.rings
    assert all(ring.linkedid == case.record.linkedid for ring in pipeline.rings)
    assert pipeline.tracker.live_calls() == []


@pytest.mark.parametrize("name", sorted(CASES))
async def test_duplicated_events_change_nothing(make_pipeline: PipelineFactory, name: str) -> None:
    case = CASES[name]
    doubled = [event for event in capture(name) for _ in range(2)]
    pipeline = await make_pipeline(simulator(doubled))

    await pipeline.settle()

    # Event i of the capture is now timeline event 2i, so every time doubles.
    expected = msgspec.structs.replace(
        case.record, started_at=_doubled(case.record.started_at), answered_at=_doubled(case.record.answered_at),
        ended_at=_doubled(case.record.ended_at), duration_seconds=2 * case.record.duration_seconds)
    assert pipeline.records == [expected]
    assert [ring.extension for ring in pipeline.rings] == [ring.extension for ring in case.rings]


def _index(moment: datetime) -> int:
    return int((moment - at(0)).total_seconds())


def _doubled(moment: datetime | None) -> datetime | None:
    return None if moment is None else at(2 * _index(moment))
