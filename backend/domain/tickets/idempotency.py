"""Idempotent ticket steps: a request repeated with the same `Idempotency-Key` is applied once.

A phone that loses its connection cannot tell whether a request reached the server, so it sends
the same request again with the same key. The key is claimed (inserted) before the step runs, in
the step's transaction: a concurrent repeat waits on the unique key until the first commits, and a
failed step rolls its claim back, so a retry can still apply.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.errors import Conflict
from backend.domain.staff.access import Principal
from backend.domain.tickets import actions
from backend.domain.tickets.access import access_ticket
from backend.domain.tickets.models import IdempotencyKey, Ticket

TRANSITION = "transition"
COMMENT = "comment"
ACCEPT = "accept"
ATTACHMENT = "attachment"


async def claim_key(session: AsyncSession, principal: Principal, key: str, scope: str, object_id: int) -> bool:
    """Insert the key; False if it was already used (by a committed request or one that commits first)."""
    claimed = await session.execute(insert(IdempotencyKey).values(user_id=principal.user_id, key=key, scope=scope,
                                                                   object_id=object_id)
                                    .on_conflict_do_nothing().returning(IdempotencyKey.key))
    return claimed.first() is not None


async def set_key_object(session: AsyncSession, principal: Principal, key: str, object_id: int) -> None:
    """Point a claimed key at the object its request created, once the object has an id."""
    await session.execute(update(IdempotencyKey).where(IdempotencyKey.user_id == principal.user_id,
                                                       IdempotencyKey.key == key).values(object_id=object_id))


async def used_key(session: AsyncSession, principal: Principal, key: str, scope: str) -> IdempotencyKey:
    """Return the committed record of a used key; a key used for another kind of request is a conflict."""
    record = await session.get(IdempotencyKey, (principal.user_id, key))
    if record is None or record.scope != scope:
        raise key_reused(key)
    return record


def key_reused(key: str) -> Conflict:
    return Conflict("idempotency_key_reused", "The Idempotency-Key was already used for another request. "
                    "Send a new key with each new action.", field="Idempotency-Key", value=key[:50])


async def run_once(session: AsyncSession, principal: Principal, key: str | None, scope: str, ticket_id: int,
                   step: Callable[[], Awaitable[Ticket]]) -> tuple[Ticket, bool]:
    """Run `step` unless `key` was used before; return the ticket and whether the step ran now."""
    if key is None or await claim_key(session, principal, key, scope, ticket_id):
        return await step(), True
    record = await used_key(session, principal, key, scope)
    if record.object_id != ticket_id:
        raise key_reused(key)
    return await access_ticket(session, principal, ticket_id), False


async def do_transition_once(session: AsyncSession, principal: Principal, ticket_id: int, target: str, *,
                             key: str | None, version: int | None = None, reason: str | None = None,
                             hold_until: datetime | None = None, report: str | None = None) -> tuple[Ticket, bool]:
    async def step() -> Ticket:
        return await actions.do_transition(session, principal, ticket_id, target, version=version, reason=reason,
                                           hold_until=hold_until, report=report)

    return await run_once(session, principal, key, TRANSITION, ticket_id, step)


async def do_comment_once(session: AsyncSession, principal: Principal, ticket_id: int, text: str, *,
                          key: str | None, visible_to_client: bool = False) -> tuple[Ticket, bool]:
    async def step() -> Ticket:
        return await actions.do_comment(session, principal, ticket_id, text, visible_to_client=visible_to_client)

    return await run_once(session, principal, key, COMMENT, ticket_id, step)
