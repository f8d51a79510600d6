"""The technician's mobile web app under /m/: the queue, a ticket's card, the service worker, push sign-up."""

from __future__ import annotations

import mimetypes
from functools import cache
from pathlib import Path

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router

from backend.db.base import utcnow
from backend.domain.clients.phones import format_phone
from backend.domain.push.actions import NewSubscription, do_subscribe, do_unsubscribe
from backend.domain.staff.roles import Permission
from backend.domain.tickets.transitions import STATUS_TITLES
from backend.integrations.webpush import application_server_key, load_vapid
from backend.realtime.envelope import latest_seq
from backend.settings import Settings
from backend.web.deps import Db
from backend.web.guards import principal_of, requires
from mobile.queries import ticket_card, ticket_queue, visible_buildings, works_own_tickets
from mobile.texts import PRIORITY_TITLES, TIMELINE_TITLES, due_text, script_texts

STATIC_DIR = Path(__file__).resolve().parent / "static"
SERVICE_WORKER = STATIC_DIR / "sw.js"
mimetypes.add_type("application/manifest+json", ".webmanifest")


class Unsubscription(msgspec.Struct):
    endpoint: str


@cache
def _public_key(settings: Settings) -> str | None:
    vapid = load_vapid(settings)
    return application_server_key(vapid) if vapid is not None else None


def _common(request: Request, after: int) -> dict:
    principal = principal_of(request)
    return {"principal": principal, "after": after, "texts": script_texts(), "status_titles": STATUS_TITLES,
            "priority_titles": PRIORITY_TITLES, "vapid_key": _public_key(request.app.state.settings),
            "own_tickets": works_own_tickets(principal), "now": utcnow(), "due_text": due_text,
            "format_phone": format_phone}


class MobileController(Controller):
    path = "/m"
    include_in_schema = False

    @get("/", guards=[requires(Permission.TICKETS_VIEW)])
    async def queue(self, request: Request, db: Db, building: int | None = None) -> Template | Redirect:
        """Show the user's queue: own tickets for technicians, a building's open tickets for the others."""
        if not request.scope.get("raw_path", b"/m/").split(b"?", 1)[0].endswith(b"/"):
            # `/m` and `/m/` reach this handler alike, but only `/m/` is inside the service worker's scope.
            query = request.scope.get("query_string", b"").decode()
            return Redirect("/m/" + (f"?{query}" if query else ""))
        principal = principal_of(request)
        after = await latest_seq(db)
        items = await ticket_queue(db, principal, building)
        context = {**_common(request, after), "items": items, "building_id": building,
                   "buildings": [] if works_own_tickets(principal) else await visible_buildings(db, principal)}
        return Template("mobile/queue.html", context=context)

    @get("/queue", guards=[requires(Permission.TICKETS_VIEW)])
    async def queue_items(self, request: Request, db: Db, building: int | None = None) -> Template:
        """Render the queue's list alone, which the page fetches again after a live event."""
        items = await ticket_queue(db, principal_of(request), building)
        return Template("mobile/_queue_items.html", context={**_common(request, 0), "items": items})

    @get("/tickets/{ticket_id:int}", guards=[requires(Permission.TICKETS_VIEW)])
    async def ticket(self, request: Request, db: Db, ticket_id: int) -> Template:
        after = await latest_seq(db)
        card = await ticket_card(db, principal_of(request), ticket_id)
        return Template("mobile/ticket.html", context={**_common(request, after), "card": card,
                                                       "timeline_titles": TIMELINE_TITLES})

    @get("/offline")
    async def offline(self) -> Template:
        """Show that a page is not saved; the service worker serves this in place of unsaved pages when offline."""
        return Template("mobile/offline.html", context={"texts": script_texts(), "principal": None})

    @get("/sw.js")
    async def service_worker(self) -> Response[bytes]:
        """Served from /m/ so that its scope is /m/; never cached, so that a new version installs at once."""
        return Response(SERVICE_WORKER.read_bytes(), media_type="text/javascript",
                        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/m/"})

    @post("/push/subscriptions", status_code=204, guards=[requires(Permission.TICKETS_VIEW)])
    async def subscribe(self, request: Request, db: Db, data: NewSubscription) -> None:
        """Save this device's push subscription for the signed-in user."""
        settings: Settings = request.app.state.settings
        await do_subscribe(db, principal_of(request), data, user_agent=request.headers.get("user-agent"),
                           https_only=settings.is_production)
        await db.commit()

    @post("/push/unsubscribe", status_code=204, guards=[requires(Permission.TICKETS_VIEW)])
    async def unsubscribe(self, request: Request, db: Db, data: Unsubscription) -> None:
        await do_unsubscribe(db, principal_of(request), data.endpoint)
        await db.commit()


def mobile_routes() -> list:
    """Return the controller and the static files router of the mobile app."""
    return [MobileController, create_static_files_router(path="/m/static", directories=[STATIC_DIR],
                                                         name="mobile_static")]
