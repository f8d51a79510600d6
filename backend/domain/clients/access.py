"""Who may see and change a client, on top of the staff access layer.

A client belongs to the buildings of the premises they are or were related to. A user sees a client
when one of those buildings is in the user's scope. A client related to no premise yet (just
created by a dispatcher, or a contact person of an organisation) belongs to no building, so every
user with the personal-data permission sees them: there is no building whose scope could hide them.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, not_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.models import Premise
from backend.domain.clients.models import Client, ClientPremise
from backend.domain.errors import NotFound
from backend.domain.staff.access import Principal, check_permission, scope_filter
from backend.domain.staff.roles import Permission


def client_scope_filter(principal: Principal, client_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Return a WHERE clause that keeps the clients the user may see."""
    if principal.all_buildings:
        return true()
    related = select(ClientPremise.id).where(ClientPremise.client_id == client_id)
    in_scope = (select(ClientPremise.id).join(Premise, Premise.id == ClientPremise.premise_id)
                .where(ClientPremise.client_id == client_id, scope_filter(principal, Premise.building_id)))
    return exists(in_scope) | not_(exists(related))


async def access_client(session: AsyncSession, principal: Principal, client_id: int,
                        permission: Permission = Permission.PERSONAL_DATA_VIEW) -> Client:
    """Fetch a client the user may see, or raise NotFound so that an unseen client is not disclosed."""
    check_permission(principal, Permission.PERSONAL_DATA_VIEW)
    check_permission(principal, permission)
    client = await session.scalar(select(Client).where(Client.id == client_id,
                                                       client_scope_filter(principal, Client.id)))
    if client is None:
        raise NotFound("client_not_found", "Client not found or not in your buildings.", field="client_id",
                       value=client_id)
    return client
