"""The live channels and queue callers of a replayed event stream, as Asterisk would list them.

The AMI simulator applies every event it replays here, so `CoreShowChannels` and `QueueStatus`
respond with the state of the replay so far, as a real Asterisk responds with its current state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CHANNEL_FIELDS = (
    "Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum", "CallerIDName", "ConnectedLineNum",
    "ConnectedLineName", "Language", "AccountCode", "Context", "Exten", "Priority", "Uniqueid", "Linkedid",
)
"""Channel snapshot headers that Asterisk 13+ puts in channel events and in `CoreShowChannel`."""

QUEUE_ENTRY_FIELDS = ("Queue", "Position", "Channel", "Uniqueid", "CallerIDNum", "CallerIDName",
                      "ConnectedLineNum", "ConnectedLineName")


class ReplayState:
    """Channels and queue entries alive after the events applied so far."""

    def __init__(self) -> None:
        self._channels: dict[str, dict[str, str]] = {}
        self._created_at: dict[str, float] = {}
        self._queue_entries: dict[str, dict[str, str]] = {}

    def apply(self, event: Mapping[str, Any], at: float) -> None:
        """Update the state with one event; `at` is the event time in seconds since the epoch."""
        name = event.get("Event")
        uniqueid = event.get("Uniqueid", "")
        if name == "Newchannel":
            self._created_at[uniqueid] = at
            self._channels[uniqueid] = {"Application": "", "ApplicationData": "", "BridgeId": ""}
        channel = self._channels.get(uniqueid)
        if channel is None:
            return
        if name == "Hangup":
            self._forget(uniqueid)
            return
        self._update_channel(channel, event)
        self._update_queue_entry(event)

    def channel_list(self, now: float) -> list[dict[str, str]]:
        """Return `CoreShowChannel` bodies in creation order, with the age as `Duration`."""
        listed = []
        for uniqueid, channel in self._channels.items():
            listed.append({**channel, "Duration": _clock_text(now - self._created_at[uniqueid])})
        return listed

    def queue_entries(self) -> list[dict[str, str]]:
        return [dict(entry) for entry in self._queue_entries.values()]

    def _forget(self, uniqueid: str) -> None:
        self._channels.pop(uniqueid, None)
        self._created_at.pop(uniqueid, None)
        self._queue_entries.pop(uniqueid, None)

    def _update_channel(self, channel: dict[str, str], event: Mapping[str, Any]) -> None:
        for field in CHANNEL_FIELDS:
            if field in event:
                channel[field] = str(event[field])
        name = event.get("Event")
        if name == "Rename":
            channel["Channel"] = str(event.get("Newname", channel.get("Channel", "")))
        elif name == "Newexten":
            channel["Application"] = str(event.get("Application", ""))
            channel["ApplicationData"] = str(event.get("AppData", ""))
        elif name == "BridgeEnter":
            channel["BridgeId"] = str(event.get("BridgeUniqueid", ""))
        elif name == "BridgeLeave":
            channel["BridgeId"] = ""

    def _update_queue_entry(self, event: Mapping[str, Any]) -> None:
        name = event.get("Event")
        uniqueid = str(event.get("Uniqueid", ""))
        if name == "QueueCallerJoin":
            self._queue_entries[uniqueid] = {field: str(event.get(field, "")) for field in QUEUE_ENTRY_FIELDS}
        elif name in ("QueueCallerLeave", "QueueCallerAbandon"):
            self._queue_entries.pop(uniqueid, None)


def _clock_text(seconds: float) -> str:
    """Format an age as Asterisk's `Duration`: HH:MM:SS."""
    whole = max(0, int(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
