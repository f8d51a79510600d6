"""The host of a pass: the building, the premise and the client a visitor comes to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.buildings.models import Building, Floor, Premise
from backend.domain.clients.models import Client, ClientKind, ClientPremise
from backend.domain.clients.names import short_name
from backend.domain.errors import DomainError, NotFound
from backend.domain.staff.access import Principal, check_building_scope


@dataclass(frozen=True)
class Host:
    building_id: int
    zone: ZoneInfo
    premise_id: int | None
    entrance_id: int | None
    client_id: int | None
    name: str | None
    """As guards see it: «Иванов И. И.» for a person, the name with its legal form for a company."""


async def resolve_host(session: AsyncSession, principal: Principal, building_id: int | None,
                       premise_id: int | None, client_id: int | None, host_name: str | None) -> Host:
    """Find the building, premise and client of a pass and check that they fit together and are in scope.

    A client with exactly one current premise needs nothing else: that premise is the host premise.
    """
    client = await _client(session, client_id) if client_id is not None else None
    if premise_id is None and client is not None and building_id is None:
        premise_id = await _only_premise(session, client.id)

    premise, entrance_id = await _premise(session, premise_id) if premise_id is not None else (None, None)
    building_id = _building_of(building_id, premise)
    check_building_scope(principal, building_id)
    building = await session.get(Building, building_id)
    if building is None:
        raise NotFound("building_not_found", "Building not found or not in your scope.", field="building_id",
                       value=building_id)
    zone = ZoneInfo(building.time_zone)
    if client is not None and premise is not None:
        await _check_relation(session, client.id, premise.id, utcnow().astimezone(zone).date())

    name = _client_name(client) if client is not None else (host_name or "").strip() or None
    return Host(building_id, zone, premise.id if premise else None, entrance_id, client.id if client else None, name)


def _building_of(building_id: int | None, premise: Premise | None) -> int:
    if premise is None:
        if building_id is None:
            raise DomainError("pass_building_missing", "Choose the building or the host premise.",
                              field="building_id", value=None)
        return building_id
    if building_id is not None and building_id != premise.building_id:
        raise DomainError("pass_premise_elsewhere", "The premise is in another building.", field="premise_id",
                          value=premise.id)
    return premise.building_id


async def _premise(session: AsyncSession, premise_id: int) -> tuple[Premise, int]:
    row = (await session.execute(select(Premise, Floor.entrance_id).join(Floor, Floor.id == Premise.floor_id)
                                 .where(Premise.id == premise_id))).first()
    if row is None:
        raise NotFound("premise_not_found", "Premise not found.", field="premise_id", value=premise_id)
    return row[0], row[1]


async def _client(session: AsyncSession, client_id: int) -> Client:
    client = await session.get(Client, client_id)
    if client is None or client.merged_into_id is not None:
        raise NotFound("client_not_found", "Client not found.", field="client_id", value=client_id)
    return client


def _current(today: date):
    return or_(ClientPremise.until.is_(None), ClientPremise.until >= today)


async def _only_premise(session: AsyncSession, client_id: int) -> int | None:
    premise_ids = (await session.scalars(select(ClientPremise.premise_id).distinct().where(
        ClientPremise.client_id == client_id, _current(utcnow().date())))).all()
    if len(premise_ids) != 1:
        raise DomainError("pass_premise_missing", "The client has several premises or none: choose the host "
                          "premise.", field="premise_id", value=None)
    return premise_ids[0]


async def _check_relation(session: AsyncSession, client_id: int, premise_id: int, today: date) -> None:
    related = await session.scalar(select(ClientPremise.id).where(
        ClientPremise.client_id == client_id, ClientPremise.premise_id == premise_id, _current(today)).limit(1))
    if related is None:
        raise DomainError("pass_host_not_related", "The client is not an owner, tenant or resident of this "
                          "premise.", field="client_id", value=client_id)


def _client_name(client: Client) -> str:
    if client.kind == ClientKind.ORGANISATION:
        return client.display_name
    return short_name(client.last_name or "", client.first_name, client.patronymic)
