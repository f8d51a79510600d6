"""The шахматка of a building, its premise side panel, the unit-map editor and saved selections."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.actions import record_audit
from backend.domain.buildings import unit_map_editor as editor
from backend.domain.buildings.models import Building, PremiseKind
from backend.domain.buildings.unit_map_view import Cell, access_premise, apply_layers, premise_card, unit_map
from backend.domain.errors import DomainError
from backend.domain.selections.actions import (access_selection, do_delete_selection, do_save_selection,
                                               list_selections, selection_premise_ids)
from backend.domain.staff.access import Principal, access_building
from backend.domain.staff.roles import Permission
from backend.realtime.envelope import latest_seq
from backend.web.guards import principal_of, requires
from frontend.pages.forms import read_form
from frontend.pages.unit_map_cells import cells_html


class SelectionInput(msgspec.Struct, kw_only=True):
    name: str
    premise_ids: list[int]
    criteria: dict = {}


class UnitMapController(Controller):
    path = "/buildings/{building_id:int}/map"
    guards = [requires(Permission.BUILDINGS_VIEW)]
    include_in_schema = False

    @get("/")
    async def map_page(self, request: Request, db: AsyncSession, building_id: int, premise: int | None = None,
                       selection: int | None = None) -> Template:
        principal = principal_of(request)
        after = await latest_seq(db)
        view = await unit_map(db, principal, building_id)
        selected = await selection_premise_ids(db, (await access_selection(db, principal, selection)).id) \
            if selection else []
        return Template("unit_map/map.html", context={
            "map": view, "after": after, "open_premise": premise, "cells_html": cells_html, "selected": selected, "selection_id": selection,
            "selections": await list_selections(db, building_id), "kinds": PremiseKind.ALL,
            "can_edit": Permission.BUILDINGS_EDIT in principal.permissions,
            "can_select": Permission.CLIENTS_EDIT in principal.permissions})

    @get("/premises/{premise_id:int}")
    async def premise_panel(self, request: Request, db: AsyncSession, building_id: int, premise_id: int) -> Template:
        principal = principal_of(request)
        card = await premise_card(db, principal, premise_id)
        if card.building_id != building_id:
            raise DomainError("premise_not_found", "Premise not found.", field="premise_id", value=premise_id)
        if card.people and Permission.PERSONAL_DATA_VIEW in principal.permissions:
            record_audit(db, principal.user_id, "premise.card_viewed", "premise", premise_id)
            await db.commit()
        return Template("unit_map/_premise.html", context={"card": card})

    @get("/cells/{premise_id:int}")
    async def cell(self, request: Request, db: AsyncSession, building_id: int, premise_id: int) -> Cell:
        """Return one cell's layers as JSON. The map fetches them when a live event touches the premise."""
        premise = await access_premise(db, principal_of(request), premise_id)
        if premise.building_id != building_id:
            raise DomainError("premise_not_found", "Premise not found.", field="premise_id", value=premise_id)
        cell = Cell(id=premise.id, label=premise.label, kind=premise.kind, area=premise.area, floor=0,
                    floors_spanned=premise.floors_spanned, row=0, column=0)
        await apply_layers(db, building_id, {cell.id: cell}, utcnow())
        return cell

    @post("/selections", guards=[requires(Permission.CLIENTS_EDIT)], status_code=201)
    async def save_selection(self, request: Request, db: AsyncSession, building_id: int,
                             data: SelectionInput) -> dict:
        principal = principal_of(request)
        building = await access_building(db, principal, building_id)
        selection = await do_save_selection(db, principal.user_id, building, data.name, data.premise_ids,
                                            data.criteria)
        await db.commit()
        return {"id": selection.id, "name": selection.name, "url": f"/buildings/{building_id}/map?selection={selection.id}"}

    @post("/selections/{selection_id:int}/delete", guards=[requires(Permission.CLIENTS_EDIT)], status_code=200)
    async def delete_selection(self, request: Request, db: AsyncSession, building_id: int,
                               selection_id: int) -> Redirect:
        principal = principal_of(request)
        selection = await access_selection(db, principal, selection_id)
        await do_delete_selection(db, principal.user_id, selection)
        await db.commit()
        return Redirect(f"/buildings/{building_id}/map")

    @get("/edit", guards=[requires(Permission.BUILDINGS_EDIT)])
    async def editor_page(self, request: Request, db: AsyncSession, building_id: int) -> Template:
        return await _editor(db, principal_of(request), building_id, None, {})

    @post("/edit/{operation:str}", guards=[requires(Permission.BUILDINGS_EDIT)], status_code=200)
    async def edit(self, request: Request, db: AsyncSession, building_id: int, operation: str) -> Template | Redirect:
        principal = principal_of(request)
        building = await access_building(db, principal, building_id, Permission.BUILDINGS_EDIT)
        form = await read_form(request)
        try:
            await _apply_edit(db, principal, building, operation, form)
        except DomainError as error:
            await db.rollback()
            return await _editor(db, principal, building_id, error, form, operation)
        await db.commit()
        return Redirect(f"/buildings/{building_id}/map/edit")


async def _editor(db: AsyncSession, principal: Principal, building_id: int, error: DomainError | None, form,
                  operation: str | None = None) -> Template:
    view = await unit_map(db, principal, building_id)
    building = await db.get(Building, building_id)
    return Template("unit_map/editor.html", status_code=400 if error else 200, context={
        "map": view, "error": error, "form": form, "operation": operation, "kinds": PremiseKind.ALL,
        "cells_html": cells_html,
        "next_entrance": max((e.number for e in view.entrances), default=0) + 1,
        "next_flat": await editor.next_label(db, building.id, PremiseKind.FLAT)})


def _number(form, name: str, default: int | None = None) -> int:
    value = form.get(name)
    if value in (None, "") and default is not None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError("number_invalid", "Enter a whole number.", field=name, value=value) from None


async def _apply_edit(db: AsyncSession, principal: Principal, building: Building, operation: str, form) -> None:
    actor = principal.user_id
    if operation == "section":
        await editor.do_generate_section(
            db, actor, building, entrance_number=_number(form, "entrance_number"),
            lowest_floor=_number(form, "lowest_floor"), highest_floor=_number(form, "highest_floor"),
            per_floor=_number(form, "per_floor"), kind=form.get("kind") or PremiseKind.FLAT,
            first_label=_number(form, "first_label", 0) or None)
    elif operation == "floor":
        await editor.do_add_floor(db, actor, building, _number(form, "entrance_id"), form.get("floor"))
    elif operation == "remove_floor":
        await editor.do_remove_floor(db, actor, building, _number(form, "floor_id"))
    elif operation == "premise":
        await editor.do_add_premise(db, actor, building, _number(form, "floor_id"), label=form.get("label") or None,
                                    kind=form.get("kind") or PremiseKind.FLAT, area=form.get("area"),
                                    floors_spanned=form.get("floors_spanned") or 1)
    elif operation == "update_premise":
        await editor.do_update_premise(db, actor, building, _number(form, "premise_id"), label=form.get("label"),
                                       kind=form.get("kind"), area=form.get("area"),
                                       floors_spanned=form.get("floors_spanned") or 1,
                                       account_number=form.get("account_number"))
    elif operation == "remove_premise":
        await editor.do_remove_premise(db, actor, building, _number(form, "premise_id"))
    else:
        raise DomainError("operation_unknown", "Unknown unit map operation.", field="operation", value=operation)

