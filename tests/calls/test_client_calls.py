"""The calls section of a client card: the client's calls, newest first, with the client's side formatted."""

from __future__ import annotations

from backend.domain.calls.actions import do_record_call
from backend.domain.calls.queries import calls_for_client
from tests.calls.records import call_record
from tests.factories import make_client


async def record(db, *args, **kwargs):
    call, _ = await do_record_call(db, call_record(*args, **kwargs))
    await db.commit()
    return call


async def test_client_calls_newest_first(db, factory) -> None:
    person = await make_client(db, phone="+7 912 345-67-89")
    agent = await factory.user("dispatcher", all_buildings=True, extension="201")
    incoming = await record(db, "inbound", "answered", caller="89123456789", minutes=0)
    outgoing = await record(db, "outbound", "busy", caller="201", called="+79123456789", minutes=5)
    await record(db, "inbound", "answered", caller="+79990000001", minutes=10)

    lines = await calls_for_client(db, person.id)

    assert [line.id for line in lines] == [outgoing.id, incoming.id]
    assert [(line.direction, line.outcome, line.number) for line in lines] == [
        ("outbound", "busy", "+7 (912) 345-67-89"), ("inbound", "answered", "+7 (912) 345-67-89")]
    assert lines[1].answered_by == agent.full_name


async def test_client_calls_include_merged_cards(db) -> None:
    survivor = await make_client(db, phone="+7 912 345-67-89")
    merged = await make_client(db, last_name="Образцова", phone="+7 999 000-00-02")
    first = await record(db, "inbound", "missed", caller="+79123456789", minutes=0)
    second = await record(db, "inbound", "missed", caller="+79990000002", minutes=1)

    lines = await calls_for_client(db, [survivor.id, merged.id])

    assert [line.id for line in lines] == [second.id, first.id]


async def test_client_without_calls_has_none(db) -> None:
    person = await make_client(db, phone="+7 912 345-67-89")

    assert await calls_for_client(db, [person.id]) == []
    assert await calls_for_client(db, []) == []
