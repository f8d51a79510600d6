"""Who may see and change a ticket: building scope for everyone, plus own tickets for technicians."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.errors import NotFound
from backend.domain.staff.access import Principal, can_see_building, check_permission, has_permission
from backend.domain.staff.roles import Permission
from backend.domain.tickets.models import Ticket


async def access_ticket(session: AsyncSession, principal: Principal, ticket_id: int,
                        permission: Permission = Permission.TICKETS_VIEW, *, for_update: bool = False) -> Ticket:
    """Fetch a ticket the user may act on with `permission`; NotFound outside the user's scope.

    A technician without TICKETS_MANAGE acts (TICKETS_WORK) only on tickets assigned to them.
    """
    check_permission(principal, Permission.TICKETS_VIEW)
    ticket = await session.get(Ticket, ticket_id, with_for_update=for_update)
    if ticket is None or not can_see_building(principal, ticket.building_id):
        raise NotFound("ticket_not_found", "Ticket not found or not in your scope.", field="ticket_id",
                       value=ticket_id)
    if permission == Permission.TICKETS_WORK and not has_permission(principal, Permission.TICKETS_MANAGE):
        check_permission(principal, Permission.TICKETS_WORK)
        if ticket.assignee_id != principal.user_id:
            raise NotFound("ticket_not_found", "Ticket not found or not in your scope.", field="ticket_id",
                           value=ticket_id)
    elif permission != Permission.TICKETS_WORK:
        check_permission(principal, permission)
    return ticket


def may_see_contact(principal: Principal, ticket: Ticket) -> bool:
    """Client names and phones: roles with personal-data access, and the assigned technician."""
    return has_permission(principal, Permission.PERSONAL_DATA_VIEW) or ticket.assignee_id == principal.user_id
