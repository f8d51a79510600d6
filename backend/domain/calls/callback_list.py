"""Reading the callback list."""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.calls.access import call_scope_filter
from backend.domain.calls.models import Call, CallClient, Callback, CallbackStatus
from backend.domain.calls.phones import display_number
from backend.domain.clients.access import client_scope_filter
from backend.domain.clients.card import list_name
from backend.domain.clients.models import Client
from backend.domain.errors import DomainError
from backend.domain.staff.access import Principal, check_permission
from backend.domain.staff.models import User
from backend.domain.staff.roles import Permission

MAX_CALLBACKS = 200


class CallbackClient(msgspec.Struct, kw_only=True):
    id: int
    name: str


class CallbackLine(msgspec.Struct, kw_only=True):
    id: int
    number_e164: str
    number: str
    """`+7 (912) 345-67-89`."""
    status: str
    missed_calls: int
    first_call_id: int
    last_call_id: int
    first_missed_at: datetime
    last_missed_at: datetime
    clients: list[CallbackClient]
    resolved_at: datetime | None
    resolved_by: str | None
    """Full name of the user who called back, was called or closed the callback."""
    resolved_by_call_id: int | None
    note: str | None


async def list_callbacks(session: AsyncSession, principal: Principal, status: str = CallbackStatus.OPEN,
                         limit: int = MAX_CALLBACKS) -> list[CallbackLine]:
    """Open callbacks oldest first (who waits longest comes first); resolved ones newest first."""
    check_permission(principal, Permission.CALLS_VIEW)
    if status not in CallbackStatus.ALL and status != "resolved":
        raise DomainError("callback_status_invalid", "Unknown callback status.", field="status", value=status)
    visible = exists(select(Call.id).where(Call.id == Callback.last_call_id, call_scope_filter(principal)))
    first_call = select(Call.started_at).where(Call.id == Callback.first_call_id).scalar_subquery()
    query = (select(Callback, first_call, User.full_name).outerjoin(User, User.id == Callback.resolved_by_id)
             .where(visible))
    if status == CallbackStatus.OPEN:
        query = query.where(Callback.status == CallbackStatus.OPEN).order_by(Callback.last_missed_at, Callback.id)
    else:
        wanted = [s for s in CallbackStatus.ALL if s != CallbackStatus.OPEN] if status == "resolved" else [status]
        query = query.where(Callback.status.in_(wanted)).order_by(Callback.resolved_at.desc(), Callback.id.desc())
    rows = (await session.execute(query.limit(max(1, min(limit, MAX_CALLBACKS))))).all()
    clients = await _clients(session, principal, [callback.last_call_id for callback, _, _ in rows])
    return [_line(callback, first_at, resolved_by, clients.get(callback.last_call_id, []))
            for callback, first_at, resolved_by in rows]


def _line(callback: Callback, first_at: datetime, resolved_by: str | None,
          clients: list[CallbackClient]) -> CallbackLine:
    return CallbackLine(
        id=callback.id, number_e164=callback.number_e164, number=display_number(None, callback.number_e164),
        status=callback.status, missed_calls=callback.missed_calls, first_call_id=callback.first_call_id,
        last_call_id=callback.last_call_id, first_missed_at=first_at, last_missed_at=callback.last_missed_at,
        clients=clients, resolved_at=callback.resolved_at, resolved_by=resolved_by,
        resolved_by_call_id=callback.resolved_by_call_id, note=callback.note)


async def _clients(session: AsyncSession, principal: Principal,
                   call_ids: list[int]) -> dict[int, list[CallbackClient]]:
    if not call_ids:
        return {}
    rows = await session.execute(select(CallClient.call_id, Client)
                                 .join(Client, Client.id == CallClient.client_id)
                                 .where(CallClient.call_id.in_(call_ids),
                                        client_scope_filter(principal, Client.id))
                                 .order_by(CallClient.call_id, Client.id))
    found: dict[int, list[CallbackClient]] = {}
    for call_id, client in rows:
        found.setdefault(call_id, []).append(CallbackClient(id=client.id, name=list_name(client)))
    return found
