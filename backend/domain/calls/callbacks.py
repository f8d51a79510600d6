"""The callback list: outside numbers whose inbound calls were missed and that nobody has reached since.

A missed or abandoned inbound call from a number opens a callback, or joins the open one of that
number. The callback resolves itself when a call with the number is answered (an outbound call
back, or the client calling again); a user may also close it with a note.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.actions import record_audit
from backend.domain.calls.access import access_callback
from backend.domain.calls.models import Call, Callback, CallbackStatus, Direction, Outcome
from backend.domain.errors import Conflict, DomainError
from backend.domain.staff.access import Principal
from backend.realtime.outbox import emit

MAX_NOTE_CHARS = 1000


async def apply_call(session: AsyncSession, call: Call) -> Callback | None:
    """Open, join or resolve the callback of the call's outside number; return the callback touched."""
    if call.direction == Direction.INBOUND and call.outcome in Outcome.NEEDS_CALLBACK and call.caller_e164:
        return await _open_or_join(session, call)
    if call.outcome != Outcome.ANSWERED or call.direction == Direction.INTERNAL:
        return None
    number = call.caller_e164 if call.direction == Direction.INBOUND else call.called_e164
    status = CallbackStatus.ANSWERED_LATER if call.direction == Direction.INBOUND else CallbackStatus.CALLED_BACK
    return await _resolve_by_call(session, number, call, status) if number else None


async def _open_or_join(session: AsyncSession, call: Call) -> Callback:
    statement = insert(Callback).values(
        number_e164=call.caller_e164, status=CallbackStatus.OPEN, first_call_id=call.id, last_call_id=call.id,
        missed_calls=1, last_missed_at=call.started_at, created_at=utcnow())
    statement = statement.on_conflict_do_update(
        index_elements=[Callback.number_e164], index_where=text("status = 'open'"),
        set_={"last_call_id": call.id, "missed_calls": Callback.missed_calls + 1,
              "last_missed_at": call.started_at},
    ).returning(Callback.id)
    callback_id = (await session.execute(statement)).scalar_one()
    callback = await session.get(Callback, callback_id, populate_existing=True)
    _emit_changed(session, callback)
    return callback


async def _resolve_by_call(session: AsyncSession, number: str, call: Call, status: str) -> Callback | None:
    callback = await session.scalar(select(Callback).where(Callback.number_e164 == number,
                                                           Callback.status == CallbackStatus.OPEN)
                                    .with_for_update())
    if callback is None:
        return None
    callback.status = status
    callback.resolved_at = call.answered_at or call.ended_at or utcnow()
    callback.resolved_by_id = call.answered_by_id
    callback.resolved_by_call_id = call.id
    _emit_changed(session, callback)
    return callback


async def do_close_callback(session: AsyncSession, principal: Principal, callback_id: int, note: str) -> Callback:
    """Close an open callback without a call, for example a wrong number or a matter settled otherwise."""
    note = note.strip()
    if not note:
        raise DomainError("callback_note_missing", "Say why the callback is closed.", field="note", value=note)
    if len(note) > MAX_NOTE_CHARS:
        raise DomainError("callback_note_too_long", "The note is longer than {limit} characters.", field="note",
                          value=note[:50], limit=MAX_NOTE_CHARS)
    callback = await access_callback(session, principal, callback_id, for_update=True)
    if callback.status != CallbackStatus.OPEN:
        raise Conflict("callback_not_open", "The callback is already resolved.", field="callback_id",
                       value=callback_id)
    callback.status = CallbackStatus.CLOSED
    callback.resolved_at = utcnow()
    callback.resolved_by_id = principal.user_id
    callback.note = note
    record_audit(session, principal.user_id, "callbacks.close", "callback", callback.id, note=note)
    _emit_changed(session, callback)
    return callback


def _emit_changed(session: AsyncSession, callback: Callback) -> None:
    # No personal data: every signed-in user receives events without a building or user.
    emit(session, "callback.changed", {"callback_id": callback.id, "status": callback.status})
