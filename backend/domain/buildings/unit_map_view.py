"""The шахматка read model: a building's premises placed on a grid of entrances and floors, with layers.

Rows are the building's floors top-down, shared by all entrances, so floor 1 lines up across the
map. An entrance without a floor leaves that row empty. A duplex (`floors_spanned` = 2) goes up
from its floor and takes one column on each floor it spans. Layers (tickets, occupancy, access)
are computed in four grouped queries, so a 40-floor building with 11 entrances costs the same
number of round trips as a small one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import msgspec
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.buildings.models import Building, Entrance, Floor, Premise, PremiseKind
from backend.domain.clients.models import Client, ClientPremise
from backend.domain.errors import NotFound
from backend.domain.staff.access import Principal, access_building
from backend.domain.staff.roles import Permission
from backend.domain.tickets.models import Priority, Status, Ticket
from backend.i18n import N_, gettext

PREMISE_LABEL_FORMS = {
    PremiseKind.FLAT: N_("flat {label}"), PremiseKind.APARTMENT: N_("apartment {label}"),
    PremiseKind.OFFICE: N_("office {label}"), PremiseKind.COMMERCIAL: N_("premise {label}"),
    PremiseKind.STORAGE: N_("storage {label}"), PremiseKind.PARKING: N_("parking space {label}"),
}
"""Names of premises as written after the building's address: «кв. 45», «офис 512», «м/м 12»."""

WORKING_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS)
"""Open statuses whose deadline clocks run; a ticket on hold is never overdue."""


def premise_name(kind: str, label: str) -> str:
    return gettext(PREMISE_LABEL_FORMS.get(kind, N_("premise {label}")), label=label)


def premise_address(building_address: str, kind: str, label: str) -> str:
    return f"{building_address}, {premise_name(kind, label)}"


class Cell(msgspec.Struct, kw_only=True):
    id: int
    label: str
    kind: str
    area: Decimal | None
    floor: int
    floors_spanned: int
    row: int
    """1-based grid row of the top floor the premise reaches."""
    column: int
    tickets: int = 0
    emergency: bool = False
    overdue: bool = False
    owners: int = 0
    tenants: int = 0
    residents: int = 0
    representatives: int = 0
    has_access: bool = False
    """Someone related to the premise now uses the resident portal or app."""

    @property
    def occupancy(self) -> str:
        """`owner`, `tenant`, `resident` or `unknown`: the strongest relation known."""
        if self.tenants:
            return "tenant"
        if self.owners:
            return "owner"
        if self.residents or self.representatives:
            return "resident"
        return "unknown"


class EntranceColumn(msgspec.Struct, kw_only=True):
    id: int
    number: int
    name: str | None
    width: int
    """Columns of premises, the most any floor needs."""
    floors: dict[int, int]
    """Floor number -> floor id, for the floors this entrance has."""
    cells: list[Cell]


class UnitMap(msgspec.Struct, kw_only=True):
    building_id: int
    address: str
    time_zone: str
    floor_numbers: list[int]
    """All floors of the building, top-down; the grid's rows."""
    entrances: list[EntranceColumn]
    premises_by_kind: dict[str, int]
    open_tickets: int


async def access_premise(session: AsyncSession, principal: Principal, premise_id: int,
                         permission: Permission = Permission.BUILDINGS_VIEW) -> Premise:
    """Fetch a premise of a building in the user's scope, or raise NotFound."""
    premise = await session.get(Premise, premise_id)
    if premise is None:
        raise NotFound("premise_not_found", N_("Premise not found."), field="premise_id", value=premise_id)
    await access_building(session, principal, premise.building_id, permission)
    return premise


async def unit_map(session: AsyncSession, principal: Principal, building_id: int,
                   now: datetime | None = None) -> UnitMap:
    building = await access_building(session, principal, building_id)
    return await unit_map_of(session, building, now or utcnow())


async def unit_map_of(session: AsyncSession, building: Building, now: datetime) -> UnitMap:
    rows = (await session.execute(
        select(Entrance.id, Entrance.number, Entrance.name, Floor.id, Floor.number, Premise.id, Premise.label,
               Premise.kind, Premise.area, Premise.floors_spanned)
        .select_from(Entrance).join(Floor, Floor.entrance_id == Entrance.id, isouter=True)
        .join(Premise, Premise.floor_id == Floor.id, isouter=True)
        .where(Entrance.building_id == building.id)
        .order_by(Entrance.number, Floor.number.desc(), Premise.position, Premise.id))).all()
    floor_numbers = sorted({row[4] for row in rows if row[4] is not None}
                           | {row[4] + row[9] - 1 for row in rows if row[5] is not None}, reverse=True)
    row_of = {number: index + 1 for index, number in enumerate(floor_numbers)}
    entrances = _place_entrances(rows, row_of)

    cells = {cell.id: cell for entrance in entrances for cell in entrance.cells}
    await apply_layers(session, building.id, cells, now)
    counts: dict[str, int] = defaultdict(int)
    for cell in cells.values():
        counts[cell.kind] += 1
    return UnitMap(building_id=building.id, address=building.address, time_zone=building.time_zone,
                   floor_numbers=floor_numbers, entrances=entrances,
                   premises_by_kind={kind: counts[kind] for kind in PremiseKind.ALL if counts.get(kind)},
                   open_tickets=sum(cell.tickets for cell in cells.values()))


def _place_entrances(rows: list, row_of: dict[int, int]) -> list[EntranceColumn]:
    entrances: dict[int, EntranceColumn] = {}
    occupied: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for entrance_id, number, name, floor_id, floor_number, premise_id, label, kind, area, spanned in rows:
        entrance = entrances.setdefault(entrance_id, EntranceColumn(id=entrance_id, number=number, name=name,
                                                                   width=0, floors={}, cells=[]))
        if floor_id is None:
            continue
        entrance.floors[floor_number] = floor_id
        if premise_id is None:
            continue
        top_row = row_of[floor_number + spanned - 1]
        column = _free_column(occupied[entrance_id], range(top_row, top_row + spanned))
        entrance.cells.append(Cell(id=premise_id, label=label, kind=kind, area=area, floor=floor_number,
                                   floors_spanned=spanned, row=top_row, column=column))
        entrance.width = max(entrance.width, column)
    return list(entrances.values())


def _free_column(occupied: set[tuple[int, int]], rows: range) -> int:
    """Take the leftmost column free on every row in `rows`; floors are placed top-down, in position order."""
    column = 1
    while any((row, column) in occupied for row in rows):
        column += 1
    occupied.update((row, column) for row in rows)
    return column


async def apply_layers(session: AsyncSession, building_id: int, cells: dict[int, Cell], now: datetime) -> None:
    """Fill the ticket, occupancy and access layers of `cells` (premises of one building)."""
    if not cells:
        return
    scope = _premise_scope(building_id, list(cells))
    for premise_id, count, emergency, overdue in await _ticket_layer(session, building_id, scope, now):
        if premise_id in cells:
            cell = cells[premise_id]
            cell.tickets, cell.emergency, cell.overdue = count, bool(emergency), bool(overdue)
    for premise_id, role, count in await _occupancy_layer(session, scope, now.date()):
        if premise_id in cells:
            setattr(cells[premise_id], _ROLE_COUNTERS[role], count)
    for premise_id in await _access_layer(session, scope, now.date()):
        if premise_id in cells:
            cells[premise_id].has_access = True


def _premise_scope(building_id: int, premise_ids: list[int]):
    """Return the premises to fill: a handful by id, or the whole building by a sub-select.

    A whole map would otherwise bind thousands of ids, and compiling those parameters costs more than
    the queries themselves.
    """
    if len(premise_ids) <= 50:
        return premise_ids
    return select(Premise.id).where(Premise.building_id == building_id).scalar_subquery()


_ROLE_COUNTERS = {"owner": "owners", "tenant": "tenants", "resident": "residents",
                  "representative": "representatives"}


def overdue_condition(now: datetime):
    """SQL condition: a ticket is open, not on hold, and past its response or resolution deadline."""
    return and_(Ticket.status.in_(WORKING_STATUSES),
                or_(and_(Ticket.responded_at.is_(None), Ticket.response_due_at < now),
                    Ticket.resolution_due_at < now))


async def _ticket_layer(session: AsyncSession, building_id: int, premise_ids, now: datetime) -> list:
    overdue = overdue_condition(now)
    query = (select(Ticket.premise_id, func.count(), func.bool_or(Ticket.priority == Priority.EMERGENCY),
                    func.bool_or(overdue))
             .where(Ticket.building_id == building_id, Ticket.status.in_(Status.OPEN),
                    Ticket.premise_id.in_(premise_ids))
             .group_by(Ticket.premise_id))
    return (await session.execute(query)).all()


def current_relation(today: date):
    """SQL condition: the relation holds on `today`."""
    return and_(or_(ClientPremise.since.is_(None), ClientPremise.since <= today),
                or_(ClientPremise.until.is_(None), ClientPremise.until >= today))


async def _occupancy_layer(session: AsyncSession, premise_ids, today: date) -> list:
    query = (select(ClientPremise.premise_id, ClientPremise.role, func.count())
             .where(ClientPremise.premise_id.in_(premise_ids), current_relation(today))
             .group_by(ClientPremise.premise_id, ClientPremise.role))
    return (await session.execute(query)).all()


async def _access_layer(session: AsyncSession, premise_ids, today: date) -> list[int]:
    uses_access = case((or_(Client.portal_access_at.is_not(None), Client.app_access_at.is_not(None)), True),
                       else_=False)
    query = (select(ClientPremise.premise_id).join(Client, Client.id == ClientPremise.client_id)
             .where(ClientPremise.premise_id.in_(premise_ids), current_relation(today), uses_access)
             .distinct())
    return list((await session.scalars(query)).all())


class PremisePerson(msgspec.Struct, kw_only=True):
    relation_id: int
    client_id: int
    name: str | None
    """None for users who may not see personal data."""
    role: str
    share: str | None
    since: date | None
    until: date | None


class PremiseTicket(msgspec.Struct, kw_only=True):
    id: int
    number: int
    status: str
    priority: str
    created_at: datetime
    description: str
    is_overdue: bool


class PremiseCard(msgspec.Struct, kw_only=True):
    id: int
    building_id: int
    address: str
    time_zone: str
    name: str
    kind: str
    label: str
    area: Decimal | None
    account_number: str | None
    entrance: int
    floor: int
    floors_spanned: int
    people: list[PremisePerson]
    past_people: list[PremisePerson]
    open_tickets: list[PremiseTicket]
    past_tickets: list[PremiseTicket]


PAST_SHOWN = 10


async def premise_card(session: AsyncSession, principal: Principal, premise_id: int,
                       now: datetime | None = None) -> PremiseCard:
    """Read the side panel of the шахматка: who owns and lives in a premise, and its tickets."""
    now = now or utcnow()
    premise = await access_premise(session, principal, premise_id)
    building = await session.get(Building, premise.building_id)
    floor = await session.get(Floor, premise.floor_id)
    entrance = await session.get(Entrance, floor.entrance_id)
    people = await _premise_people(session, premise.id, principal)
    today = now.date()
    current = [person for person in people if person.until is None or person.until >= today]
    tickets = await _premise_tickets(session, premise.id, now)
    return PremiseCard(id=premise.id, building_id=building.id, address=building.address, time_zone=building.time_zone,
                       name=premise_name(premise.kind, premise.label), kind=premise.kind, label=premise.label,
                       area=premise.area, account_number=premise.account_number, entrance=entrance.number,
                       floor=floor.number, floors_spanned=premise.floors_spanned, people=current,
                       past_people=[person for person in people if person not in current][:PAST_SHOWN],
                       open_tickets=[t for t in tickets if t.status in Status.OPEN],
                       past_tickets=[t for t in tickets if t.status not in Status.OPEN][:PAST_SHOWN])


async def _premise_people(session: AsyncSession, premise_id: int, principal: Principal) -> list[PremisePerson]:
    show_names = Permission.PERSONAL_DATA_VIEW in principal.permissions
    rows = await session.execute(select(ClientPremise, Client).join(Client, Client.id == ClientPremise.client_id)
                                 .where(ClientPremise.premise_id == premise_id)
                                 .order_by(ClientPremise.role, ClientPremise.since.desc().nulls_last()))
    return [PremisePerson(relation_id=relation.id, client_id=client.id,
                          name=client.display_name if show_names else None, role=relation.role,
                          share=(f"{relation.share_numerator}/{relation.share_denominator}"
                                 if relation.share_numerator else None),
                          since=relation.since, until=relation.until)
            for relation, client in rows]


async def _premise_tickets(session: AsyncSession, premise_id: int, now: datetime) -> list[PremiseTicket]:
    overdue = overdue_condition(now)
    rows = await session.execute(
        select(Ticket.id, Ticket.number, Ticket.status, Ticket.priority, Ticket.created_at, Ticket.description,
               func.coalesce(overdue, False))
        .where(Ticket.premise_id == premise_id).order_by(Ticket.created_at.desc()).limit(100))
    return [PremiseTicket(id=row[0], number=row[1], status=row[2], priority=row[3], created_at=row[4],
                          description=row[5][:160], is_overdue=bool(row[6])) for row in rows]
