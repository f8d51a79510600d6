"""Outputs of the call tracker: a ringing staff phone, a live call, and the record of a finished call.

Numbers are kept as Asterisk sent them; phone normalisation happens where records are stored.
Extensions are peer names of staff phones (`150010002` for `SIP/150010002-00000003`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

Direction = Literal["inbound", "outbound", "internal"]
"""inbound: from an outside number; outbound: to one (click-to-dial included); internal: phone to phone."""

Outcome = Literal["answered", "missed", "abandoned", "busy", "failed"]
"""How a call ended.

answered: a person answered (the outside party, for outbound calls).
missed: nobody answered before the caller hung up or the ringing stopped.
abandoned: the caller left a queue before an agent answered (hang-up, queue timeout or empty queue).
busy: every phone dialed was busy or rejected the call (DialStatus BUSY, Hangup Cause 17 or 21).
failed: the call could not be placed: congestion, unavailable channel, nothing dialed, or a
click-to-dial the agent's own phone did not answer.
"""


class Ringing(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """A staff phone started ringing: the moment to show the caller's card to that phone's user."""

    linkedid: str
    extension: str
    caller_number: str | None
    """The number shown on the ringing phone; after a transfer, the party being transferred."""
    caller_name: str | None
    queue: str | None
    at: datetime


class CallRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One finished call: all channels that shared a Linkedid, from the first one to the last hang-up."""

    linkedid: str
    direction: Direction
    caller_number: str | None
    caller_name: str | None
    called_number: str | None
    """The number dialed: a DID for inbound calls, an extension or outside number otherwise."""
    queue: str | None
    rang_extensions: list[str]
    """Staff phones the call was offered to, in the order they were dialed, each once."""
    answered_by: str | None
    """For inbound and internal calls the phone that answered first; for outbound calls the caller's phone."""
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime
    duration_seconds: int
    """From the first channel to the last hang-up, whole seconds rounded down."""
    outcome: Outcome
    recording: str | None
    """MIXMONITOR_FILENAME of the first recording started during the call."""
    originate_action_id: str | None = None
    """ActionID of the Originate (click-to-dial) that started the call."""


class CallFinished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    record: CallRecord


class LiveCall(msgspec.Struct, frozen=True, kw_only=True):
    """A call in progress as far as the events so far show; `direction` may change until it ends."""

    linkedid: str
    direction: Direction
    caller_number: str | None
    caller_name: str | None
    called_number: str | None
    queue: str | None
    started_at: datetime
    answered_at: datetime | None
    answered_by: str | None
    ringing_extensions: list[str]


TrackerOutput = Ringing | CallFinished
