"""Click-to-call requests: the web process records them, the worker holding the AMI connection sends them.

A request moves `pending` → `sent` → `finished`. The worker claims a request by committing the
move to `sent` before it sends the Originate, so no request is ever sent twice: not after a
reconnect, a worker restart or a second worker. A request the worker did not take within
`MAX_PENDING_AGE` is finished as `expired` instead, because ringing the user's phone minutes
after the click would surprise them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
import structlog
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.actions import record_audit
from backend.domain.calls.models import OriginateRequest, OriginateStatus
from backend.domain.clients.access import access_client
from backend.domain.clients.models import ClientPhone
from backend.domain.clients.phones import normalize_phone
from backend.domain.errors import DomainError
from backend.domain.staff.access import Principal, check_permission
from backend.domain.staff.roles import Permission
from backend.domain.tickets.access import access_ticket, may_see_contact
from backend.realtime.outbox import emit

log = structlog.get_logger(__name__)

NOTIFY_CHANNEL = "domovoy_originate"
"""PostgreSQL NOTIFY channel that wakes the worker when a request is committed; carries no payload."""
MAX_PENDING_AGE = timedelta(seconds=30)

EXTRA_OUTCOMES = ("not_connected", "expired")
"""Outcomes besides those of `OriginateResponse`: no AMI session when the worker took the request,
or no worker took it within MAX_PENDING_AGE."""


class OriginateTarget(msgspec.Struct, kw_only=True):
    """Whom to call: a client (their first phone), a ticket (its contact phone or client) or a number."""

    client_id: int | None = None
    ticket_id: int | None = None
    number: str | None = None


class OriginateView(msgspec.Struct, kw_only=True):
    id: int
    status: str
    outcome: str | None
    number_e164: str
    extension: str


def view_of(request: OriginateRequest) -> OriginateView:
    return OriginateView(id=request.id, status=request.status, outcome=request.outcome,
                         number_e164=request.number_e164, extension=request.extension)


async def do_request_originate(session: AsyncSession, principal: Principal,
                               target: OriginateTarget) -> OriginateRequest:
    """Record a click-to-call for the worker; the outcome arrives later as `call.originate_result`."""
    check_permission(principal, Permission.PERSONAL_DATA_VIEW)
    if not principal.extension:
        raise DomainError("originate_no_extension", "Your account has no phone extension: ask an administrator "
                          "to set it on the users page.", field="extension", value=None)
    number, client_id, ticket_id = await _resolve_target(session, principal, target)
    request = OriginateRequest(user_id=principal.user_id, extension=principal.extension, number_e164=number,
                               client_id=client_id, ticket_id=ticket_id, status=OriginateStatus.PENDING)
    session.add(request)
    await session.flush()
    record_audit(session, principal.user_id, "calls.originate", "originate_request", request.id,
                 client_id=client_id, ticket_id=ticket_id)
    await session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
    log.info("originate_requested", request_id=request.id, user_id=principal.user_id, client_id=client_id,
             ticket_id=ticket_id)
    return request


async def _resolve_target(session: AsyncSession, principal: Principal,
                          target: OriginateTarget) -> tuple[str, int | None, int | None]:
    chosen = [name for name in ("client_id", "ticket_id", "number") if getattr(target, name) not in (None, "")]
    if len(chosen) != 1:
        raise DomainError("originate_target_invalid", "Give exactly one of: client, ticket or number.",
                          field="target", value=",".join(chosen) or None)
    if target.client_id is not None:
        client = await access_client(session, principal, target.client_id)
        return await _client_phone(session, client.id), client.id, None
    if target.ticket_id is not None:
        return await _ticket_phone(session, principal, target.ticket_id)
    return normalize_phone(target.number or ""), None, None


async def _client_phone(session: AsyncSession, client_id: int) -> str:
    phone = await session.scalar(select(ClientPhone.e164).where(ClientPhone.client_id == client_id)
                                 .order_by(ClientPhone.id).limit(1))
    if phone is None:
        raise DomainError("client_without_phone", "The client has no phone number.", field="client_id",
                          value=client_id)
    return phone


async def _ticket_phone(session: AsyncSession, principal: Principal, ticket_id: int) -> tuple[str, int | None, int]:
    ticket = await access_ticket(session, principal, ticket_id)
    if not may_see_contact(principal, ticket):
        raise DomainError("ticket_contact_hidden", "You may not see this ticket's contact.", field="ticket_id",
                          value=ticket_id)
    if ticket.contact_phone:
        return ticket.contact_phone, ticket.client_id, ticket.id
    if ticket.client_id is not None:
        return await _client_phone(session, ticket.client_id), ticket.client_id, ticket.id
    raise DomainError("ticket_without_phone", "The ticket has no contact phone.", field="ticket_id", value=ticket_id)


async def do_claim_originates(session: AsyncSession, now: datetime | None = None) -> list[OriginateRequest]:
    """Move pending requests to `sent` (the caller commits before sending); finish stale ones as expired."""
    now = now or utcnow()
    pending = list((await session.scalars(
        select(OriginateRequest).where(OriginateRequest.status == OriginateStatus.PENDING)
        .order_by(OriginateRequest.id).with_for_update(skip_locked=True))).all())
    claimed = []
    for request in pending:
        if now - request.created_at > MAX_PENDING_AGE:
            finish_originate(session, request, "expired", now)
            continue
        request.status = OriginateStatus.SENT
        request.sent_at = now
        claimed.append(request)
    return claimed


async def do_abandon_sent_originates(session: AsyncSession) -> int:
    """Finish as `unknown` the requests a previous AMI holder sent without recording the outcome.

    Called when a worker takes the telephony lock: whoever sent them is gone, and the outcome
    will never be reported. The calls themselves, if any, are still logged by the tracker.
    """
    stale = list((await session.scalars(select(OriginateRequest).where(
        OriginateRequest.status == OriginateStatus.SENT).with_for_update())).all())
    for request in stale:
        finish_originate(session, request, "unknown")
    return len(stale)


async def do_note_action_id(session: AsyncSession, request_id: int, action_id: str) -> None:
    await session.execute(update(OriginateRequest).where(OriginateRequest.id == request_id)
                          .values(action_id=action_id))


async def do_finish_originate(session: AsyncSession, request_id: int, outcome: str) -> OriginateRequest | None:
    """Store the outcome of the Originate and tell the user; a finished request is left as it is."""
    request = await session.get(OriginateRequest, request_id, with_for_update=True)
    if request is None or request.status == OriginateStatus.FINISHED:
        return None
    finish_originate(session, request, outcome)
    return request


def finish_originate(session: AsyncSession, request: OriginateRequest, outcome: str,
                     now: datetime | None = None) -> None:
    request.status = OriginateStatus.FINISHED
    request.outcome = outcome
    request.finished_at = now or utcnow()
    emit(session, "call.originate_result", {"request_id": request.id, "stage": "originate", "outcome": outcome},
         user_id=request.user_id)
    log.info("originate_finished", request_id=request.id, outcome=outcome)
