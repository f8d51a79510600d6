"""JSON API: passes for the resident app, the portal, concierges and guard kiosks.

Callers authenticate with a staff API token (`Authorization: Bearer …`). There is no client
principal yet. The resident app, the portal and tenant companies act through an integration user
(an account manager scoped to their buildings) and name the host as `client_id` and `premise_id`.
They send `source` `resident_app`, `portal` or `tenant_company`, which the pass records.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.errors import DomainError
from backend.domain.passes.access import access_pass, can_see_personal_data
from backend.domain.passes.actions import PassRequest, do_cancel_pass, do_create_pass
from backend.domain.passes.lookup import CheckResult, check_passes
from backend.domain.passes.queries import PassFilter, list_passes
from backend.domain.passes.views import GuardPassView, PassView, guard_view, load_pass_row, staff_view
from backend.domain.passes.visits import VisitMark, do_mark_arrival, do_mark_departure
from backend.domain.staff.access import Principal, has_permission
from backend.domain.staff.roles import Permission
from backend.web.guards import principal_of, requires_sign_in

MAX_KEY_LENGTH = 200


class CancelRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: str | None = None


class VisitView(msgspec.Struct, kw_only=True):
    id: int
    arrived_at: datetime
    departed_at: datetime | None
    post_id: int | None


class VisitResponse(msgspec.Struct, kw_only=True):
    pass_: GuardPassView = msgspec.field(name="pass")
    visit: VisitView
    repeated: bool
    """True when this call repeated a mark already made; nothing changed."""


class PassesApi(Controller):
    path = "/api/v1/passes"
    guards = [requires_sign_in]
    tags = ["passes"]

    @post("/", status_code=201)
    async def create_pass(self, request: Request, db: AsyncSession, data: PassRequest,
                          idempotency_key: Annotated[str | None, Parameter(header="Idempotency-Key")] = None,
                          ) -> Response[PassView | GuardPassView]:
        """Order a pass. Repeating the call with the same Idempotency-Key returns the first pass (200)."""
        principal = principal_of(request)
        item, created = await do_create_pass(db, principal, data, idempotency_key=_checked_key(idempotency_key))
        await db.commit()
        return Response(await _view(db, principal, item.id), status_code=201 if created else 200)

    @get("/")
    async def list_passes(self, request: Request, db: AsyncSession, building: int | None = None,
                          premise: int | None = None, client: int | None = None, status: str | None = None,
                          on: date | None = None, q: str | None = None, limit: int = 50,
                          offset: int = 0) -> list[PassView] | list[GuardPassView]:
        """Passes in the caller's scope, newest first. `on` is a local date; `status` is effective."""
        filters = PassFilter(building_id=building, premise_id=premise, client_id=client, status=status, on=on, q=q,
                             limit=limit, offset=max(offset, 0))
        return await list_passes(db, principal_of(request), filters)

    @get("/check")
    async def check(self, request: Request, db: AsyncSession, q: str, post: int | None = None,
                    building: int | None = None) -> CheckResult:
        """Find passes by plate, name, pass number or QR payload; each says whether it lets in now, and why."""
        return await check_passes(db, principal_of(request), q, post_id=post, building_id=building)

    @get("/{pass_id:int}")
    async def get_pass(self, request: Request, db: AsyncSession, pass_id: int) -> PassView | GuardPassView:
        principal = principal_of(request)
        await access_pass(db, principal, pass_id, _reading_permission(principal))
        return await _view(db, principal, pass_id)

    @post("/{pass_id:int}/cancel", status_code=200)
    async def cancel(self, request: Request, db: AsyncSession, pass_id: int,
                     data: CancelRequest | None = None) -> PassView | GuardPassView:
        """Cancel a pass. Cancelling a cancelled pass returns it unchanged."""
        principal = principal_of(request)
        await do_cancel_pass(db, principal, pass_id, data.reason if data else None)
        await db.commit()
        return await _view(db, principal, pass_id)

    @post("/{pass_id:int}/arrival", status_code=200)
    async def arrival(self, request: Request, db: AsyncSession, pass_id: int,
                      post: int | None = None) -> VisitResponse:
        """Mark the arrival. While the visitor is on site a repeat returns the same arrival."""
        mark = await do_mark_arrival(db, principal_of(request), pass_id, post_id=post)
        await db.commit()
        return await _visit_response(db, mark)

    @post("/{pass_id:int}/departure", status_code=200)
    async def departure(self, request: Request, db: AsyncSession, pass_id: int) -> VisitResponse:
        """Mark the departure. A repeat returns the departure already marked."""
        mark = await do_mark_departure(db, principal_of(request), pass_id)
        await db.commit()
        return await _visit_response(db, mark)


def _checked_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError("idempotency_key_invalid", "Idempotency-Key: 1 to {limit} printable characters.",
                          field="Idempotency-Key", value=key[:MAX_KEY_LENGTH], limit=MAX_KEY_LENGTH)
    return key


def _reading_permission(principal: Principal) -> Permission:
    return Permission.PASSES_CHECK if has_permission(principal, Permission.PASSES_CHECK) else Permission.PASSES_CREATE


async def _view(db: AsyncSession, principal: Principal, pass_id: int) -> PassView | GuardPassView:
    item, label = await load_pass_row(db, pass_id)
    view = staff_view if can_see_personal_data(principal) else guard_view
    return view(item, label, utcnow())


async def _visit_response(db: AsyncSession, mark: VisitMark) -> VisitResponse:
    visit = VisitView(id=mark.visit.id, arrived_at=mark.visit.arrived_at, departed_at=mark.visit.departed_at,
                      post_id=mark.visit.post_id)
    item, label = await load_pass_row(db, mark.item.id)
    return VisitResponse(pass_=guard_view(item, label, utcnow()), visit=visit, repeated=not mark.created)
