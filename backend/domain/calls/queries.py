"""Reading calls: the call log with filters, a call's detail, a client's calls."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import date, datetime

import msgspec
from sqlalchemy import Select, any_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.calls.access import access_call, call_scope_filter
from backend.domain.calls.matching import caller_e164
from backend.domain.calls.models import Call, CallClient, Direction, Outcome
from backend.domain.calls.phones import display_number
from backend.domain.calls.screen_pop import PopClient, pop_clients
from backend.domain.clients.access import client_scope_filter
from backend.domain.errors import DomainError
from backend.domain.staff.access import Principal, has_permission, scope_filter
from backend.domain.staff.models import User
from backend.domain.staff.roles import Permission
from backend.domain.tickets.models import Ticket

MAX_PAGE = 200
DEFAULT_PAGE = 50
CLIENT_CALLS_SHOWN = 20


class CallFilter(msgspec.Struct, kw_only=True):
    direction: str | None = None
    outcome: str | None = None
    number: str | None = None
    """Caller or called number: any phone format matches by E.164, other text by substring."""
    extension: str | None = None
    """An extension that rang or answered."""
    queue: str | None = None
    client_id: int | None = None
    started_from: datetime | None = None
    started_to: datetime | None = None


class CallView(msgspec.Struct, kw_only=True):
    id: int
    linkedid: str
    direction: str
    caller_number: str | None
    caller_e164: str | None
    caller_name: str | None
    called_number: str | None
    called_e164: str | None
    queue: str | None
    rang_extensions: list[str]
    answered_extension: str | None
    answered_by_id: int | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    """None while the call is in progress."""
    duration_seconds: int | None
    outcome: str | None
    recording: str | None
    client_ids: list[int]
    ticket_ids: list[int]


class CallPage(msgspec.Struct, kw_only=True):
    items: list[CallView]
    next_cursor: str | None


class TicketPrefill(msgspec.Struct, kw_only=True):
    """Fields of the board's new-ticket form taken from a call."""

    call_id: int
    channel: str = "phone"
    building_id: int | None = None
    premise_id: int | None = None
    premise_label: str | None = None
    client_id: int | None = None
    client_query: str | None = None
    contact_phone: str | None = None


class CallDetail(msgspec.Struct, kw_only=True):
    call: CallView
    caller_display: str
    clients: list[PopClient]
    prefill: TicketPrefill


class ClientCall(msgspec.Struct, kw_only=True):
    """A line of the calls section of a client card."""

    id: int
    started_at: datetime
    direction: str
    outcome: str | None
    duration_seconds: int | None
    number: str
    """The client's side of the call, formatted for people."""
    answered_by: str | None
    """Full name of the staff user who answered."""
    ticket_ids: list[int]


def check_filter(flt: CallFilter) -> None:
    if flt.direction is not None and flt.direction not in Direction.ALL:
        raise DomainError("direction_invalid", "Unknown call direction.", field="direction", value=flt.direction)
    if flt.outcome is not None and flt.outcome not in Outcome.ALL:
        raise DomainError("outcome_invalid", "Unknown call outcome.", field="outcome", value=flt.outcome)


def _filtered(principal: Principal, flt: CallFilter) -> Select:
    query = select(Call).where(call_scope_filter(principal))
    if flt.direction:
        query = query.where(Call.direction == flt.direction)
    if flt.outcome:
        query = query.where(Call.outcome == flt.outcome)
    if flt.number and flt.number.strip():
        query = query.where(_number_clause(flt.number.strip()))
    if flt.extension:
        query = query.where(or_(Call.answered_extension == flt.extension,
                                   literal(flt.extension) == any_(Call.rang_extensions)))
    if flt.queue:
        query = query.where(Call.queue == flt.queue)
    if flt.client_id is not None:
        query = query.where(Call.id.in_(select(CallClient.call_id).where(CallClient.client_id == flt.client_id)))
    if flt.started_from is not None:
        query = query.where(Call.started_at >= flt.started_from)
    if flt.started_to is not None:
        query = query.where(Call.started_at < flt.started_to)
    return query


def _number_clause(number: str):
    e164 = caller_e164(number)
    if e164 is not None:
        return or_(Call.caller_e164 == e164, Call.called_e164 == e164)
    pattern = "%" + number.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(Call.caller_number.like(pattern), Call.called_number.like(pattern))


def encode_cursor(call: Call) -> str:
    return base64.urlsafe_b64encode(f"{call.started_at.isoformat()}|{call.id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        moment, _, call_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(moment), int(call_id)
    except ValueError:
        raise DomainError("cursor_invalid", "The page cursor is invalid; start from the first page.",
                          field="cursor", value=cursor[:50]) from None


async def list_calls(session: AsyncSession, principal: Principal, flt: CallFilter, *, cursor: str | None = None,
                     limit: int = DEFAULT_PAGE) -> CallPage:
    """Calls the user may see, newest first; `next_cursor` continues the list."""
    check_filter(flt)
    limit = max(1, min(limit, MAX_PAGE))
    query = _filtered(principal, flt)
    if cursor:
        moment, call_id = decode_cursor(cursor)
        query = query.where(or_(Call.started_at < moment, (Call.started_at == moment) & (Call.id < call_id)))
    calls = list((await session.scalars(query.order_by(Call.started_at.desc(), Call.id.desc())
                                        .limit(limit + 1))).all())
    more = len(calls) > limit
    calls = calls[:limit]
    views = await call_views(session, principal, calls)
    return CallPage(items=views, next_cursor=encode_cursor(calls[-1]) if more else None)


async def call_views(session: AsyncSession, principal: Principal, calls: Sequence[Call]) -> list[CallView]:
    ids = [call.id for call in calls]
    clients = await _client_ids(session, principal, ids)
    tickets = await _ticket_ids(session, principal, ids)
    return [_view(call, clients.get(call.id, []), tickets.get(call.id, [])) for call in calls]


def _view(call: Call, client_ids: list[int], ticket_ids: list[int]) -> CallView:
    return CallView(
        id=call.id, linkedid=call.linkedid, direction=call.direction, caller_number=call.caller_number,
        caller_e164=call.caller_e164, caller_name=call.caller_name, called_number=call.called_number,
        called_e164=call.called_e164, queue=call.queue, rang_extensions=list(call.rang_extensions),
        answered_extension=call.answered_extension, answered_by_id=call.answered_by_id, started_at=call.started_at,
        answered_at=call.answered_at, ended_at=call.ended_at, duration_seconds=call.duration_seconds,
        outcome=call.outcome, recording=call.recording, client_ids=client_ids, ticket_ids=ticket_ids)


async def _client_ids(session: AsyncSession, principal: Principal, call_ids: list[int]) -> dict[int, list[int]]:
    if not call_ids or not has_permission(principal, Permission.PERSONAL_DATA_VIEW):
        return {}
    rows = await session.execute(select(CallClient.call_id, CallClient.client_id)
                                 .where(CallClient.call_id.in_(call_ids),
                                        client_scope_filter(principal, CallClient.client_id))
                                 .order_by(CallClient.call_id, CallClient.client_id))
    found: dict[int, list[int]] = {}
    for call_id, client_id in rows:
        found.setdefault(call_id, []).append(client_id)
    return found


async def _ticket_ids(session: AsyncSession, principal: Principal, call_ids: list[int]) -> dict[int, list[int]]:
    if not call_ids:
        return {}
    rows = await session.execute(select(Ticket.call_id, Ticket.id)
                                 .where(Ticket.call_id.in_(call_ids), scope_filter(principal, Ticket.building_id))
                                 .order_by(Ticket.call_id, Ticket.id))
    found: dict[int, list[int]] = {}
    for call_id, ticket_id in rows:
        found.setdefault(call_id, []).append(ticket_id)
    return found


async def call_detail(session: AsyncSession, principal: Principal, call_id: int, *, client_id: int | None = None,
                      premise_id: int | None = None, today: date | None = None) -> CallDetail:
    """Return a call with its matched clients and the new-ticket form fields it pre-fills.

    `client_id` and `premise_id` choose the matched client and premise that pre-fill the form.
    Without them, the first client and their first premise do.
    """
    call = await access_call(session, principal, call_id)
    view = (await call_views(session, principal, [call]))[0]
    clients = await pop_clients(session, principal, view.client_ids, today or date.today())
    return CallDetail(call=view, caller_display=display_number(call.caller_number, call.caller_e164),
                      clients=clients, prefill=ticket_prefill(call, clients, client_id, premise_id))


def ticket_prefill(call: Call, clients: Sequence[PopClient], client_id: int | None = None,
                   premise_id: int | None = None) -> TicketPrefill:
    """Pre-fill from the chosen (else the first) matched client and premise; an unknown number gives the phone only."""
    outside = call.called_e164 if call.direction == Direction.OUTBOUND else call.caller_e164
    prefill = TicketPrefill(call_id=call.id, contact_phone=display_number(None, outside) if outside else None)
    client = next((c for c in clients if c.id == client_id), clients[0] if clients else None)
    if client is None:
        return prefill
    prefill.client_id = client.id
    prefill.client_query = client.name
    premise = next((p for p in client.premises if p.id == premise_id), client.premises[0] if client.premises else None)
    if premise is not None:
        prefill.building_id, prefill.premise_id, prefill.premise_label = premise.building_id, premise.id, premise.label
    return prefill


async def calls_for_client(session: AsyncSession, client_ids: int | Sequence[int],
                           limit: int = CLIENT_CALLS_SHOWN) -> list[ClientCall]:
    """Calls of a client (and of the cards merged into it, when their ids are passed), newest first.

    The caller has already checked that the user may open the client card.
    """
    ids = [client_ids] if isinstance(client_ids, int) else list(client_ids)
    if not ids:
        return []
    rows = (await session.execute(
        select(Call, User.full_name).outerjoin(User, User.id == Call.answered_by_id)
        .where(Call.id.in_(select(CallClient.call_id).where(CallClient.client_id.in_(ids))))
        .order_by(Call.started_at.desc(), Call.id.desc()).limit(limit))).all()
    tickets = await _all_ticket_ids(session, [call.id for call, _ in rows])
    return [ClientCall(id=call.id, started_at=call.started_at, direction=call.direction, outcome=call.outcome,
                       duration_seconds=call.duration_seconds, answered_by=answered_by,
                       number=_client_side(call), ticket_ids=tickets.get(call.id, []))
            for call, answered_by in rows]


def _client_side(call: Call) -> str:
    if call.direction == Direction.OUTBOUND:
        return display_number(call.called_number, call.called_e164)
    return display_number(call.caller_number, call.caller_e164)


async def _all_ticket_ids(session: AsyncSession, call_ids: list[int]) -> dict[int, list[int]]:
    if not call_ids:
        return {}
    rows = await session.execute(select(Ticket.call_id, func.array_agg(Ticket.id))
                                 .where(Ticket.call_id.in_(call_ids)).group_by(Ticket.call_id))
    return {call_id: sorted(ticket_ids) for call_id, ticket_ids in rows}
