"""Who may see a call or a callback.

Calls belong to no building. A user whose scope is every building sees every call. A user with
a narrower scope sees the calls matched to a client related to a premise in their buildings, and
the calls that rang or were answered at their own extension. Seeing the call log needs CALLS_VIEW;
one's own calls are visible without it, so the user whose phone rang can open the call it popped.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, any_, exists, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.models import Premise
from backend.domain.calls.models import Call, CallClient, Callback
from backend.domain.clients.models import ClientPremise
from backend.domain.errors import NotFound
from backend.domain.staff.access import Principal, check_permission, has_permission, scope_filter
from backend.domain.staff.roles import Permission


def own_call_filter(principal: Principal) -> ColumnElement[bool]:
    """Calls that rang or were answered at the user's extension."""
    answered = Call.answered_by_id == principal.user_id
    if not principal.extension:
        return answered
    return or_(answered, literal(principal.extension) == any_(Call.rang_extensions))


def call_scope_filter(principal: Principal) -> ColumnElement[bool]:
    """Return a WHERE clause on `Call` that keeps the calls the user may see in the call log."""
    if not has_permission(principal, Permission.CALLS_VIEW):
        return own_call_filter(principal)
    if principal.all_buildings:
        return true()
    if not principal.building_ids:
        return own_call_filter(principal)
    in_scope = (select(CallClient.call_id)
                .join(ClientPremise, ClientPremise.client_id == CallClient.client_id)
                .join(Premise, Premise.id == ClientPremise.premise_id)
                .where(CallClient.call_id == Call.id, scope_filter(principal, Premise.building_id)))
    return or_(exists(in_scope), own_call_filter(principal))


async def access_call(session: AsyncSession, principal: Principal, call_id: int) -> Call:
    """Fetch a call the user may see, or raise NotFound so that an unseen call is not disclosed."""
    call = await session.scalar(select(Call).where(Call.id == call_id, call_scope_filter(principal)))
    if call is None:
        raise NotFound("call_not_found", "Call not found or not in your scope.", field="call_id", value=call_id)
    return call


async def access_callback(session: AsyncSession, principal: Principal, callback_id: int, *,
                          for_update: bool = False) -> Callback:
    """Fetch a callback whose last missed call the user may see; working the list needs CALLS_VIEW."""
    check_permission(principal, Permission.CALLS_VIEW)
    visible = exists(select(Call.id).where(Call.id == Callback.last_call_id, call_scope_filter(principal)))
    query = select(Callback).where(Callback.id == callback_id, visible)
    callback = await session.scalar(query.with_for_update(of=Callback) if for_update else query)
    if callback is None:
        raise NotFound("callback_not_found", "Callback not found or not in your scope.", field="callback_id",
                       value=callback_id)
    return callback
