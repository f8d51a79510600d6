"""Call log lines for the /calls page: the API's call views with names people read."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.calls.phones import display_number
from backend.domain.calls.queries import CallView
from backend.domain.clients.card import list_name
from backend.domain.clients.models import Client
from backend.domain.staff.models import User
from backend.domain.tickets.models import Ticket


class NamedLink(msgspec.Struct, kw_only=True):
    id: int
    name: str


class CallLine(msgspec.Struct, kw_only=True):
    call: CallView
    caller: str
    """The caller as people read it: `+7 (912) 345-67-89`, an extension, or «номер скрыт»."""
    called: str
    outside_e164: str | None
    """The outside party's number, for calling back; None for internal calls and hidden numbers."""
    clients: list[NamedLink]
    tickets: list[NamedLink]
    """Tickets created from the call; `name` is the ticket number."""
    answered_by: str | None


async def call_lines(session: AsyncSession, views: Sequence[CallView]) -> list[CallLine]:
    client_names = await _client_names(session, {i for view in views for i in view.client_ids})
    user_names = await _user_names(session, {view.answered_by_id for view in views if view.answered_by_id})
    ticket_numbers = await _ticket_numbers(session, {i for view in views for i in view.ticket_ids})
    return [CallLine(call=view, caller=display_number(view.caller_number, view.caller_e164),
                     called=display_number(view.called_number, view.called_e164) if view.called_number else "—",
                     outside_e164=view.called_e164 if view.direction == "outbound" else view.caller_e164,
                     clients=[NamedLink(id=i, name=client_names[i]) for i in view.client_ids if i in client_names],
                     tickets=[NamedLink(id=i, name=str(ticket_numbers[i])) for i in view.ticket_ids
                              if i in ticket_numbers],
                     answered_by=user_names.get(view.answered_by_id) if view.answered_by_id else None)
            for view in views]


async def _client_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {client.id: list_name(client) for client in await session.scalars(select(Client).where(Client.id.in_(ids)))}


async def _user_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict((await session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))).all())


async def _ticket_numbers(session: AsyncSession, ids: set[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict((await session.execute(select(Ticket.id, Ticket.number).where(Ticket.id.in_(ids)))).all())
