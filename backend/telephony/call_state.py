"""The mutable state of one live call and the rules that turn it into a `CallRecord`.

A call is every channel sharing one Linkedid. Local channel halves (`;1`, `;2`) belong to the
call like any channel but are never a party: parties are endpoint channels (SIP, PJSIP, IAX2 …),
either staff phones or trunks, as the tracker's extension rule decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backend.telephony.channels import IsExtension, clean, clean_exten, parse_channel_name
from backend.telephony.records import CallRecord, Direction, LiveCall, Outcome

ANSWERED_ELSEWHERE = "ANSWERED_ELSEWHERE"
"""Leg status of a ring-group or queue phone hung up with Cause 26: another phone took the call."""

BUSY_STATUSES = frozenset({"BUSY"})
FAILED_STATUSES = frozenset({"CONGESTION", "CHANUNAVAIL", "INVALIDARGS", "DONTCALL", "TORTURE"})

CAUSE_STATUSES = {"17": "BUSY", "21": "BUSY", "18": "NOANSWER", "19": "NOANSWER", "26": ANSWERED_ELSEWHERE,
                  "1": "CHANUNAVAIL", "3": "CHANUNAVAIL", "20": "CHANUNAVAIL", "27": "CHANUNAVAIL",
                  "34": "CONGESTION", "38": "CONGESTION", "42": "CONGESTION"}
"""Hangup causes (Q.850) mapped to the DialStatus they mean, for legs that end without a DialEnd."""


@dataclass(slots=True, eq=False)
class ChannelState:
    uniqueid: str
    linkedid: str
    name: str
    endpoint: str | None
    """Peer name of an endpoint channel; None for Local channels."""
    is_phone: bool
    created_at: datetime
    exten: str | None
    """Exten when the channel appeared: for a calling channel, the number it dialed."""
    caller_number: str | None = None
    caller_name: str | None = None
    state: str | None = None

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any], linkedid: str, at: datetime,
                    is_extension: IsExtension) -> ChannelState:
        name = str(fields.get("Channel", ""))
        parsed = parse_channel_name(name)
        endpoint = None if parsed.is_local or not name else parsed.resource
        channel = cls(uniqueid=str(fields["Uniqueid"]), linkedid=linkedid, name=name, endpoint=endpoint,
                      is_phone=endpoint is not None and is_extension(endpoint), created_at=at,
                      exten=clean_exten(fields.get("Exten")))
        channel.update(fields)
        return channel

    def update(self, fields: Mapping[str, Any]) -> None:
        """Take the caller-id and state headers that the event carries."""
        if "CallerIDNum" in fields:
            self.caller_number = clean(fields["CallerIDNum"])
        if "CallerIDName" in fields:
            self.caller_name = clean(fields["CallerIDName"])
        if "ChannelStateDesc" in fields:
            self.state = clean(fields["ChannelStateDesc"])


@dataclass(slots=True, eq=False)
class DialLeg:
    """An endpoint channel that the call dialed: a staff phone or a trunk."""

    uniqueid: str
    extension: str | None
    """Peer name when the leg is a staff phone, else None."""
    number: str | None
    """The number dialed on this leg (DestExten, else the callee's caller-id number)."""
    name: str | None = None
    """The callee's caller-id name when the leg was dialed."""
    status: str | None = None
    """Final DialStatus (ANSWER excluded) or ANSWERED_ELSEWHERE; None while unknown."""
    answered_at: datetime | None = None

    @property
    def is_phone(self) -> bool:
        return self.extension is not None


@dataclass(slots=True, eq=False)
class CallState:
    linkedid: str
    started_at: datetime
    channels: dict[str, ChannelState] = field(default_factory=dict)
    first_endpoint: ChannelState | None = None
    """The first endpoint channel that appeared: the caller, unless the call was originated."""
    legs: dict[str, DialLeg] = field(default_factory=dict)
    originated: bool = False
    originate_action_id: str | None = None
    queue: str | None = None
    abandoned: bool = False
    recording: str | None = None

    def phone_legs(self) -> list[DialLeg]:
        return [leg for leg in self.legs.values() if leg.is_phone]

    def trunk_legs(self) -> list[DialLeg]:
        return [leg for leg in self.legs.values() if not leg.is_phone]


def build_record(call: CallState, ended_at: datetime) -> CallRecord:
    direction = call_direction(call)
    caller_number, caller_name = call_caller(call)
    answered_at, answered_by = call_answer(call, direction)
    return CallRecord(
        linkedid=call.linkedid, direction=direction, caller_number=caller_number, caller_name=caller_name,
        called_number=called_number(call), queue=call.queue, rang_extensions=rang_extensions(call),
        answered_by=answered_by, started_at=call.started_at, answered_at=answered_at, ended_at=ended_at,
        duration_seconds=max(0, int((ended_at - call.started_at).total_seconds())),
        outcome=call_outcome(call, direction, answered_at), recording=call.recording,
        originate_action_id=call.originate_action_id)


def describe_live(call: CallState) -> LiveCall:
    direction = call_direction(call)
    caller_number, caller_name = call_caller(call)
    answered_at, answered_by = call_answer(call, direction)
    ringing = [leg.extension for leg in call.phone_legs()
               if leg.extension and leg.status is None and leg.answered_at is None and leg.uniqueid in call.channels]
    return LiveCall(linkedid=call.linkedid, direction=direction, caller_number=caller_number,
                    caller_name=caller_name, called_number=called_number(call), queue=call.queue,
                    started_at=call.started_at, answered_at=answered_at, answered_by=answered_by,
                    ringing_extensions=ringing)


def call_direction(call: CallState) -> Direction:
    """Decide the direction from the parties.

    An originated call (click-to-dial) rings a staff phone first. It is internal only when it
    then dialed another staff phone and no trunk. Otherwise it is outbound, also when it never
    got past the agent's phone. Any other call is inbound when its first endpoint is a trunk,
    outbound when a phone started it and a trunk was dialed, and internal otherwise.
    """
    has_trunk_leg = bool(call.trunk_legs())
    if call.originated:
        return "internal" if len(call.phone_legs()) > 1 and not has_trunk_leg else "outbound"
    first = call.first_endpoint
    if first is not None and not first.is_phone:
        return "inbound"
    return "outbound" if has_trunk_leg else "internal"


def call_caller(call: CallState) -> tuple[str | None, str | None]:
    """Return the caller: the first endpoint, or for an originated call the agent's phone rung first."""
    if call.originated:
        first_phone = next(iter(call.phone_legs()), None)
        if first_phone is None:
            return None, None
        return first_phone.number or first_phone.extension, first_phone.name
    if call.first_endpoint is None:
        return None, None
    return call.first_endpoint.caller_number, call.first_endpoint.caller_name


def called_number(call: CallState) -> str | None:
    if not call.originated:
        return call.first_endpoint.exten if call.first_endpoint is not None else None
    trunk = next(iter(call.trunk_legs()), None)
    if trunk is not None:
        return trunk.number
    phones = call.phone_legs()
    return phones[1].number or phones[1].extension if len(phones) > 1 else None


def rang_extensions(call: CallState) -> list[str]:
    seen: list[str] = []
    for leg in call.phone_legs():
        if leg.extension is not None and leg.extension not in seen:
            seen.append(leg.extension)
    return seen


def call_answer(call: CallState, direction: Direction) -> tuple[datetime | None, str | None]:
    """Return when the call was answered and by which staff phone.

    Outbound calls count as answered when a trunk leg answers; the staff phone is then the
    caller's (for click-to-dial, the agent's phone that answered the first leg).
    """
    phone = _first_answered(call.phone_legs())
    if direction != "outbound":
        return (phone.answered_at, phone.extension) if phone is not None else (None, None)
    trunk = _first_answered(call.trunk_legs())
    if trunk is None:
        return None, None
    if call.originated:
        return trunk.answered_at, phone.extension if phone is not None else None
    first = call.first_endpoint
    return trunk.answered_at, first.endpoint if first is not None else None


def call_outcome(call: CallState, direction: Direction, answered_at: datetime | None) -> Outcome:
    if answered_at is not None:
        return "answered"
    if call.abandoned:
        return "abandoned"
    if call.originated and _first_answered(call.phone_legs()) is None:
        return "failed"
    legs = call.trunk_legs() if direction == "outbound" else call.phone_legs()
    if not legs:
        return "missed" if direction == "inbound" else "failed"
    statuses = [leg.status for leg in legs if leg.status != ANSWERED_ELSEWHERE]
    if statuses and all(status in BUSY_STATUSES for status in statuses):
        return "busy"
    if statuses and all(status in FAILED_STATUSES for status in statuses):
        return "failed"
    return "missed"


def _first_answered(legs: list[DialLeg]) -> DialLeg | None:
    answered = [leg for leg in legs if leg.answered_at is not None]
    return min(answered, key=lambda leg: leg.answered_at, default=None)  # type: ignore[arg-type, return-value]
