"""Ordering and cancelling passes. Arrivals and departures live in `visits`."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import msgspec
import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.actions import record_audit
from backend.domain.errors import Conflict, DomainError
from backend.domain.passes.access import access_pass
from backend.domain.passes.events import PassCancelled, PassCreated, PassEvent, event_data, event_type
from backend.domain.passes.hosts import Host, resolve_host
from backend.domain.passes.models import Pass, PassKind, PassSource, PassStatus
from backend.domain.passes.subjects import Subject, check_subject
from backend.domain.passes.windows import check_kind, resolve_window
from backend.domain.staff.access import Principal, check_permission
from backend.domain.staff.roles import Permission, Role
from backend.domain.tickets.models import IdempotencyKey
from backend.realtime.outbox import emit

log = structlog.get_logger(__name__)

IDEMPOTENCY_SCOPE = "pass"
QR_TOKEN_DIGITS = 12  # about 40 bits: a guessed QR code matches a pass once in a trillion tries

SOURCE_BY_ROLE = {
    Role.CONCIERGE: PassSource.CONCIERGE,
    Role.ACCOUNT_MANAGER: PassSource.ACCOUNT_MANAGER,
}


class PassRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An order for a pass. Times without an offset are wall-clock times in the building's zone."""

    kind: str = PassKind.ONE_TIME
    building_id: int | None = None
    premise_id: int | None = None
    client_id: int | None = None
    """The host client: a resident, an owner or a tenant company."""
    host_name: str | None = None
    """The host as guards should see it, when there is no client record."""
    visitor_name: str | None = None
    document: str | None = None
    plate: str | None = None
    vehicle_make: str | None = None
    valid_on: date | None = None
    """A one-day pass: 00:00 to 23:59:59 local time of this date."""
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    note: str | None = None
    source: str | None = None
    """Who orders: resident_app, portal, concierge, account_manager, tenant_company or staff.
    Defaults to the caller's role."""


async def do_create_pass(session: AsyncSession, principal: Principal, request: PassRequest, *,
                         idempotency_key: str | None = None, now: datetime | None = None) -> tuple[Pass, bool]:
    """Create a pass; return it and whether it is new.

    With an idempotency key, a repeat of the same request by the same user returns the pass the
    first request created; concurrent repeats are serialized by an advisory lock on the key.
    """
    check_permission(principal, Permission.PASSES_CREATE)
    now = now or utcnow()
    if idempotency_key is not None:
        existing = await _pass_by_key(session, principal.user_id, idempotency_key)
        if existing is not None:
            return existing, False

    host = await resolve_host(session, principal, request.building_id, request.premise_id, request.client_id,
                              request.host_name)
    item = _new_pass(principal, request, host, check_subject(request.visitor_name, request.plate,
                                                             request.vehicle_make, request.document), now)
    session.add(item)
    await session.flush()
    if idempotency_key is not None:
        session.add(IdempotencyKey(user_id=principal.user_id, key=idempotency_key, scope=IDEMPOTENCY_SCOPE,
                                   object_id=item.id))

    publish_pass_event(session, PassCreated(pass_id=item.id, number=item.number, status=item.status,
                                  entrance_id=item.entrance_id), item.building_id)
    record_audit(session, principal.user_id, "pass.created", "pass", item.id, number=item.number,
                 building_id=item.building_id, kind=item.kind, source=item.source)
    log.info("pass_created", pass_id=item.id, building_id=item.building_id, source=item.source)
    return item, True


def _new_pass(principal: Principal, request: PassRequest, host: Host, subject: Subject, now: datetime) -> Pass:
    kind = check_kind(request.kind)
    window = resolve_window(kind, request.valid_on, request.valid_from, request.valid_until, host.zone, now)
    return Pass(
        qr_token=_qr_token(), building_id=host.building_id, premise_id=host.premise_id,
        entrance_id=host.entrance_id, client_id=host.client_id, host_name=host.name, kind=kind,
        visitor_name=subject.visitor_name, visitor_name_key=subject.visitor_name_key, document=subject.document,
        plate=subject.plate, plate_digits=subject.plate_digits, vehicle_make=subject.vehicle_make,
        note=_clean(request.note), valid_from=window.valid_from, valid_until=window.valid_until,
        status=PassStatus.EXPECTED, source=_check_source(request.source, principal), created_by_id=principal.user_id)


async def _pass_by_key(session: AsyncSession, user_id: int, key: str) -> Pass | None:
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(f"pass:{user_id}:{key}", 0))))
    stored = await session.get(IdempotencyKey, (user_id, key))
    if stored is None:
        return None
    if stored.scope != IDEMPOTENCY_SCOPE:
        raise Conflict("idempotency_key_reused", "This Idempotency-Key was already used for another kind of "
                       "request. Send a new key.", field="Idempotency-Key", value=key)
    return await session.get(Pass, stored.object_id)


async def do_cancel_pass(session: AsyncSession, principal: Principal, pass_id: int, reason: str | None = None,
                         *, now: datetime | None = None) -> Pass:
    """Cancel a pass so that it lets nobody in again. Cancelling a cancelled pass changes nothing.

    A visitor already on site stays on the list until a guard marks the departure.
    """
    item = await access_pass(session, principal, pass_id, Permission.PASSES_CREATE, for_update=True)
    if item.status == PassStatus.CANCELLED:
        return item

    item.status = PassStatus.CANCELLED
    item.cancelled_at = now or utcnow()
    item.cancelled_by_id = principal.user_id
    item.cancel_reason = _clean(reason)
    publish_pass_event(session, PassCancelled(pass_id=item.id, number=item.number, status=item.status,
                                    entrance_id=item.entrance_id), item.building_id)
    record_audit(session, principal.user_id, "pass.cancelled", "pass", item.id, number=item.number,
                 reason=item.cancel_reason)
    log.info("pass_cancelled", pass_id=item.id, building_id=item.building_id)
    return item


def publish_pass_event(session: AsyncSession, event: PassEvent, building_id: int) -> None:
    emit(session, event_type(event), event_data(event), building_id=building_id)


def _check_source(source: str | None, principal: Principal) -> str:
    if source is None:
        return SOURCE_BY_ROLE.get(principal.role, PassSource.STAFF)
    if source not in PassSource.ALL:
        raise DomainError("pass_source_invalid", "Unknown pass source. Allowed values: {allowed}.", field="source",
                       value=source, allowed=", ".join(PassSource.ALL))
    return source


def _qr_token() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(QR_TOKEN_DIGITS))


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None
