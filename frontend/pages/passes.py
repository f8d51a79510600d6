"""Pass pages for concierges and account managers: the list, a new pass in seconds, a pass with its QR code."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import segno
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.buildings.models import Building, Premise
from backend.domain.clients.models import Client, ClientPremise
from backend.domain.errors import DomainError
from backend.domain.passes.access import access_pass
from backend.domain.passes.actions import PassRequest, do_cancel_pass, do_create_pass
from backend.domain.passes.models import PassKind, PassStatus
from backend.domain.passes.queries import PassFilter, list_passes
from backend.domain.passes.views import kind_title, load_pass_row, premise_label, qr_payload, staff_view, status_title
from backend.domain.staff.access import Principal, scope_filter
from backend.domain.staff.roles import Permission
from backend.web.guards import principal_of, requires
from frontend.pages.forms import read_form

PAGE_SIZE = 50
TEMPLATE_HELPERS = {"status_title": status_title, "kind_title": kind_title}
MAX_HOST_CHOICES = 10  # premises with the typed label offered at once


class PassesController(Controller):
    path = "/passes"
    guards = [requires(Permission.PASSES_CREATE)]
    include_in_schema = False

    @get("/")
    async def passes(self, request: Request, db: AsyncSession, building: int | None = None, status: str = "",
                     on: str = "", q: str = "") -> Template:
        principal = principal_of(request)
        filters = PassFilter(building_id=building, status=status or None, on=_date_or_none(on), q=q or None,
                             limit=PAGE_SIZE)
        return Template("passes/list.html", context={
            "passes": await list_passes(db, principal, filters), "buildings": await _buildings(db, principal),
            "filters": {"building": building, "status": status, "on": on, "q": q}, "statuses": PassStatus.ALL,
            "zones": await _zones(db, principal), **TEMPLATE_HELPERS})

    @get("/new")
    async def new_pass(self, request: Request, db: AsyncSession) -> Template:
        return await _form(db, principal_of(request), FormMultiDict({}), None)

    @get("/hosts")
    async def hosts(self, request: Request, db: AsyncSession, building_id: int | None = None,
                    premise_label: str = "") -> Template:
        """Premises with the typed label and the clients of each, to pick the host from."""
        choices = await _host_choices(db, principal_of(request), building_id, premise_label.strip())
        return Template("passes/_hosts.html", context={"choices": choices, "label": premise_label.strip(),
                                                       "selected": ""})

    @post("/new", status_code=200)
    async def create_pass(self, request: Request, db: AsyncSession) -> Template | Redirect:
        principal = principal_of(request)
        form = await read_form(request)
        try:
            item, _ = await do_create_pass(db, principal, await _pass_request(db, form),
                                           idempotency_key=form.get("idempotency_key") or None)
        except DomainError as error:
            await db.rollback()
            return await _form(db, principal, form, error)
        await db.commit()
        return Redirect(f"/passes/{item.id}")

    @get("/{pass_id:int}")
    async def pass_detail(self, request: Request, db: AsyncSession, pass_id: int) -> Template:
        await access_pass(db, principal_of(request), pass_id, Permission.PASSES_CREATE)
        item, label = await load_pass_row(db, pass_id)
        building = await db.get(Building, item.building_id)
        return Template("passes/detail.html", context={"item": staff_view(item, label, utcnow()),
                                                       "building": building, **TEMPLATE_HELPERS})

    @get("/{pass_id:int}/qr.svg")
    async def qr_code(self, request: Request, db: AsyncSession, pass_id: int) -> Response:
        item = await access_pass(db, principal_of(request), pass_id, Permission.PASSES_CREATE)
        output = io.BytesIO()
        segno.make(qr_payload(item.number, item.qr_token), error="m").save(output, kind="svg", scale=6, border=2)
        return Response(output.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "private"})

    @post("/{pass_id:int}/cancel", status_code=200)
    async def cancel(self, request: Request, db: AsyncSession, pass_id: int) -> Redirect:
        form = await read_form(request)
        await do_cancel_pass(db, principal_of(request), pass_id, form.get("reason"))
        await db.commit()
        return Redirect(f"/passes/{pass_id}")


async def _pass_request(db: AsyncSession, form: FormMultiDict) -> PassRequest:
    """Turn the form into an order; dates and times are wall-clock times in the building's zone."""
    premise_id, client_id = _host(form.get("host", ""))
    kind = form.get("kind") or PassKind.ONE_TIME
    valid_on, valid_from, valid_until = _window_fields(kind, form)
    return PassRequest(kind=kind, building_id=_int_or_none(form.get("building_id")), premise_id=premise_id,
                       client_id=client_id, host_name=form.get("host_name") or None,
                       visitor_name=form.get("visitor_name") or None, document=form.get("document") or None,
                       plate=form.get("plate") or None, vehicle_make=form.get("vehicle_make") or None,
                       valid_on=valid_on, valid_from=valid_from, valid_until=valid_until,
                       note=form.get("note") or None)


def _window_fields(kind: str, form: FormMultiDict) -> tuple[date | None, datetime | None, datetime | None]:
    """Read the date and time fields. A one-time pass whose end time is not after its start ends next day."""
    day = _date_field(form, "date") or _date_field(form, "date_from")
    start, end = _time_field(form, "time_from"), _time_field(form, "time_until")
    if kind == PassKind.PERMANENT:
        until_day = _date_field(form, "date_until")
        return (None, datetime.combine(day, time(0, 0)) if day else None,
                datetime.combine(until_day, time(23, 59, 59)) if until_day else None)
    if day is None:
        return None, None, None
    if start is None and end is None:
        return day, None, None
    start = start or time(0, 0)
    end_day = day + timedelta(days=1) if end is not None and end <= start else day
    return None, datetime.combine(day, start), datetime.combine(end_day, end) if end else None


def _date_field(form: FormMultiDict, name: str) -> date | None:
    text = (form.get(name) or "").strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise DomainError("date_invalid", "Enter the date as DD.MM.YYYY, for example 04.12.2026.", field=name,
                          value=text) from None


def _time_field(form: FormMultiDict, name: str) -> time | None:
    text = (form.get(name) or "").strip()
    try:
        return time.fromisoformat(text) if text else None
    except ValueError:
        raise DomainError("time_invalid", "Enter the time as HH:MM, for example 14:05.", field=name,
                          value=text) from None


def _host(value: str) -> tuple[int | None, int | None]:
    """Read the host choice `premise_id:client_id`; either part may be empty."""
    premise, _, client = value.partition(":")
    return _int_or_none(premise), _int_or_none(client)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


async def _buildings(db: AsyncSession, principal: Principal) -> list[tuple[int, str, str]]:
    query = (select(Building.id, Building.address, Building.time_zone).where(scope_filter(principal, Building.id))
             .order_by(Building.address))
    return [tuple(row) for row in (await db.execute(query)).all()]


async def _zones(db: AsyncSession, principal: Principal) -> dict[int, str]:
    return {building_id: zone for building_id, _, zone in await _buildings(db, principal)}


async def _host_choices(db: AsyncSession, principal: Principal, building_id: int | None,
                        label: str) -> list[dict]:
    if building_id is None or not label:
        return []
    query = (select(Premise).where(Premise.building_id == building_id, Premise.label.ilike(label),
                                   scope_filter(principal, Premise.building_id))
             .order_by(Premise.kind).limit(MAX_HOST_CHOICES))
    premises = (await db.scalars(query)).all()
    return [{"premise": premise, "label": premise_label(premise.kind, premise.label, None),
             "clients": await _premise_clients(db, premise.id)} for premise in premises]


async def _premise_clients(db: AsyncSession, premise_id: int) -> list[tuple[int, str, str]]:
    today = utcnow().date()
    query = (select(Client, ClientPremise.role).join(ClientPremise, ClientPremise.client_id == Client.id)
             .where(ClientPremise.premise_id == premise_id, Client.merged_into_id.is_(None),
                    (ClientPremise.until.is_(None)) | (ClientPremise.until >= today))
             .order_by(Client.last_name, Client.organisation_name))
    return [(client.id, client.display_name, role) for client, role in (await db.execute(query)).all()]


async def _form(db: AsyncSession, principal: Principal, form: FormMultiDict, error: DomainError | None) -> Template:
    buildings = await _buildings(db, principal)
    building_id = _int_or_none(form.get("building_id")) or (buildings[0][0] if len(buildings) == 1 else None)
    zone = dict((b[0], b[2]) for b in buildings).get(building_id, "Europe/Moscow")
    label = (form.get("premise_label") or "").strip()
    return Template("passes/new.html", status_code=400 if error else 200, context={
        "form": form, "error": error, "buildings": buildings, "building_id": building_id,
        "today": utcnow().astimezone(ZoneInfo(zone)).date().isoformat(),
        "idempotency_key": form.get("idempotency_key") or uuid.uuid4().hex,
        "choices": await _host_choices(db, principal, building_id, label), "label": label,
        "selected": form.get("host", "")})
