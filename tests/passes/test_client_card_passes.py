"""The client card lists the passes ordered for the client."""

from __future__ import annotations

import pytest

from backend.domain.clients.card import open_client_card
from backend.domain.staff.actions import principal_of

pytestmark = pytest.mark.asyncio


async def test_card_lists_client_passes(client, db, factory, site):
    response = await client.post("/api/v1/passes", json={"premise_id": site.flat.id, "client_id": site.resident.id,
                                                          "visitor_name": "Курьеров Кирилл"},
                                 headers=site.concierge_headers)
    assert response.status_code == 201, response.text
    dispatcher = await factory.user("dispatcher", all_buildings=True)
    card = await open_client_card(db, principal_of(dispatcher), site.resident.id)
    assert [line.visitor for line in card.passes] == ["Курьеров Кирилл"]
    assert card.passes[0].number == response.json()["number"]
