"""JSON API: report figures. The same filters and scope rules as the /reports dashboards."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import Parameter

from backend.domain.reports.calls import CallReport, call_report
from backend.domain.reports.filters import build_filter
from backend.domain.reports.snapshots import RunState, do_request_refresh, run_state
from backend.domain.reports.tickets import TicketReport, ticket_report
from backend.domain.staff.roles import Permission
from backend.web.deps import Db
from backend.web.guards import principal_of, requires

DAY_HELP = "a local date, 2026-12-04 or 04.12.2026; both ends of the period are included"
From = Annotated[str | None, Parameter(query="from", description=DAY_HELP)]
To = Annotated[str | None, Parameter(description=DAY_HELP)]
Buildings = Annotated[list[int] | None, Parameter(description="building ids; omitted: every building in scope")]
Categories = Annotated[list[int] | None, Parameter(description="service category ids; omitted: all")]


class RefreshResult(msgspec.Struct):
    requested: bool
    """False when a run was already requested or running; it will include the latest changes too."""
    state: RunState


class ReportsApi(Controller):
    path = "/api/v1/reports"
    guards = [requires(Permission.REPORTS_VIEW)]
    tags = ["reports"]

    @get("/tickets")
    async def tickets(self, request: Request, db: Db, from_: From = None, to: To = None,
                      building: Buildings = None, category: Categories = None, grain: str | None = None) -> TicketReport:
        """The request report for tickets created on local days `from`..`to` (default: the last 30 days).

        Times are business minutes on the deadlines' calendar; shares are fractions from 0 to 1.
        """
        principal = principal_of(request)
        flt = build_filter(principal, first=from_, last=to, building_ids=building, category_ids=category,
                           grain=grain)
        return await ticket_report(db, principal, flt)

    @get("/calls")
    async def calls(self, request: Request, db: Db, from_: From = None, to: To = None,
                    building: Buildings = None) -> CallReport:
        """The call report for calls started on days `from`..`to` (Moscow time)."""
        principal = principal_of(request)
        flt = build_filter(principal, first=from_, last=to, building_ids=building)
        return await call_report(db, principal, flt)

    @post("/refresh", status_code=202)
    async def refresh(self, request: Request, db: Db) -> RefreshResult:
        """Ask the analytics worker to bring the figures up to date now."""
        requested = await do_request_refresh(db, principal_of(request))
        await db.commit()
        return RefreshResult(requested=requested, state=await run_state(db))
