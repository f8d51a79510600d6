"""The call tracker: AMI events in, ringing phones and finished call records out.

Pure: no I/O. Calls are keyed by Linkedid, so the two halves of a Local channel, the legs of a
ring group and the channels a transfer creates all belong to one call, and the call finishes
when its last channel hangs up. Feeding an event twice changes nothing: a duplicate DialBegin
does not ring again, and events of a finished call or an ended channel are ignored.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from backend.telephony.call_state import (
    ANSWERED_ELSEWHERE,
    CAUSE_STATUSES,
    CallState,
    ChannelState,
    DialLeg,
    build_record,
    describe_live,
)
from backend.telephony.channels import (
    Clock,
    IsExtension,
    clean,
    clean_exten,
    default_is_extension,
    parse_duration,
    parse_timestamp,
    prefixed_fields,
    uniqueid_order,
    utc_now,
)
from backend.telephony.records import CallFinished, LiveCall, Ringing, TrackerOutput

RECORDING_VARIABLE = "MIXMONITOR_FILENAME"

Event = Mapping[str, Any]
Outputs = list[TrackerOutput]


class _RecentSet:
    """The last `capacity` keys added; older ones are forgotten, which bounds the memory."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._keys: OrderedDict[str, None] = OrderedDict()

    def add(self, key: str) -> None:
        self._keys[key] = None
        self._keys.move_to_end(key)
        while len(self._keys) > self._capacity:
            self._keys.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._keys


class CallTracker:
    """Turns a stream of AMI events into live calls and one `CallFinished` per finished call."""

    def __init__(self, *, is_extension: IsExtension = default_is_extension, clock: Clock = utc_now,
                 memory: int = 10_000) -> None:
        """Create an empty tracker.

        `is_extension` decides from a peer name whether an endpoint channel is a staff phone or a
        trunk (see `default_is_extension`). `clock` dates events that carry no `Timestamp` header.
        `memory` is how many finished calls (and 8 times as many ended channels) are remembered to
        ignore late duplicates of their events.
        """
        self._is_extension = is_extension
        self._clock = clock
        self._calls: dict[str, CallState] = {}
        self._channel_calls: dict[str, str] = {}
        self._finished_calls = _RecentSet(memory)
        self._ended_channels = _RecentSet(memory * 8)
        self._expected_originates: OrderedDict[str, str] = OrderedDict()
        self._memory = memory
        self._handlers: dict[str, Callable[[Event, datetime, Outputs], None]] = {
            "Newchannel": self._on_channel_event, "Newstate": self._on_channel_event,
            "NewCallerid": self._on_channel_event, "NewConnectedLine": self._on_channel_event,
            "Rename": self._on_rename, "VarSet": self._on_var_set,
            "DialBegin": self._on_dial_begin, "DialEnd": self._on_dial_end, "Hangup": self._on_hangup,
            "AgentCalled": self._on_agent_called, "AgentConnect": self._on_agent_connect,
            "AgentRingNoAnswer": self._on_agent_ring_no_answer,
            "QueueCallerJoin": self._on_queue_caller, "QueueCallerLeave": self._on_queue_caller,
            "QueueCallerAbandon": self._on_queue_caller_abandon,
            "OriginateResponse": self._on_originate_response,
        }

    def feed(self, event: Event) -> list[TrackerOutput]:
        """Apply one AMI event (a dict of headers) and return what it produced, usually nothing."""
        handler = self._handlers.get(str(event.get("Event", "")))
        if handler is None:
            return []
        outputs: Outputs = []
        handler(event, self._event_time(event), outputs)
        return outputs

    def expect_originate(self, action_id: str, channel_id: str) -> None:
        """Link the call that an Originate with this `ChannelId` will create to the action's id."""
        self._expected_originates[channel_id] = action_id
        while len(self._expected_originates) > self._memory:
            self._expected_originates.popitem(last=False)
        channel = self._find_channel(channel_id)
        if channel is not None:
            self._mark_originated(self._calls[channel.linkedid], action_id)

    def live_calls(self) -> list[LiveCall]:
        """Return the calls in progress, oldest first."""
        calls = sorted(self._calls.values(), key=lambda call: call.started_at)
        return [describe_live(call) for call in calls]

    def resync(self, channels: Iterable[Event], queue_status: Iterable[Event] = (),
               timestamp: str | None = None) -> list[TrackerOutput]:
        """Align the live calls with a `CoreShowChannels` snapshot taken after a (re)connect.

        Live channels of the tracker that the snapshot lacks hung up while no events arrived:
        they end at the snapshot time, which may finish their calls (once). Channels
        the snapshot adds are adopted; a phone leg seen ringing pops its card, one already up
        counts as answered at the snapshot time. `queue_status` holds the `QueueStatus` events;
        its `QueueEntry` items name the queue of waiting callers. `timestamp` is the snapshot's
        `Timestamp` header; without it the clock dates the snapshot.
        """
        at = parse_timestamp(timestamp) or self._clock()
        live = {str(item["Uniqueid"]): item for item in channels if clean(item.get("Uniqueid"))}
        outputs: Outputs = []
        self._end_missing_channels(live.keys(), at, outputs)
        for item in sorted(live.values(), key=_creation_order):
            self._adopt_snapshot_channel(item, at, outputs)
        for item in queue_status:
            if item.get("Event") == "QueueEntry":
                self._set_queue(item, at, outputs)
        return outputs

    # Channels and calls

    def _event_time(self, event: Event) -> datetime:
        return parse_timestamp(event.get("Timestamp")) or self._clock()

    def _find_channel(self, uniqueid: str) -> ChannelState | None:
        linkedid = self._channel_calls.get(uniqueid)
        return None if linkedid is None else self._calls[linkedid].channels.get(uniqueid)

    def _touch(self, fields: Mapping[str, Any], at: datetime, outputs: Outputs) -> ChannelState | None:
        """Return the channel the headers describe, adopting it if new; None once it has ended."""
        uniqueid = clean(fields.get("Uniqueid"))
        if uniqueid is None or uniqueid in self._ended_channels:
            return None
        linkedid = clean(fields.get("Linkedid"))
        channel = self._find_channel(uniqueid)
        if channel is None:
            if (linkedid or uniqueid) in self._finished_calls:
                return None
            channel = self._adopt(fields, uniqueid, linkedid or uniqueid, at)
        elif linkedid is not None and linkedid != channel.linkedid and linkedid not in self._finished_calls:
            self._move(channel, linkedid, at, outputs)
        channel.update(fields)
        return channel

    def _adopt(self, fields: Mapping[str, Any], uniqueid: str, linkedid: str, at: datetime) -> ChannelState:
        call = self._calls.get(linkedid)
        if call is None:
            call = self._calls[linkedid] = CallState(linkedid=linkedid, started_at=at)
        channel = ChannelState.from_fields({**fields, "Uniqueid": uniqueid}, linkedid, at, self._is_extension)
        self._attach(call, channel)
        action_id = self._expected_originates.get(uniqueid)
        if action_id is not None:
            self._mark_originated(call, action_id)
        return channel

    def _attach(self, call: CallState, channel: ChannelState) -> None:
        call.channels[channel.uniqueid] = channel
        self._channel_calls[channel.uniqueid] = call.linkedid
        if call.first_endpoint is None and channel.endpoint is not None:
            call.first_endpoint = channel

    def _move(self, channel: ChannelState, linkedid: str, at: datetime, outputs: Outputs) -> None:
        """Move a channel whose Linkedid changed (Asterisk relinks channels on some transfers)."""
        old_call = self._calls[channel.linkedid]
        del old_call.channels[channel.uniqueid]
        new_call = self._calls.get(linkedid)
        if new_call is None:
            new_call = self._calls[linkedid] = CallState(linkedid=linkedid, started_at=at)
        channel.linkedid = linkedid
        self._attach(new_call, channel)
        if not old_call.channels:
            self._finish(old_call, at, outputs)

    def _end_channel(self, channel: ChannelState, at: datetime, outputs: Outputs) -> None:
        call = self._calls[channel.linkedid]
        del call.channels[channel.uniqueid]
        del self._channel_calls[channel.uniqueid]
        self._ended_channels.add(channel.uniqueid)
        if not call.channels:
            self._finish(call, at, outputs)

    def _finish(self, call: CallState, at: datetime, outputs: Outputs) -> None:
        del self._calls[call.linkedid]
        self._finished_calls.add(call.linkedid)
        outputs.append(CallFinished(record=build_record(call, at)))

    def _offer_leg(self, call: CallState, dest: ChannelState, dial: Mapping[str, Any], at: datetime,
                   outputs: Outputs) -> DialLeg | None:
        """Register an endpoint the call dialed; a staff phone's first offer makes it ring.

        `dial` contains the dialing side's caller-id (`CallerIDNum`, `CallerIDName`) and the `Dest`
        headers of the dialed channel. Originated calls ring the agent's own phone first and
        pop no card: the agent started the call from the client's card.
        """
        if dest.endpoint is None:
            return None
        leg = call.legs.get(dest.uniqueid)
        if leg is not None:
            return leg
        leg = DialLeg(uniqueid=dest.uniqueid, extension=dest.endpoint if dest.is_phone else None,
                      number=clean_exten(dial.get("DestExten")) or clean(dial.get("DestCallerIDNum")),
                      name=clean(dial.get("DestCallerIDName")))
        call.legs[dest.uniqueid] = leg
        if leg.extension is not None and not call.originated:
            outputs.append(Ringing(linkedid=call.linkedid, extension=leg.extension,
                                   caller_number=clean(dial.get("CallerIDNum")),
                                   caller_name=clean(dial.get("CallerIDName")), queue=call.queue, at=at))
        return leg

    def _mark_originated(self, call: CallState, action_id: str | None) -> None:
        call.originated = True
        if action_id and call.originate_action_id is None:
            call.originate_action_id = action_id

    # Event handlers

    def _on_channel_event(self, event: Event, at: datetime, outputs: Outputs) -> None:
        self._touch(event, at, outputs)

    def _on_rename(self, event: Event, at: datetime, outputs: Outputs) -> None:
        channel = self._touch(event, at, outputs)
        new_name = clean(event.get("Newname"))
        if channel is not None and new_name is not None:
            channel.name = new_name

    def _on_var_set(self, event: Event, at: datetime, outputs: Outputs) -> None:
        if event.get("Variable") != RECORDING_VARIABLE:
            return
        channel = self._touch(event, at, outputs)
        recording = clean(event.get("Value"))
        call = self._calls[channel.linkedid] if channel is not None else None
        if call is not None and recording is not None and call.recording is None:
            call.recording = recording

    def _on_dial_begin(self, event: Event, at: datetime, outputs: Outputs) -> None:
        if "Channel" in event:
            self._touch(event, at, outputs)
        dest = self._touch(prefixed_fields(event, "Dest"), at, outputs)
        if dest is None:
            return
        call = self._calls[dest.linkedid]
        if "Channel" not in event:
            # Originate dials its first channel with no calling channel, hence no Channel headers.
            self._mark_originated(call, None)
        self._offer_leg(call, dest, event, at, outputs)

    def _on_dial_end(self, event: Event, at: datetime, outputs: Outputs) -> None:
        if "Channel" in event:
            self._touch(event, at, outputs)
        dest = self._touch(prefixed_fields(event, "Dest"), at, outputs)
        leg = self._calls[dest.linkedid].legs.get(dest.uniqueid) if dest is not None else None
        if leg is None:
            return
        status = clean(event.get("DialStatus"))
        if status == "ANSWER":
            leg.answered_at = leg.answered_at or at
        elif status is not None and leg.status != ANSWERED_ELSEWHERE:
            leg.status = status

    def _on_hangup(self, event: Event, at: datetime, outputs: Outputs) -> None:
        uniqueid = clean(event.get("Uniqueid"))
        channel = self._find_channel(uniqueid) if uniqueid is not None else None
        if channel is None:
            return
        leg = self._calls[channel.linkedid].legs.get(channel.uniqueid)
        cause_status = CAUSE_STATUSES.get(str(event.get("Cause", "")))
        if leg is not None and leg.answered_at is None:
            if cause_status == ANSWERED_ELSEWHERE or leg.status is None:
                leg.status = cause_status
        self._end_channel(channel, at, outputs)

    def _on_agent_called(self, event: Event, at: datetime, outputs: Outputs) -> None:
        caller = self._touch(event, at, outputs)
        dest = self._touch(prefixed_fields(event, "Dest"), at, outputs)
        if caller is not None:
            self._calls[caller.linkedid].queue = clean(event.get("Queue"))
        if dest is not None:
            call = self._calls[dest.linkedid]
            call.queue = call.queue or clean(event.get("Queue"))
            self._offer_leg(call, dest, event, at, outputs)

    def _on_agent_connect(self, event: Event, at: datetime, outputs: Outputs) -> None:
        self._touch(event, at, outputs)
        dest = self._touch(prefixed_fields(event, "Dest"), at, outputs)
        if dest is None:
            return
        call = self._calls[dest.linkedid]
        call.queue = call.queue or clean(event.get("Queue"))
        leg = self._offer_leg(call, dest, event, at, outputs)
        if leg is not None:
            leg.answered_at = leg.answered_at or at

    def _on_agent_ring_no_answer(self, event: Event, at: datetime, outputs: Outputs) -> None:
        dest = self._touch(prefixed_fields(event, "Dest"), at, outputs)
        leg = self._calls[dest.linkedid].legs.get(dest.uniqueid) if dest is not None else None
        if leg is not None and leg.answered_at is None and leg.status is None:
            leg.status = "NOANSWER"

    def _on_queue_caller(self, event: Event, at: datetime, outputs: Outputs) -> None:
        self._set_queue(event, at, outputs)

    def _on_queue_caller_abandon(self, event: Event, at: datetime, outputs: Outputs) -> None:
        call = self._set_queue(event, at, outputs)
        if call is not None:
            call.abandoned = True

    def _on_originate_response(self, event: Event, at: datetime, outputs: Outputs) -> None:
        uniqueid = clean(event.get("Uniqueid"))
        channel = self._find_channel(uniqueid) if uniqueid is not None else None
        if channel is not None:
            self._mark_originated(self._calls[channel.linkedid], clean(event.get("ActionID")))

    def _set_queue(self, event: Event, at: datetime, outputs: Outputs) -> CallState | None:
        channel = self._touch(event, at, outputs)
        if channel is None:
            return None
        call = self._calls[channel.linkedid]
        call.queue = clean(event.get("Queue")) or call.queue
        return call

    # Resync

    def _end_missing_channels(self, live_uniqueids: Iterable[str], at: datetime, outputs: Outputs) -> None:
        live = set(live_uniqueids)
        for uniqueid in [uniqueid for uniqueid in self._channel_calls if uniqueid not in live]:
            channel = self._find_channel(uniqueid)
            if channel is not None:
                self._end_channel(channel, at, outputs)

    def _adopt_snapshot_channel(self, item: Event, at: datetime, outputs: Outputs) -> None:
        known = self._find_channel(str(item["Uniqueid"]))
        channel = self._touch(item, at - parse_duration(item.get("Duration")), outputs)
        if known is not None or channel is None:
            return
        call = self._calls[channel.linkedid]
        if not channel.is_phone or call.first_endpoint is channel:
            return
        dial = {"DestExten": item.get("Exten"), "DestCallerIDNum": item.get("CallerIDNum"),
                "DestCallerIDName": item.get("CallerIDName"), "CallerIDNum": item.get("ConnectedLineNum"),
                "CallerIDName": item.get("ConnectedLineName")}
        ringing = channel.state == "Ringing"
        leg = self._offer_leg(call, channel, dial, at, outputs if ringing else [])
        if leg is not None and channel.state == "Up":
            # NOTE: the snapshot does not say when the phone answered; the snapshot time is an upper bound.
            leg.answered_at = leg.answered_at or at


def _creation_order(item: Event) -> tuple[float, bool, tuple[int, int]]:
    """Oldest channel first; among equals the call's first channel (Uniqueid == Linkedid)."""
    uniqueid = str(item.get("Uniqueid", ""))
    age = parse_duration(item.get("Duration")).total_seconds()
    return (-age, uniqueid != item.get("Linkedid"), uniqueid_order(uniqueid))
