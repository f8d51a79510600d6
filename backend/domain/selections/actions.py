"""Saving, reading and resolving selections of premises. Callers commit."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.audit.actions import record_audit
from backend.domain.buildings.models import Building, Premise
from backend.domain.buildings.unit_map_view import current_relation
from backend.domain.clients.models import Client, ClientPremise
from backend.domain.errors import Conflict, DomainError, NotFound
from backend.domain.selections.models import Selection, SelectionPremise
from backend.domain.staff.access import Principal, access_building
from backend.i18n import N_

NAME_MAX = 200


class SelectionSummary(msgspec.Struct, kw_only=True):
    id: int
    building_id: int
    name: str
    premises: int
    criteria: dict[str, Any]


async def access_selection(session: AsyncSession, principal: Principal, selection_id: int) -> Selection:
    selection = await session.get(Selection, selection_id)
    if selection is None:
        raise NotFound("selection_not_found", N_("Selection not found."), field="selection_id", value=selection_id)
    await access_building(session, principal, selection.building_id)
    return selection


def _check_name(text: str | None) -> str:
    name = " ".join((text or "").split())
    if not name or len(name) > NAME_MAX:
        raise DomainError("selection_name_invalid", N_("Name the selection: 1 to {limit} characters."), field="name",
                          value=text, limit=NAME_MAX)
    return name


async def _check_premises(session: AsyncSession, building: Building, premise_ids: list[int]) -> list[int]:
    unique = sorted(set(premise_ids))
    if not unique:
        raise DomainError("selection_empty", N_("Pick at least one premise on the map."), field="premise_ids",
                          value=[])
    found = set(await session.scalars(select(Premise.id).where(Premise.building_id == building.id,
                                                               Premise.id.in_(unique))))
    foreign = [premise_id for premise_id in unique if premise_id not in found]
    if foreign:
        raise DomainError("selection_premise_foreign", N_("Premise {premise_id} is not in this building."),
                          field="premise_ids", value=foreign[0], premise_id=foreign[0])
    return unique


async def do_save_selection(session: AsyncSession, actor_id: int | None, building: Building, name: str,
                            premise_ids: list[int], criteria: dict[str, Any] | None = None) -> Selection:
    """Save the picked premises under a name unique in the building."""
    name = _check_name(name)
    ids = await _check_premises(session, building, premise_ids)
    if await session.scalar(select(Selection.id).where(Selection.building_id == building.id,
                                                       Selection.name == name)) is not None:
        raise Conflict("selection_name_taken", N_("A selection with this name already exists in this building."),
                       field="name", value=name)
    selection = Selection(building_id=building.id, name=name, criteria=criteria or {}, created_by_id=actor_id)
    session.add(selection)
    await session.flush()
    session.add_all([SelectionPremise(selection_id=selection.id, premise_id=premise_id) for premise_id in ids])
    await session.flush()
    record_audit(session, actor_id, "selection.saved", "selection", selection.id, building_id=building.id,
                 premises=len(ids))
    return selection


async def do_delete_selection(session: AsyncSession, actor_id: int | None, selection: Selection) -> None:
    await session.execute(delete(Selection).where(Selection.id == selection.id))
    record_audit(session, actor_id, "selection.deleted", "selection", selection.id, name=selection.name)


async def list_selections(session: AsyncSession, building_id: int) -> list[SelectionSummary]:
    rows = await session.execute(
        select(Selection, func.count(SelectionPremise.premise_id))
        .outerjoin(SelectionPremise, SelectionPremise.selection_id == Selection.id)
        .where(Selection.building_id == building_id).group_by(Selection.id).order_by(Selection.name))
    return [SelectionSummary(id=s.id, building_id=s.building_id, name=s.name, premises=count, criteria=s.criteria)
            for s, count in rows]


async def selection_premise_ids(session: AsyncSession, selection_id: int) -> list[int]:
    return list(await session.scalars(select(SelectionPremise.premise_id)
                                      .where(SelectionPremise.selection_id == selection_id)
                                      .order_by(SelectionPremise.premise_id)))


async def selection_client_ids(session: AsyncSession, selection_id: int, today: date,
                               roles: tuple[str, ...] | None = None) -> list[int]:
    """Return the audience: active clients related to the selected premises on `today`, each once.

    Mailings and surveys call this when they send, so the audience follows moves in and out.
    """
    query = (select(ClientPremise.client_id).distinct()
             .join(SelectionPremise, SelectionPremise.premise_id == ClientPremise.premise_id)
             .join(Client, Client.id == ClientPremise.client_id)
             .where(SelectionPremise.selection_id == selection_id, current_relation(today),
                    Client.merged_into_id.is_(None)))
    if roles:
        query = query.where(ClientPremise.role.in_(roles))
    return list(await session.scalars(query.order_by(ClientPremise.client_id)))

