"""The admin page that manages staff users, their roles, building scopes and extensions."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.web.deps import Db
from backend.domain.buildings.models import Building
from backend.domain.errors import DomainError
from backend.domain.staff.actions import do_create_user, do_update_user
from backend.domain.staff.models import User
from backend.domain.staff.roles import ROLE_TITLES_RU, Permission
from backend.web.guards import principal_of, requires
from frontend.pages.forms import read_form


class UsersAdminController(Controller):
    path = "/admin/users"
    guards = [requires(Permission.USERS_MANAGE)]
    include_in_schema = False

    @get("/")
    async def users(self, db: Db) -> Template:
        users = (await db.scalars(select(User).order_by(User.role, User.login))).all()
        return Template("admin/users.html", context={"users": users})

    @get("/new")
    async def new_user(self, db: Db) -> Template:
        return await _form(db, None, {}, None)

    @post("/new", status_code=200)
    async def create_user(self, request: Request, db: Db) -> Template | Redirect:
        form = await read_form(request)
        try:
            await do_create_user(db, actor_id=principal_of(request).user_id, login=form.get("login", ""),
                                 full_name=form.get("full_name", ""), role=form.get("role", ""),
                                 password=form.get("password", ""), building_ids=_building_ids(form),
                                 all_buildings=form.get("all_buildings") == "on",
                                 extension=form.get("extension") or None)
        except DomainError as error:
            await db.rollback()
            return await _form(db, None, form, error)
        await db.commit()
        return Redirect("/admin/users")

    @get("/{user_id:int}")
    async def edit_user(self, db: Db, user_id: int) -> Template:
        return await _form(db, await _user(db, user_id), {}, None)

    @post("/{user_id:int}", status_code=200)
    async def update_user(self, request: Request, db: Db, user_id: int) -> Template | Redirect:
        user = await _user(db, user_id)
        form = await read_form(request)
        try:
            await do_update_user(db, user, actor_id=principal_of(request).user_id,
                                 full_name=form.get("full_name", ""), role=form.get("role", ""),
                                 building_ids=_building_ids(form), all_buildings=form.get("all_buildings") == "on",
                                 is_active=form.get("is_active") == "on", extension=form.get("extension"),
                                 password=form.get("password") or None)
        except DomainError as error:
            await db.rollback()
            return await _form(db, await _user(db, user_id), form, error)
        await db.commit()
        return Redirect("/admin/users")


async def _user(db: Db, user_id: int) -> User:
    user = await db.get(User, user_id)
    if user is None:
        raise NotFoundException()
    return user


def _building_ids(form: dict) -> list[int]:
    return [int(value) for value in form.getall("building_ids", []) if str(value).isdigit()]


async def _form(db: Db, user: User | None, form: dict, error: DomainError | None) -> Template:
    buildings = (await db.execute(select(Building.id, Building.address).order_by(Building.address))).all()
    return Template("admin/user_form.html", status_code=400 if error else 200,
                    context={"user": user, "form": form, "error": error, "roles": ROLE_TITLES_RU,
                             "buildings": buildings})
