"""Call records as the tracker produces them, for tests that start at the database."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from backend.telephony.records import CallRecord

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
_sequence = itertools.count(1)


def call_record(direction: str = "inbound", outcome: str = "answered", *, caller: str | None = "+79123456789",
                called: str | None = "+74950000000", answered_by: str | None = "201",
                rang: tuple[str, ...] = ("201",), minutes: int = 0, queue: str | None = None,
                originate_action_id: str | None = None) -> CallRecord:
    """A finished call starting `minutes` after START and lasting one minute."""
    number = next(_sequence)
    started = START + timedelta(minutes=minutes)
    answered = started + timedelta(seconds=10) if outcome == "answered" else None
    return CallRecord(linkedid=f"test-{number}.{minutes}", direction=direction, caller_number=caller,
                      caller_name=None, called_number=called, queue=queue, rang_extensions=list(rang),
                      answered_by=answered_by if outcome == "answered" else None, started_at=started,
                      answered_at=answered, ended_at=started + timedelta(minutes=1), duration_seconds=60,
                      outcome=outcome, recording=None, originate_action_id=originate_action_id)
