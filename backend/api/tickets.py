"""JSON API: tickets. Thin: parse, call an action, commit, serialize."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.web.deps import Db
from backend.domain.staff.roles import Permission
from backend.domain.tickets import actions, idempotency, queries
from backend.domain.tickets.detail import TicketDetail, ticket_detail
from backend.domain.tickets.rows import TicketRow
from backend.web.guards import principal_of, requires

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 200  # characters, the column size


class TransitionRequest(msgspec.Struct, kw_only=True):
    status: str
    version: int | None = None
    reason: str | None = None
    hold_until: datetime | None = None
    report: str | None = None


class AssignRequest(msgspec.Struct, kw_only=True):
    assignee_id: int | None
    version: int | None = None


class CommentRequest(msgspec.Struct, kw_only=True):
    text: str
    visible_to_client: bool = False


class CategoryView(msgspec.Struct):
    id: int
    code: str
    name: str
    price: float | None


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER.lower())
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY:
        from backend.domain.errors import DomainError

        raise DomainError("idempotency_key_invalid", "The Idempotency-Key header must be 1 to {limit} characters.",
                          field=IDEMPOTENCY_HEADER, value=key[:50], limit=MAX_IDEMPOTENCY_KEY)
    return key


class TicketsApi(Controller):
    path = "/api/v1/tickets"
    guards = [requires(Permission.TICKETS_VIEW)]
    tags = ["tickets"]

    @post("/", status_code=201)
    async def create_ticket(self, request: Request, db: Db, data: actions.NewTicket) -> Response[TicketDetail]:
        """Create a ticket. A repeat with the same `Idempotency-Key` returns the first ticket with status 200."""
        principal = principal_of(request)
        ticket, created = await actions.do_create_ticket(db, principal, data, _idempotency_key(request))
        await db.commit()
        return Response(await ticket_detail(db, principal, ticket.id), status_code=201 if created else 200)

    @get("/")
    async def list_tickets(
        self, request: Request, db: Db,
        building: Annotated[list[int] | None, Parameter(description="building ids")] = None,
        status: list[str] | None = None, category: int | None = None, priority: str | None = None,
        assignee: int | None = None, client: int | None = None, premise: int | None = None,
        overdue: bool | None = None, created_from: datetime | None = None, created_to: datetime | None = None,
        cursor: str | None = None, limit: int = 50,
    ) -> queries.TicketPage:
        """Tickets in the caller's scope, newest first; pass `next_cursor` back as `cursor` for the next page."""
        flt = queries.TicketFilter(building_ids=building, statuses=status, category_id=category, priority=priority,
                                   assignee_id=assignee, client_id=client, premise_id=premise, overdue=overdue,
                                   created_from=created_from, created_to=created_to)
        return await queries.list_tickets(db, principal_of(request), flt, cursor=cursor, limit=limit)

    @get("/{ticket_id:int}")
    async def get_ticket(self, request: Request, db: Db, ticket_id: int) -> TicketDetail:
        return await ticket_detail(db, principal_of(request), ticket_id)

    @patch("/{ticket_id:int}")
    async def update_ticket(self, request: Request, db: Db, ticket_id: int,
                            data: actions.TicketChange) -> TicketDetail:
        """Change fields; `version` must be the version you read, else 409 and nothing changes."""
        principal = principal_of(request)
        await actions.do_update_ticket(db, principal, ticket_id, data)
        await db.commit()
        return await ticket_detail(db, principal, ticket_id)

    @post("/{ticket_id:int}/transition", status_code=200)
    async def transition(self, request: Request, db: Db, ticket_id: int,
                         data: TransitionRequest) -> TicketDetail:
        """Change the status. A repeat with the same `Idempotency-Key` is not applied again."""
        principal = principal_of(request)
        await idempotency.do_transition_once(db, principal, ticket_id, data.status, key=_idempotency_key(request),
                                             version=data.version, reason=data.reason, hold_until=data.hold_until,
                                             report=data.report)
        await db.commit()
        return await ticket_detail(db, principal, ticket_id)

    @post("/{ticket_id:int}/assign", status_code=200)
    async def assign(self, request: Request, db: Db, ticket_id: int, data: AssignRequest) -> TicketDetail:
        principal = principal_of(request)
        await actions.do_assign(db, principal, ticket_id, data.assignee_id, version=data.version)
        await db.commit()
        return await ticket_detail(db, principal, ticket_id)

    @post("/{ticket_id:int}/comments", status_code=201)
    async def comment(self, request: Request, db: Db, ticket_id: int, data: CommentRequest) -> Response[TicketDetail]:
        """Add a comment. A repeat with the same `Idempotency-Key` adds nothing and returns status 200."""
        principal = principal_of(request)
        _, created = await idempotency.do_comment_once(db, principal, ticket_id, data.text,
                                                       key=_idempotency_key(request),
                                                       visible_to_client=data.visible_to_client)
        await db.commit()
        return Response(await ticket_detail(db, principal, ticket_id), status_code=201 if created else 200)

    @get("/similar")
    async def similar(self, request: Request, db: Db, building: int, category: int,
                      entrance: int | None = None) -> list[TicketRow]:
        """Open tickets of the same category in the building or entrance: candidates for a parent incident."""
        from backend.domain.tickets.rows import load_row

        tickets = await actions.similar_open_tickets(db, principal_of(request), building, category, entrance)
        return [await load_row(db, ticket.id) for ticket in tickets]


@get("/api/v1/categories", guards=[requires(Permission.TICKETS_VIEW)], tags=["tickets"])
async def list_categories(db: Db) -> list[CategoryView]:
    """The service catalogue."""
    return [CategoryView(id=c.id, code=c.code, name=c.name, price=float(c.price) if c.price is not None else None)
            for c in await queries.categories(db)]
