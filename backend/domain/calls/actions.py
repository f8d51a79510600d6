"""Call use cases fed by the call tracker: a phone starts ringing, a call finishes.

Both are idempotent by Linkedid: a repeated ring, a replayed capture or a call seen again after
an AMI reconnect never creates a second row, and a call's finish is applied once. The caller
commits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

import structlog
from sqlalchemy import any_, case, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.calls import callbacks
from backend.domain.calls.matching import caller_e164, match_clients, users_by_extension
from backend.domain.calls.models import Call, CallClient, Direction, OriginateRequest
from backend.domain.calls.screen_pop import ScreenPop, caller_of, pop_clients
from backend.domain.staff.actions import principal_of
from backend.realtime.outbox import emit
from backend.telephony.records import CallRecord, Ringing

log = structlog.get_logger(__name__)


async def do_ring(session: AsyncSession, ringing: Ringing, today: date | None = None) -> ScreenPop | None:
    """Store the ringing call and send the screen pop to the user at the ringing extension.

    Returns the pop, or None when no active user has the extension or the call already ended.
    """
    e164 = caller_e164(ringing.caller_number)
    call_id, ended = await _upsert_ringing(session, ringing, e164)
    client_ids = await match_clients(session, e164)
    await link_clients(session, call_id, client_ids)
    user = (await users_by_extension(session, [ringing.extension])).get(ringing.extension)
    if user is None or ended:
        log.info("call_ringing_without_pop", call_id=call_id, extension=ringing.extension, ended=ended)
        return None
    principal = principal_of(user)
    pop = ScreenPop(call_id=call_id, linkedid=ringing.linkedid, extension=ringing.extension,
                    caller=caller_of(ringing.caller_number, e164, ringing.caller_name), queue=ringing.queue,
                    clients=await pop_clients(session, principal, client_ids, today or date.today()),
                    matched_clients=len(client_ids))
    emit(session, "call.ringing", pop, user_id=user.id)
    log.info("call_ringing", call_id=call_id, extension=ringing.extension, user_id=user.id,
             clients=len(client_ids))
    return pop


async def _upsert_ringing(session: AsyncSession, ringing: Ringing, e164: str | None) -> tuple[int, bool]:
    """Insert the live call or add the extension to it; return its id and whether it has ended."""
    direction = Direction.INBOUND if e164 is not None else Direction.INTERNAL
    statement = insert(Call).values(
        linkedid=ringing.linkedid, direction=direction, caller_number=ringing.caller_number, caller_e164=e164,
        caller_name=ringing.caller_name, queue=ringing.queue, rang_extensions=[ringing.extension],
        started_at=ringing.at)
    already_rang = literal(ringing.extension) == any_(Call.rang_extensions)
    statement = statement.on_conflict_do_update(
        index_elements=[Call.linkedid],
        set_={"rang_extensions": case((already_rang, Call.rang_extensions),
                                      else_=func.array_append(Call.rang_extensions, ringing.extension)),
              "queue": func.coalesce(Call.queue, statement.excluded.queue)},
    ).returning(Call.id, Call.ended_at)
    row = (await session.execute(statement)).one()
    return row.id, row.ended_at is not None


async def link_clients(session: AsyncSession, call_id: int, client_ids: Sequence[int]) -> None:
    if client_ids:
        await session.execute(insert(CallClient).values([{"call_id": call_id, "client_id": client_id}
                                                         for client_id in client_ids])
                              .on_conflict_do_nothing())


async def do_record_call(session: AsyncSession, record: CallRecord) -> tuple[Call, bool]:
    """Store a finished call; return it and whether this finish is new (False: seen before).

    The outside party is matched to clients: the caller of an inbound call, the number dialed
    by an outbound one; internal calls match nobody. A missed or abandoned inbound call opens a
    callback, an answered call with the number closes it.
    """
    fields = _record_fields(record)
    answered_by = await users_by_extension(session, [record.answered_by] if record.answered_by else [])
    fields["answered_by_id"] = answered_by[record.answered_by].id if record.answered_by in answered_by else None
    call_id = await _upsert_finished(session, record.linkedid, fields)
    if call_id is None:
        existing = await session.scalar(select(Call).where(Call.linkedid == record.linkedid))
        return existing, False
    call = await session.get(Call, call_id, populate_existing=True)
    await link_clients(session, call.id, await match_clients(session, outside_party(call)))
    callback = await callbacks.apply_call(session, call)
    await _emit_finished(session, call, callback_id=callback.id if callback else None)
    await _report_originated_call(session, call)
    log.info("call_recorded", call_id=call.id, direction=call.direction, outcome=call.outcome,
             duration=call.duration_seconds)
    return call, True


def _record_fields(record: CallRecord) -> dict[str, object]:
    return {
        "direction": record.direction, "caller_number": record.caller_number,
        "caller_e164": caller_e164(record.caller_number), "caller_name": record.caller_name,
        "called_number": record.called_number, "called_e164": caller_e164(record.called_number),
        "queue": record.queue, "rang_extensions": list(record.rang_extensions),
        "answered_extension": record.answered_by, "started_at": record.started_at,
        "answered_at": record.answered_at, "ended_at": record.ended_at,
        "duration_seconds": record.duration_seconds, "outcome": record.outcome, "recording": record.recording,
        "originate_action_id": record.originate_action_id,
    }


async def _upsert_finished(session: AsyncSession, linkedid: str, fields: dict[str, object]) -> int | None:
    """Insert the call or complete its live row; None when the call was already stored as finished."""
    statement = insert(Call).values(linkedid=linkedid, **fields)
    statement = statement.on_conflict_do_update(
        index_elements=[Call.linkedid], set_={**fields, "updated_at": func.now()},
        where=Call.ended_at.is_(None),
    ).returning(Call.id)
    return (await session.execute(statement)).scalar_one_or_none()


async def do_close_vanished_calls(session: AsyncSession, live_linkedids: Collection[str], at: datetime) -> int:
    """End the rows of calls that rang but that Asterisk no longer has; return how many.

    Such a call ended while no worker was connected, so its outcome is unknown and stays empty;
    it opens no callback. Called after an AMI (re)connect with the calls the snapshot shows live.
    """
    statement = update(Call).where(Call.ended_at.is_(None)).values(ended_at=at, updated_at=func.now())
    if live_linkedids:
        statement = statement.where(Call.linkedid.not_in(sorted(live_linkedids)))
    closed = (await session.execute(statement)).rowcount
    if closed:
        log.warning("calls_vanished", count=closed)
    return closed


def outside_party(call: Call) -> str | None:
    """Return the E.164 number of the call's outside party; None for internal calls."""
    if call.direction == Direction.INBOUND:
        return call.caller_e164
    if call.direction == Direction.OUTBOUND:
        return call.called_e164
    return None


async def _emit_finished(session: AsyncSession, call: Call, callback_id: int | None) -> None:
    """Tell every user whose phone rang how the call ended, and every call log that it changed."""
    users = await users_by_extension(session, call.rang_extensions)
    for extension, user in sorted(users.items()):
        emit(session, "call.finished", {"call_id": call.id, "linkedid": call.linkedid, "outcome": call.outcome,
                                        "answered_by_me": call.answered_extension == extension},
             user_id=user.id)
    # No personal data: every signed-in user receives events without a building or user.
    emit(session, "call.logged", {"call_id": call.id, "direction": call.direction, "outcome": call.outcome,
                                  "callback_id": callback_id})


async def _report_originated_call(session: AsyncSession, call: Call) -> None:
    """Tell the user who clicked to call how the call to the client ended."""
    if call.originate_action_id is None:
        return
    request = await session.scalar(select(OriginateRequest)
                                   .where(OriginateRequest.action_id == call.originate_action_id))
    if request is None:
        return
    emit(session, "call.originate_result", {"request_id": request.id, "stage": "call", "outcome": call.outcome,
                                            "call_id": call.id}, user_id=request.user_id)
