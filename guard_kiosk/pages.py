"""The guard kiosk at /guard/: one search field, a green or red verdict, one-tap arrival and departure.

The kiosk is bound to the post of the guard's open shift; without one it asks to open a shift.
Fragments are swapped in by htmx; live events only trigger a re-fetch of the lists, so every
detail a guard sees passes the access checks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.models import Building
from backend.domain.errors import DomainError
from backend.domain.guard.access import access_post, open_shift
from backend.domain.guard.incidents import do_record_incident, list_incidents
from backend.domain.guard.models import GuardPost, GuardShift
from backend.domain.guard.posts import list_posts
from backend.domain.guard.shifts import do_close_shift, do_open_shift, last_closed_shift
from backend.domain.passes.lookup import check_passes
from backend.domain.passes.queries import expected_today, on_site
from backend.domain.passes.visits import do_mark_arrival, do_mark_departure
from backend.domain.staff.roles import Permission
from backend.realtime.envelope import latest_seq
from backend.web.guards import principal_of, requires
from frontend.pages.forms import read_form
from guard_kiosk.clock import KioskClock
from guard_kiosk.forms import local_occurred_at, uploaded_photo

STATIC_DIR = Path(__file__).with_name("static")
CHANGED = {"HX-Trigger": "passes-changed"}
"""Response header that makes the kiosk re-fetch its lists after a mark."""


class GuardKioskController(Controller):
    path = "/guard"
    guards = [requires(Permission.PASSES_CHECK)]
    include_in_schema = False

    @get("/")
    async def kiosk(self, request: Request, db: AsyncSession) -> Template:
        principal = principal_of(request)
        shift = await open_shift(db, principal)
        if shift is None:
            posts = await list_posts(db, principal)
            return Template("guard/open_shift.html", context={"posts": posts, "error": None, "form": {}})
        after = await latest_seq(db)  # read before the lists, so replay covers every later change
        post, building = await _post_and_building(db, request, shift)
        return Template("guard/kiosk.html", context={"post": post, "building": building, "shift": shift,
                                                     "live_after": after, "clock": KioskClock.for_zone(
                                                         building.time_zone)})

    @get("/handover")
    async def handover(self, request: Request, db: AsyncSession, post: int) -> Template:
        """Render the previous shift's handover note at a post while the guard opens a shift."""
        post_row = await access_post(db, principal_of(request), post)
        building = await db.get(Building, post_row.building_id)
        return Template("guard/_handover.html", context={"previous": await last_closed_shift(db, post),
                                                         "clock": KioskClock.for_zone(building.time_zone)})

    @post("/shift/open", status_code=200)
    async def open_shift(self, request: Request, db: AsyncSession) -> Template | Redirect:
        principal = principal_of(request)
        form = await read_form(request)
        try:
            await do_open_shift(db, principal, int(form.get("post") or 0), form.get("note"))
        except DomainError as error:
            await db.rollback()
            return Template("guard/open_shift.html", status_code=400,
                            context={"posts": await list_posts(db, principal), "error": error, "form": form})
        await db.commit()
        return Redirect("/guard/")

    @post("/shift/close", status_code=200)
    async def close_shift(self, request: Request, db: AsyncSession) -> Template | Redirect:
        form = await read_form(request)
        try:
            await do_close_shift(db, principal_of(request), form.get("handover_note", ""))
        except DomainError as error:
            await db.rollback()
            return Template("guard/_message.html", status_code=400, context={"error": error})
        await db.commit()
        return Response(content="", headers={"HX-Redirect": "/guard/"})

    @get("/check")
    async def check(self, request: Request, db: AsyncSession, q: str = "") -> Template:
        return await _result(db, request, q)

    @get("/lists")
    async def lists(self, request: Request, db: AsyncSession) -> Template:
        """Who is on site and who is expected today at the post."""
        post, building = await _post_and_building(db, request)
        clock = KioskClock.for_zone(building.time_zone)
        return Template("guard/_lists.html", context={
            "on_site": await on_site(db, post, clock.now), "clock": clock,
            "expected": await expected_today(db, post, clock.zone, clock.now)})

    @post("/passes/{pass_id:int}/arrival", status_code=200)
    async def arrival(self, request: Request, db: AsyncSession, pass_id: int) -> Template:
        post, _ = await _post_and_building(db, request)
        return await _mark(db, request, lambda: do_mark_arrival(db, principal_of(request), pass_id, post_id=post.id))

    @post("/passes/{pass_id:int}/departure", status_code=200)
    async def departure(self, request: Request, db: AsyncSession, pass_id: int) -> Template:
        return await _mark(db, request, lambda: do_mark_departure(db, principal_of(request), pass_id))

    @post("/incidents", status_code=200)
    async def record_incident(self, request: Request, db: AsyncSession) -> Template:
        principal = principal_of(request)
        form = await read_form(request)
        post, building = await _post_and_building(db, request)
        try:
            await do_record_incident(db, principal, request.app.state.settings.data_dir, text=form.get("text", ""),
                                     occurred_at=local_occurred_at(form.get("occurred_at"), building.time_zone),
                                     photo=await uploaded_photo(form.get("photo")))
        except DomainError as error:
            await db.rollback()
            return Template("guard/_message.html", status_code=400, context={"error": error})
        await db.commit()
        return await _incidents(db, request, building)

    @get("/incidents")
    async def incidents(self, request: Request, db: AsyncSession) -> Template:
        _, building = await _post_and_building(db, request)
        return await _incidents(db, request, building)


async def _post_and_building(db: AsyncSession, request: Request,
                             shift: GuardShift | None = None) -> tuple[GuardPost, Building]:
    """Return the post of the user's open shift; without a shift the kiosk pages send the guard to open one."""
    principal = principal_of(request)
    shift = shift or await open_shift(db, principal)
    if shift is None:
        raise DomainError("shift_not_open", "Open a shift to work at the post.", field="shift", value=None)
    post = await access_post(db, principal, shift.post_id)
    return post, await db.get(Building, post.building_id)


async def _result(db: AsyncSession, request: Request, query: str, status_code: int = 200,
                  error: DomainError | None = None, headers: dict | None = None) -> Template:
    post, building = await _post_and_building(db, request)
    result = await check_passes(db, principal_of(request), query, post_id=post.id) if query.strip() else None
    return Template("guard/_result.html", status_code=status_code, headers=headers or {},
                    context={"result": result, "query": query, "error": error,
                             "clock": KioskClock.for_zone(building.time_zone)})


async def _mark(db: AsyncSession, request: Request, action: Callable[[], Awaitable[object]]) -> Template:
    """Run an arrival or departure, then respond with the refreshed result for the same query."""
    form = await read_form(request)
    try:
        await action()
    except DomainError as error:
        await db.rollback()
        return await _result(db, request, form.get("q", ""), error=error)
    await db.commit()
    return await _result(db, request, form.get("q", ""), headers=CHANGED)


async def _incidents(db: AsyncSession, request: Request, building: Building) -> Template:
    principal = principal_of(request)
    shift = await open_shift(db, principal)
    rows = await list_incidents(db, principal, shift_id=shift.id if shift else -1, limit=20)
    return Template("guard/_incidents.html", context={"incidents": rows,
                                                      "clock": KioskClock.for_zone(building.time_zone)})


def kiosk_static_router():
    return create_static_files_router(path="/guard/static", directories=[STATIC_DIR], name="guard_static")
