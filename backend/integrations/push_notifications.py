"""The push dispatcher: turns outbox events meant for one user into Web Push notifications.

It reads the outbox by `seq` (commit order, assigned by the relay) after the position kept in
`push_cursor`, so a restart resumes where it stopped. The cursor row is locked while a batch is
sent, so with several workers only one sends. Delivery is at least once: after a crash in the
middle of a batch that batch is sent again, and the notification tag makes the phone show a
repeated notification once.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import httpx
import structlog
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.base import utcnow
from backend.domain.buildings.models import Premise
from backend.domain.push.models import PushCursor, PushSubscription
from backend.domain.tickets.models import Priority, Ticket
from backend.domain.tickets.places import place_of
from backend.domain.tickets.rows import load_row
from backend.i18n import gettext as _
from backend.integrations.webpush import PushTarget, WebPushSender, load_vapid
from backend.realtime.envelope import latest_seq
from backend.realtime.models import OutboxEvent
from backend.settings import Settings

log = structlog.get_logger(__name__)

CURSOR_NAME = "webpush"
PUSHED_EVENT_TYPES = ("notification.assigned",)
BATCH_SIZE = 50  # events per locked batch
POLL_INTERVAL = 1.0  # seconds between outbox checks when nothing was sent
RETRY_DELAY = 5.0  # seconds after a database error
NOTIFICATION_TTL = timedelta(days=1)
"""How long a push service keeps a notification for a phone that is off; an assignment older than a day is stale."""
MAX_FAILURES = 20  # consecutive failed deliveries after which a subscription is dropped


class PushDispatcher:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], sender: WebPushSender) -> None:
        self.session_factory = session_factory
        self.sender = sender

    async def run(self) -> None:
        """Dispatch until cancelled."""
        log.info("push_dispatcher_started")
        while True:
            try:
                sent = await self.dispatch_batch()
            except (OSError, DBAPIError) as error:
                log.warning("push_dispatcher_database_error", error=type(error).__name__, retry_in=RETRY_DELAY)
                await asyncio.sleep(RETRY_DELAY)
                continue
            if sent < BATCH_SIZE:
                await asyncio.sleep(POLL_INTERVAL)

    async def dispatch_batch(self) -> int:
        """Send the notifications of the next events after the cursor; return how many events were handled."""
        async with self.session_factory() as session:
            cursor = await _lock_cursor(session)
            if cursor is None:
                return 0
            events = (await session.scalars(select(OutboxEvent).where(
                OutboxEvent.seq > cursor.last_seq, OutboxEvent.type.in_(PUSHED_EVENT_TYPES),
                OutboxEvent.user_id.is_not(None)).order_by(OutboxEvent.seq).limit(BATCH_SIZE))).all()
            for event in events:
                await self._notify(session, event)
                cursor.last_seq = event.seq
            await session.commit()
            return len(events)

    async def _notify(self, session: AsyncSession, event: OutboxEvent) -> None:
        message = await notification_for(session, event)
        if message is None:
            return
        payload, urgency, topic = message
        subscriptions = (await session.scalars(select(PushSubscription)
                                               .where(PushSubscription.user_id == event.user_id))).all()
        for subscription in subscriptions:
            await self._deliver(session, subscription, payload, urgency, topic, event)

    async def _deliver(self, session: AsyncSession, subscription: PushSubscription, payload: bytes, urgency: str,
                       topic: str, event: OutboxEvent) -> None:
        target = PushTarget(subscription.endpoint, subscription.p256dh, subscription.auth)
        try:
            result = await self.sender.send(target, payload, ttl=int(NOTIFICATION_TTL.total_seconds()),
                                            urgency=urgency, topic=topic)
        except httpx.HTTPError as error:
            log.warning("push_send_failed", subscription_id=subscription.id, user_id=event.user_id,
                        event_seq=event.seq, error=type(error).__name__)
            await _count_failure(session, subscription)
            return
        if result.delivered:
            subscription.last_sent_at, subscription.failures = utcnow(), 0
            log.info("push_sent", subscription_id=subscription.id, user_id=event.user_id, event_seq=event.seq)
        elif result.gone:
            log.info("push_subscription_gone", subscription_id=subscription.id, user_id=event.user_id)
            await session.delete(subscription)
        else:
            log.warning("push_rejected", subscription_id=subscription.id, user_id=event.user_id,
                        event_seq=event.seq, status_code=result.status_code)
            await _count_failure(session, subscription)


async def _count_failure(session: AsyncSession, subscription: PushSubscription) -> None:
    subscription.failures += 1
    if subscription.failures >= MAX_FAILURES:
        log.warning("push_subscription_dropped", subscription_id=subscription.id, failures=subscription.failures)
        await session.delete(subscription)


async def _lock_cursor(session: AsyncSession) -> PushCursor | None:
    """Lock the cursor row, creating it at the current end of the outbox; None while another worker holds it.

    A new cursor starts at the end so that a first start does not push old assignments.
    """
    start = await latest_seq(session)
    await session.execute(insert(PushCursor).values(name=CURSOR_NAME, last_seq=start).on_conflict_do_nothing())
    await session.commit()
    return await session.scalar(select(PushCursor).where(PushCursor.name == CURSOR_NAME)
                                .with_for_update(skip_locked=True))


async def notification_for(session: AsyncSession, event: OutboxEvent) -> tuple[bytes, str, str] | None:
    """Build (JSON payload, urgency, topic) for an event; None when the ticket is gone."""
    ticket_id = event.data.get("ticket_id")
    ticket = await session.get(Ticket, ticket_id) if ticket_id is not None else None
    if ticket is None:
        return None
    row = await load_row(session, ticket.id)
    premise = await session.get(Premise, ticket.premise_id) if ticket.premise_id else None
    place = place_of(row.building_address, premise.kind if premise else None, row.premise_label)
    payload = {"title": _("New ticket №{number}", number=row.number), "body": f"{row.category_name} · {place}",
               "url": f"/m/tickets/{row.id}", "tag": f"ticket-{row.id}", "ticket_id": row.id,
               "priority": row.priority}
    urgency = "high" if row.priority in (Priority.EMERGENCY, Priority.URGENT) else "normal"
    return json.dumps(payload, ensure_ascii=False).encode(), urgency, f"ticket-{row.id}"


async def run_push_dispatcher(settings: Settings, session_factory: async_sessionmaker[AsyncSession]) -> None:
    """The worker job: dispatch notifications until cancelled; returns at once when push is off."""
    vapid = load_vapid(settings)
    if vapid is None:
        return
    async with httpx.AsyncClient() as client:
        await PushDispatcher(session_factory, WebPushSender(vapid, settings.vapid_subject, client)).run()
