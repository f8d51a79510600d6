"""Missed and abandoned inbound calls wait on the callback list until someone reaches the number."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.domain.calls.actions import do_record_call
from backend.domain.calls.callbacks import do_close_callback
from backend.domain.calls.models import Callback
from backend.domain.errors import Conflict, DomainError, NotFound
from backend.domain.staff.actions import principal_of
from tests.calls.records import call_record


async def callbacks(db) -> list[Callback]:
    query = select(Callback).order_by(Callback.id).execution_options(populate_existing=True)
    return list((await db.scalars(query)).all())


async def record(db, *args, **kwargs):
    call, created = await do_record_call(db, call_record(*args, **kwargs))
    await db.commit()
    return call


@pytest.mark.parametrize("outcome", ["missed", "abandoned"])
async def test_missed_inbound_call_opens_callback(db, outcome: str) -> None:
    call = await record(db, "inbound", outcome, caller="8 (912) 345-67-89")

    [callback] = await callbacks(db)
    assert (callback.number_e164, callback.status, callback.missed_calls) == ("+79123456789", "open", 1)
    assert callback.first_call_id == callback.last_call_id == call.id


async def test_second_missed_call_joins_open_callback(db) -> None:
    first = await record(db, "inbound", "missed", minutes=0)
    second = await record(db, "inbound", "abandoned", caller="89123456789", minutes=5)

    [callback] = await callbacks(db)
    assert (callback.missed_calls, callback.first_call_id, callback.last_call_id) == (2, first.id, second.id)
    assert callback.last_missed_at == second.started_at


@pytest.mark.parametrize("caller", ["201", None, "anonymous"])
async def test_unreachable_caller_needs_no_callback(db, caller: str | None) -> None:
    await record(db, "inbound", "missed", caller=caller)

    assert await callbacks(db) == []


async def test_missed_internal_call_needs_no_callback(db) -> None:
    await record(db, "internal", "missed", caller="201", called="202")

    assert await callbacks(db) == []


async def test_answered_call_back_resolves_callback(db, factory) -> None:
    agent = await factory.user("dispatcher", all_buildings=True, extension="201")
    await record(db, "inbound", "missed", minutes=0)
    back = await record(db, "outbound", "answered", caller="201", called="8 912 345 67 89", minutes=10)

    [callback] = await callbacks(db)
    assert (callback.status, callback.resolved_by_call_id, callback.resolved_by_id) == ("called_back", back.id,
                                                                                         agent.id)
    assert callback.resolved_at == back.answered_at


async def test_unanswered_call_back_keeps_callback(db) -> None:
    await record(db, "inbound", "missed", minutes=0)
    await record(db, "outbound", "busy", caller="201", called="+79123456789", minutes=10)

    [callback] = await callbacks(db)
    assert callback.status == "open"


async def test_client_calling_again_resolves_callback(db) -> None:
    await record(db, "inbound", "missed", minutes=0)
    await record(db, "inbound", "answered", minutes=10)

    [callback] = await callbacks(db)
    assert callback.status == "answered_later"


async def test_new_miss_after_resolution_opens_new(db) -> None:
    await record(db, "inbound", "missed", minutes=0)
    await record(db, "inbound", "answered", minutes=10)
    await record(db, "inbound", "missed", minutes=20)

    assert [c.status for c in await callbacks(db)] == ["answered_later", "open"]


async def test_close_callback_with_note(db, factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True)
    await record(db, "inbound", "missed")
    [callback] = await callbacks(db)

    await do_close_callback(db, principal_of(dispatcher), callback.id, "  Ошиблись номером ")
    await db.commit()

    [closed] = await callbacks(db)
    assert (closed.status, closed.note, closed.resolved_by_id) == ("closed", "Ошиблись номером", dispatcher.id)


async def test_close_callback_needs_note(db, factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True)
    await record(db, "inbound", "missed")
    [callback] = await callbacks(db)

    with pytest.raises(DomainError) as raised:
        await do_close_callback(db, principal_of(dispatcher), callback.id, "   ")

    assert (raised.value.code, raised.value.field) == ("callback_note_missing", "note")


async def test_closing_resolved_callback_conflicts(db, factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True)
    await record(db, "inbound", "missed")
    await record(db, "inbound", "answered", minutes=5)
    [callback] = await callbacks(db)

    with pytest.raises(Conflict):
        await do_close_callback(db, principal_of(dispatcher), callback.id, "Дозвонились")


async def test_callback_hidden_outside_scope(db, factory) -> None:
    building = await factory.building()
    manager = await factory.user("building_manager", buildings=[building])
    await record(db, "inbound", "missed")
    [callback] = await callbacks(db)

    with pytest.raises(NotFound):
        await do_close_callback(db, principal_of(manager), callback.id, "Не наш клиент")
