"""Editing a building's unit map: generating sections, adding floors, adding, renumbering and removing premises.

Tickets, client relations and selections refer to premises by id, so renumbering or changing a
premise's kind keeps every reference. A premise that tickets or client relations refer to is never
deleted: the edit is rejected with the counts, and people move or end those records first.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.audit.actions import record_audit
from backend.domain.buildings.actions import create_unit_map
from backend.domain.buildings.models import Building, Entrance, Floor, Premise, PremiseKind
from backend.domain.buildings.registry import UnitMapPlan, plan_section
from backend.domain.clients.models import ClientPremise
from backend.domain.errors import Conflict, DomainError, NotFound
from backend.domain.tickets.models import Ticket
from backend.i18n import N_
from backend.realtime.outbox import emit

log = structlog.get_logger(__name__)

LABEL_MAX = 32
MAX_FLOORS_SPANNED = 5
"""The largest number of floors one premise may span, as the premises table allows."""
FLOOR_RANGE = (-10, 150)
"""Floor numbers accepted, inclusive: ten underground levels to the registry's highest building."""


def _changed(session: AsyncSession, actor_id: int | None, building: Building, action: str, **details: object) -> None:
    record_audit(session, actor_id, f"unit_map.{action}", "building", building.id, **details)
    emit(session, "building.unit_map_changed", {"building_id": building.id, "action": action, **details},
         building_id=building.id)
    log.info("unit_map_changed", building_id=building.id, action=action)


def check_floor_number(value: int | str, field: str = "floor") -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError("floor_invalid", N_("The floor must be a whole number, such as 5 or -1."), field=field,
                          value=value) from None
    if not FLOOR_RANGE[0] <= number <= FLOOR_RANGE[1]:
        raise DomainError("floor_out_of_range", N_("The floor must be between {lowest} and {highest}."), field=field,
                          value=value, lowest=FLOOR_RANGE[0], highest=FLOOR_RANGE[1])
    return number


def check_label(text: str | None) -> str:
    label = " ".join((text or "").split()).upper()
    if not label or len(label) > LABEL_MAX:
        raise DomainError("premise_label_invalid", N_("The premise number must have 1 to {limit} characters, "
                                                      "such as 45 or 12А."), field="label", value=text, limit=LABEL_MAX)
    return label


def check_kind(kind: str | None) -> str:
    if kind not in PremiseKind.ALL:
        raise DomainError("premise_kind_invalid", N_("Unknown premise kind. Allowed kinds: {allowed}."), field="kind",
                          value=kind, allowed=", ".join(PremiseKind.ALL))
    return kind


def check_area(text: str | None) -> Decimal | None:
    if text in (None, ""):
        return None
    try:
        area = Decimal(str(text).replace(",", ".").strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise DomainError("area_invalid", N_("Enter the area in m², such as 54,3."), field="area", value=text) from None
    if area <= 0 or area >= Decimal("100000"):
        raise DomainError("area_out_of_range", N_("The area must be greater than 0 and less than 100 000 m²."),
                          field="area", value=text)
    return area


async def _check_label_free(session: AsyncSession, building_id: int, kind: str, label: str,
                            premise_id: int | None = None) -> None:
    query = select(Premise.id).where(Premise.building_id == building_id, Premise.kind == kind, Premise.label == label)
    if premise_id is not None:
        query = query.where(Premise.id != premise_id)
    if await session.scalar(query) is not None:
        raise Conflict("premise_label_taken", N_("The building already has a premise of this kind numbered {label}."),
                       field="label", value=label, label=label)


async def next_label(session: AsyncSession, building_id: int, kind: str) -> int:
    """Return the number after the highest purely numeric label of `kind` in the building, for continuous numbering."""
    labels = await session.scalars(select(Premise.label).where(Premise.building_id == building_id,
                                                               Premise.kind == kind))
    numbers = [int(label) for label in labels if label.isdigit()]
    return max(numbers, default=0) + 1


async def do_generate_section(session: AsyncSession, actor_id: int | None, building: Building, *,
                              entrance_number: int, lowest_floor: int, highest_floor: int, per_floor: int,
                              kind: str = PremiseKind.FLAT, first_label: int | None = None) -> Entrance:
    """Add an entrance with floors `lowest_floor`..`highest_floor` (0 skipped) and `per_floor` premises on each,
    numbered on from `first_label` or from the building's highest number of that kind."""
    kind = check_kind(kind)
    lowest, highest = check_floor_number(lowest_floor, "lowest_floor"), check_floor_number(highest_floor, "highest_floor")
    if lowest > highest:
        raise DomainError("floors_inverted", N_("The lowest floor {lowest} is above the highest floor {highest}."),
                          field="lowest_floor", value=lowest, lowest=lowest, highest=highest)
    if await session.scalar(select(Entrance.id).where(Entrance.building_id == building.id,
                                                      Entrance.number == entrance_number)) is not None:
        raise Conflict("entrance_exists", N_("Entrance {number} already exists."), field="entrance_number",
                       value=entrance_number, number=entrance_number)
    start = first_label or await next_label(session, building.id, kind)
    floors = [number for number in range(lowest, highest + 1) if number != 0]
    plan = plan_section(start, floors, per_floor, entrance_number=entrance_number, kind=kind)
    await _check_plan_labels(session, building.id, kind, plan)
    await create_unit_map(session, building, UnitMapPlan(entrances=[plan]))
    _changed(session, actor_id, building, "section_generated", entrance_number=entrance_number, floors=len(floors),
             per_floor=per_floor, first_label=start)
    return await session.scalar(select(Entrance).where(Entrance.building_id == building.id,
                                                       Entrance.number == entrance_number))


async def _check_plan_labels(session: AsyncSession, building_id: int, kind: str, plan) -> None:
    labels = [premise.label for floor in plan.floors for premise in floor.premises]
    taken = list(await session.scalars(select(Premise.label).where(
        Premise.building_id == building_id, Premise.kind == kind, Premise.label.in_(labels)).order_by(Premise.label)))
    if taken:
        raise Conflict("premise_label_taken", N_("These numbers are already taken: {labels}. Start from another number."),
                       field="first_label", value=taken[0], labels=", ".join(taken[:10]))


async def _entrance(session: AsyncSession, building: Building, entrance_id: int) -> Entrance:
    entrance = await session.get(Entrance, entrance_id)
    if entrance is None or entrance.building_id != building.id:
        raise NotFound("entrance_not_found", N_("Entrance not found in this building."), field="entrance_id",
                       value=entrance_id)
    return entrance


async def _floor(session: AsyncSession, building: Building, floor_id: int) -> Floor:
    floor = await session.get(Floor, floor_id)
    entrance = await session.get(Entrance, floor.entrance_id) if floor else None
    if floor is None or entrance.building_id != building.id:
        raise NotFound("floor_not_found", N_("Floor not found in this building."), field="floor_id", value=floor_id)
    return floor


async def premise_of(session: AsyncSession, building: Building, premise_id: int) -> Premise:
    premise = await session.get(Premise, premise_id)
    if premise is None or premise.building_id != building.id:
        raise NotFound("premise_not_found", N_("Premise not found."), field="premise_id", value=premise_id)
    return premise


async def do_add_floor(session: AsyncSession, actor_id: int | None, building: Building, entrance_id: int,
                       number: int | str) -> Floor:
    entrance = await _entrance(session, building, entrance_id)
    number = check_floor_number(number)
    if await session.scalar(select(Floor.id).where(Floor.entrance_id == entrance.id, Floor.number == number)):
        raise Conflict("floor_exists", N_("Entrance {entrance} already has floor {floor}."), field="floor",
                       value=number, entrance=entrance.number, floor=number)
    floor = Floor(entrance_id=entrance.id, number=number)
    session.add(floor)
    await session.flush()
    _changed(session, actor_id, building, "floor_added", entrance_id=entrance.id, floor=number)
    return floor


async def do_remove_floor(session: AsyncSession, actor_id: int | None, building: Building, floor_id: int) -> None:
    floor = await _floor(session, building, floor_id)
    if await session.scalar(select(func.count()).select_from(Premise).where(Premise.floor_id == floor.id)):
        raise Conflict("floor_not_empty", N_("Floor {floor} still has premises: remove or move them first."),
                       field="floor_id", value=floor_id, floor=floor.number)
    await session.delete(floor)
    await session.flush()
    _changed(session, actor_id, building, "floor_removed", floor_id=floor_id)


async def do_add_premise(session: AsyncSession, actor_id: int | None, building: Building, floor_id: int, *,
                         label: str | None = None, kind: str = PremiseKind.FLAT, area: str | None = None,
                         floors_spanned: int | str = 1) -> Premise:
    """Add a premise at the right end of a floor; without a label it takes the next number of its kind."""
    floor = await _floor(session, building, floor_id)
    kind = check_kind(kind)
    label = check_label(label) if label else str(await next_label(session, building.id, kind))
    await _check_label_free(session, building.id, kind, label)
    spanned = await _check_span(session, floor, floors_spanned)
    position = await session.scalar(select(func.coalesce(func.max(Premise.position) + 1, 0))
                                    .where(Premise.floor_id == floor.id))
    premise = Premise(building_id=building.id, floor_id=floor.id, label=label, kind=kind, area=check_area(area),
                      floors_spanned=spanned, position=position)
    session.add(premise)
    await session.flush()
    _changed(session, actor_id, building, "premise_added", premise_id=premise.id, label=label)
    return premise


async def _check_span(session: AsyncSession, floor: Floor, floors_spanned: int | str) -> int:
    """A premise spanning several floors goes up from its floor, and each of those floors must exist."""
    try:
        spanned = int(floors_spanned)
    except (TypeError, ValueError):
        spanned = 0
    if not 1 <= spanned <= MAX_FLOORS_SPANNED:
        raise DomainError("floors_spanned_invalid", N_("A premise spans 1 to {limit} floors."), field="floors_spanned",
                          value=floors_spanned, limit=MAX_FLOORS_SPANNED)
    wanted = set(range(floor.number + 1, floor.number + spanned))
    existing = set(await session.scalars(select(Floor.number).where(Floor.entrance_id == floor.entrance_id,
                                                                    Floor.number.in_(wanted))))
    missing = sorted(wanted - existing)
    if missing:
        raise DomainError("floors_spanned_missing", N_("Floor {floor} does not exist in this entrance: add it first."),
                          field="floors_spanned", value=spanned, floor=missing[0])
    return spanned


async def do_update_premise(session: AsyncSession, actor_id: int | None, building: Building, premise_id: int, *,
                            label: str, kind: str, area: str | None = None, floors_spanned: int | str = 1,
                            account_number: str | None = None) -> list[str]:
    """Renumber a premise or change its kind, area or height; references by id stay intact."""
    premise = await premise_of(session, building, premise_id)
    values = {"label": check_label(label), "kind": check_kind(kind), "area": check_area(area),
              "floors_spanned": await _check_span(session, await session.get(Floor, premise.floor_id), floors_spanned),
              "account_number": " ".join((account_number or "").split()) or None}
    await _check_label_free(session, building.id, values["kind"], values["label"], premise.id)
    changed = [name for name, value in values.items() if getattr(premise, name) != value]
    for name in changed:
        setattr(premise, name, values[name])
    await session.flush()
    if changed:
        _changed(session, actor_id, building, "premise_updated", premise_id=premise.id, fields=changed)
    return changed


async def do_remove_premise(session: AsyncSession, actor_id: int | None, building: Building, premise_id: int) -> None:
    premise = await premise_of(session, building, premise_id)
    tickets = await session.scalar(select(func.count()).select_from(Ticket).where(Ticket.premise_id == premise.id))
    relations = await session.scalar(select(func.count()).select_from(ClientPremise)
                                     .where(ClientPremise.premise_id == premise.id))
    if tickets or relations:
        raise Conflict("premise_referenced", N_("Premise {label} cannot be removed: {tickets} tickets and "
                                                "{relations} client relations refer to it. Renumber it instead."),
                       field="premise_id", value=premise_id, label=premise.label, tickets=tickets, relations=relations)
    await session.delete(premise)
    await session.flush()
    _changed(session, actor_id, building, "premise_removed", premise_id=premise_id, label=premise.label)
