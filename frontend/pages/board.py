"""The dispatch board (/board) and the ticket page (/tickets/{id})."""

from __future__ import annotations

import uuid

import msgspec
from litestar import Controller, Request, get
from litestar.response import Template

from backend.domain.buildings.queries import building_choices
from backend.domain.staff.roles import Permission
from backend.domain.tickets import queries
from backend.domain.tickets.detail import ticket_detail
from backend.domain.tickets.models import Channel, Priority
from backend.domain.tickets.transitions import ALLOWED, STATUS_TITLES
from backend.i18n import gettext as _
from backend.realtime.envelope import latest_seq
from backend.web.deps import Db
from backend.web.guards import principal_of, requires
from frontend.pages.board_texts import board_texts

PRIORITY_TITLES = {"emergency": _("Emergency"), "urgent": _("Urgent"), "normal": _("Normal"),
                   "planned": _("Planned")}
CHANNEL_TITLES = {"phone": _("Phone"), "app": _("Resident app"), "portal": _("Portal"), "walk_in": _("Walk-in"),
                  "email": _("E-mail"), "concierge": _("Concierge"), "staff": _("Staff")}


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


class BoardController(Controller):
    guards = [requires(Permission.TICKETS_VIEW)]
    include_in_schema = False

    @get("/board")
    async def board(self, request: Request, db: Db, building: str | None = None, category: str | None = None,
                    priority: str | None = None, technician: str | None = None) -> Template:
        principal = principal_of(request)
        after = await latest_seq(db)  # read before the data, so replay covers every later change
        flt = queries.TicketFilter(building_ids=[int(building)] if _int_or_none(building) else None,
                                   category_id=_int_or_none(category),
                                   priority=priority if priority in Priority.ALL else None,
                                   assignee_id=_int_or_none(technician))
        board = await queries.board_queues(db, principal, flt)
        context = {
            "board_json": msgspec.json.encode({
                "queues": board.queues, "counts": board.counts, "after": after, "filter": msgspec.to_builtins(flt),
                "technicians": await queries.technician_loads(db), "texts": board_texts(),
                "priorities": PRIORITY_TITLES, "statuses": {k: _(v) for k, v in STATUS_TITLES.items()},
                "can_manage": Permission.TICKETS_MANAGE in principal.permissions,
                "can_create": Permission.TICKETS_CREATE in principal.permissions,
            }).decode().replace("</", "<\\/"),  # keeps "</script>" in a description from ending the tag
            "buildings": await building_choices(db, principal), "categories": await queries.categories(db),
            "priorities": PRIORITY_TITLES, "channels": CHANNEL_TITLES, "filter": flt,
            "idempotency_key": uuid.uuid4().hex,
        }
        return Template("board/board.html", context=context)

    @get("/tickets/{ticket_id:int}")
    async def ticket(self, request: Request, db: Db, ticket_id: int) -> Template:
        principal = principal_of(request)
        after = await latest_seq(db)
        detail = await ticket_detail(db, principal, ticket_id)
        transitions = sorted(ALLOWED[detail.ticket.status], key=list(STATUS_TITLES).index)
        return Template("tickets/ticket.html", context={
            "detail": detail, "after": after, "transitions": transitions, "status_titles": STATUS_TITLES,
            "priority_titles": PRIORITY_TITLES, "channel_titles": CHANNEL_TITLES,
            "technicians": await queries.technician_loads(db, detail.ticket.building_id),
            "can_manage": Permission.TICKETS_MANAGE in principal.permissions})
