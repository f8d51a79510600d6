"""The relay numbers events in commit order, so an early insert that commits late is not skipped."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.realtime.channels import ALL_BUILDINGS
from backend.realtime.envelope import decode_envelope
from backend.realtime.models import OutboxEvent
from backend.realtime.outbox import emit
from backend.realtime.relay import OutboxRelay

pytestmark = pytest.mark.asyncio


class RecordingPublisher:
    def __init__(self) -> None:
        self.published: list[tuple[int, str, list[str]]] = []

    async def __call__(self, data: bytes, channels: list[str]) -> None:
        envelope = decode_envelope(data)
        self.published.append((envelope.id, envelope.type, channels))


async def test_late_commit_gets_later_seq(db, session_factory, database_url):
    publisher = RecordingPublisher()
    relay = OutboxRelay(session_factory, database_url, publisher)
    async with session_factory() as early, session_factory() as late:
        emit(early, "test.early", {}, building_id=1)
        await early.flush()
        emit(late, "test.late", {}, building_id=1)
        await late.flush()
        await late.commit()
        assert await relay.relay_batch() == 1
        await early.commit()
    assert await relay.relay_batch() == 1
    assert [(seq, kind) for seq, kind, _ in publisher.published] == [(1, "test.late"), (2, "test.early")]
    ids = dict((await db.execute(select(OutboxEvent.type, OutboxEvent.id))).all())
    assert ids["test.early"] < ids["test.late"], "the early event was inserted first"


async def test_unpublished_events_sent_again(db, session_factory, database_url):
    async with session_factory() as session:
        emit(session, "test.crashed", {"n": 1}, building_id=7)
        await session.commit()
    crashed = OutboxRelay(session_factory, database_url, RecordingPublisher())
    await crashed._number_batch()  # numbered and committed, then the process "dies" before publishing

    publisher = RecordingPublisher()
    restarted = OutboxRelay(session_factory, database_url, publisher)
    await restarted.publish_unsent()
    assert publisher.published == [(1, "test.crashed", ["events:building:7", ALL_BUILDINGS])]
    await restarted.publish_unsent()
    assert len(publisher.published) == 1, "published events are not sent again"


async def test_user_event_goes_to_user_channel(db, session_factory, database_url):
    async with session_factory() as session:
        emit(session, "notification.assigned", {"ticket_id": 5}, user_id=42)
        await session.commit()
    publisher = RecordingPublisher()
    await OutboxRelay(session_factory, database_url, publisher).relay_batch()
    assert publisher.published[0][2] == ["events:user:42"]
