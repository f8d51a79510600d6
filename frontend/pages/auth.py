"""Sign-in and sign-out pages."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from backend.web.deps import Db
from backend.domain.errors import DomainError
from backend.domain.staff.actions import SESSION_IDLE_TIMEOUT, authenticate, do_end_session, do_start_session
from backend.domain.staff.access import Principal, has_permission
from backend.domain.staff.roles import Permission, Role
from backend.web.middleware import SESSION_COOKIE, _session_token

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def safe_next(target: str | None) -> str:
    """Allow only local paths as the page to return to after sign-in (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def home_page(principal: Principal) -> str:
    """The page a role starts from."""
    if principal.role == Role.TECHNICIAN:
        return "/m/"
    if principal.role == Role.GUARD:
        return "/guard/"
    if has_permission(principal, Permission.TICKETS_VIEW):
        return "/board"
    return "/buildings"


class AuthController(Controller):
    include_in_schema = False

    @get("/login")
    async def login_page(self, request: Request, next: str = "/") -> Template | Redirect:
        if request.scope.get("user") is not None:
            return Redirect(safe_next(next))
        return Template("login.html", context={"next": safe_next(next)})

    @post("/login", status_code=200)
    async def login(self, request: Request, db: Db, data: Form) -> Template | Redirect:
        login = data.get("login", "")
        try:
            user = await authenticate(db, login, data.get("password", ""))
        except DomainError as error:
            await db.commit()
            return Template("login.html", context={"error": error.text, "login": login,
                                                   "next": safe_next(data.get("next"))}, status_code=400)
        token = await do_start_session(db, user, request.headers.get("user-agent"))
        await db.commit()
        response = Redirect(safe_next(data.get("next")))
        settings = request.app.state.settings
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.is_production,
                            max_age=int(SESSION_IDLE_TIMEOUT.total_seconds()))
        return response

    @post("/logout", status_code=303)
    async def logout(self, request: Request, db: Db) -> Redirect:
        token = _session_token(request.scope)
        if token:
            await do_end_session(db, token)
            await db.commit()
        response = Redirect("/login")
        response.delete_cookie(SESSION_COOKIE)
        return response

    @get("/")
    async def home(self, request: Request) -> Redirect:
        if request.scope.get("user") is None:
            return Redirect("/login")
        return Redirect(home_page(request.scope["user"]))
