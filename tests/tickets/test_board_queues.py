"""Board queues: overdue tickets counted and listed once, in the overdue queue only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from backend.db.base import utcnow
from backend.domain.staff.actions import principal_of
from backend.domain.tickets.models import Ticket
from backend.domain.tickets.queries import TicketFilter, board_queues
from tests.tickets.conftest import new_ticket

pytestmark = pytest.mark.asyncio


async def test_overdue_counted_once(client, db, desk):
    ids = []
    for index in range(3):
        response = await client.post("/api/v1/tickets", json=new_ticket(desk, description=f"Заявка {index}"),
                                     headers=desk.dispatcher_headers)
        ids.append(response.json()["ticket"]["id"])
    await db.execute(update(Ticket).where(Ticket.id == ids[0]).values(resolution_due_at=utcnow() - timedelta(hours=1)))
    await db.commit()
    board = await board_queues(db, principal_of(desk.dispatcher), TicketFilter())
    assert board.counts == {"new": 2, "assigned": 0, "in_progress": 0, "on_hold": 0, "overdue": 1}
    assert [row.id for row in board.queues["overdue"]] == [ids[0]]
    assert sorted(row.id for row in board.queues["new"]) == sorted(ids[1:])
