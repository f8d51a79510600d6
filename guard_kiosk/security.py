"""Pages for building managers at /security: guard posts, the blocklist, shifts and the incident log."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import File, Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.models import Building, Entrance
from backend.domain.errors import DomainError
from backend.domain.guard.blocklist import do_add_blocklist_entry, do_remove_blocklist_entry
from backend.domain.guard.incidents import access_incident_photo, list_incidents
from backend.domain.guard.models import BlocklistEntry
from backend.domain.guard.posts import do_create_post, do_update_post, list_posts
from backend.domain.guard.shifts import list_shifts
from backend.domain.staff.access import Principal, scope_filter
from backend.domain.staff.roles import Permission
from backend.web.guards import principal_of, requires
from frontend.pages.forms import read_form

LIST_LIMIT = 200


class SecurityController(Controller):
    path = "/security"
    guards = [requires(Permission.GUARD_MANAGE)]
    include_in_schema = False

    @get("/")
    async def index(self) -> Redirect:
        return Redirect("/security/incidents")

    @get("/incidents")
    async def incidents(self, request: Request, db: AsyncSession, building: int | None = None) -> Template:
        principal = principal_of(request)
        rows = await list_incidents(db, principal, building_id=building, limit=LIST_LIMIT)
        return await _page(db, principal, "security/incidents.html", building, incidents=rows)

    @get("/incidents/{incident_id:int}/photo")
    async def incident_photo(self, request: Request, db: AsyncSession, incident_id: int) -> File:
        path, content_type = await access_incident_photo(db, principal_of(request), request.app.state.settings.data_dir,
                                                         incident_id)
        return File(path, media_type=content_type, content_disposition_type="inline")

    @get("/shifts")
    async def shifts(self, request: Request, db: AsyncSession, building: int | None = None) -> Template:
        principal = principal_of(request)
        rows = await list_shifts(db, principal, building_id=building, limit=LIST_LIMIT)
        return await _page(db, principal, "security/shifts.html", building, shifts=rows)

    @get("/posts")
    async def posts(self, request: Request, db: AsyncSession) -> Template:
        return await _posts_page(db, principal_of(request), None, {})

    @post("/posts", status_code=200)
    async def create_post(self, request: Request, db: AsyncSession) -> Template | Redirect:
        principal = principal_of(request)
        form = await read_form(request)
        try:
            await do_create_post(db, principal, building_id=int(form.get("building_id") or 0),
                                 name=form.get("name", ""), entrance_ids=_ids(form, "entrance_ids"))
        except DomainError as error:
            await db.rollback()
            return await _posts_page(db, principal, error, form)
        await db.commit()
        return Redirect("/security/posts")

    @post("/posts/{post_id:int}", status_code=200)
    async def update_post(self, request: Request, db: AsyncSession, post_id: int) -> Template | Redirect:
        principal = principal_of(request)
        form = await read_form(request)
        try:
            await do_update_post(db, principal, post_id, name=form.get("name", ""),
                                 entrance_ids=_ids(form, "entrance_ids"), is_active=form.get("is_active") == "on")
        except DomainError as error:
            await db.rollback()
            return await _posts_page(db, principal, error, {})
        await db.commit()
        return Redirect("/security/posts")

    @get("/blocklist")
    async def blocklist(self, request: Request, db: AsyncSession) -> Template:
        return await _blocklist_page(db, principal_of(request), None, {})

    @post("/blocklist", status_code=200)
    async def add_to_blocklist(self, request: Request, db: AsyncSession) -> Template | Redirect:
        principal = principal_of(request)
        form = await read_form(request)
        building_id = form.get("building_id") or ""
        try:
            await do_add_blocklist_entry(db, principal, building_id=int(building_id) if building_id.isdigit() else None,
                                         full_name=form.get("full_name"), plate=form.get("plate"),
                                         reason=form.get("reason", ""))
        except DomainError as error:
            await db.rollback()
            return await _blocklist_page(db, principal, error, form)
        await db.commit()
        return Redirect("/security/blocklist")

    @post("/blocklist/{entry_id:int}/remove", status_code=200)
    async def remove_from_blocklist(self, request: Request, db: AsyncSession, entry_id: int) -> Redirect:
        await do_remove_blocklist_entry(db, principal_of(request), entry_id)
        await db.commit()
        return Redirect("/security/blocklist")


def _ids(form, name: str) -> list[int]:
    return [int(value) for value in form.getall(name, []) if str(value).isdigit()]


async def _buildings(db: AsyncSession, principal: Principal) -> list[tuple[int, str, str]]:
    query = (select(Building.id, Building.address, Building.time_zone).where(scope_filter(principal, Building.id))
             .order_by(Building.address))
    return [tuple(row) for row in (await db.execute(query)).all()]


async def _page(db: AsyncSession, principal: Principal, template: str, building: int | None, **context) -> Template:
    buildings = await _buildings(db, principal)
    return Template(template, context={"buildings": buildings, "building": building,
                                       "zones": {b[0]: b[2] for b in buildings}, **context})


async def _posts_page(db: AsyncSession, principal: Principal, error: DomainError | None, form) -> Template:
    posts = await list_posts(db, principal, active_only=False)
    building_ids = sorted({post.building_id for post, _ in posts} | {b[0] for b in await _buildings(db, principal)})
    entrances = (await db.execute(select(Entrance.id, Entrance.building_id, Entrance.number)
                                  .where(Entrance.building_id.in_(building_ids))
                                  .order_by(Entrance.building_id, Entrance.number))).all()
    by_building: dict[int, list[tuple[int, int]]] = {}
    for entrance_id, building_id, number in entrances:
        by_building.setdefault(building_id, []).append((entrance_id, number))
    return await _page(db, principal, "security/posts.html", None, posts=posts, entrances=by_building,
                       error=error, form=form)


async def _blocklist_page(db: AsyncSession, principal: Principal, error: DomainError | None, form) -> Template:
    buildings = await _buildings(db, principal)
    visible = [b[0] for b in buildings]
    query = (select(BlocklistEntry).where(BlocklistEntry.removed_at.is_(None),
                                          BlocklistEntry.building_id.in_(visible) | BlocklistEntry.building_id.is_(None))
             .order_by(BlocklistEntry.created_at.desc()).limit(LIST_LIMIT))
    entries = (await db.scalars(query)).all()
    return await _page(db, principal, "security/blocklist.html", None, entries=entries, error=error, form=form,
                       addresses={b[0]: b[1] for b in buildings}, everywhere=principal.all_buildings)
