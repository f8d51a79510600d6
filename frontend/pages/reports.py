"""The report dashboards (/reports, /reports/calls), their XLSX and CSV downloads and the refresh button."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.queries import building_choices
from backend.domain.errors import DomainError
from backend.domain.reports.calls import call_report
from backend.domain.reports.export import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, to_csv, to_xlsx
from backend.domain.reports.filters import GRAINS, ReportFilter, build_filter
from backend.domain.reports.labels import PRIORITY_TITLES
from backend.domain.reports.snapshots import do_request_refresh, run_state
from backend.domain.reports.tables import Table, call_tables, find_table, ticket_tables
from backend.domain.reports.tickets import ticket_report
from backend.domain.staff.access import Principal
from backend.domain.staff.roles import Permission
from backend.domain.tickets.queries import categories
from backend.domain.tickets.transitions import STATUS_TITLES
from backend.web.deps import Db
from backend.web.guards import principal_of, requires
from frontend.pages import report_views as views
from frontend.pages.forms import read_form

From = Annotated[str | None, Parameter(query="from")]
Buildings = Annotated[list[int] | None, Parameter(query="building")]
Categories = Annotated[list[int] | None, Parameter(query="category")]


class ReportsController(Controller):
    path = "/reports"
    guards = [requires(Permission.REPORTS_VIEW)]
    include_in_schema = False

    @get("/")
    async def tickets_dashboard(self, request: Request, db: Db, from_: From = None, to: str | None = None,
                                building: Buildings = None, category: Categories = None,
                                grain: str | None = None) -> Template:
        principal = principal_of(request)
        flt, error = _filter_or_default(principal, from_, to, building, category, grain)
        report = await ticket_report(db, principal, flt)
        links = views.TicketLinks(flt)
        context = {
            **await _filter_context(db, principal, flt, error, building), "report": report, "links": links,
            "volume": views.volume_chart(report.volume, flt, links),
            "backlog_bars": views.backlog_bars(report.backlog, links),
            "rating_bars": views.rating_bars(report.ratings, links),
            "state": await run_state(db), "priority_titles": PRIORITY_TITLES, "status_titles": STATUS_TITLES,
            "slice_filter": views.slice_filter, "slice_name": views.slice_name,
        }
        context["building_names"] = {choice.id: choice.address for choice in context["buildings"]}
        return Template("reports/tickets.html", context=context)

    @get("/calls")
    async def calls_dashboard(self, request: Request, db: Db, from_: From = None, to: str | None = None,
                              building: Buildings = None) -> Template:
        principal = principal_of(request)
        flt, error = _filter_or_default(principal, from_, to, building, None, None)
        report = await call_report(db, principal, flt)
        links = views.CallLinks(flt.first, flt.last)
        context = {**await _filter_context(db, principal, flt, error, building), "report": report,
                   "call_links": links}
        if report.available:
            context.update(by_hour=views.calls_by_hour_chart(report), by_day=views.calls_by_day_chart(report, links),
                           answer_bars=views.answer_time_bars(report))
        return Template("reports/calls.html", context=context)

    @get("/tickets.xlsx")
    async def tickets_xlsx(self, request: Request, db: Db, from_: From = None, to: str | None = None,
                           building: Buildings = None, category: Categories = None,
                           grain: str | None = None) -> Response:
        flt, tables = await self._ticket_tables(request, db, from_, to, building, category, grain)
        return _download(to_xlsx(tables), XLSX_MEDIA_TYPE, _file_name("tickets", flt, "xlsx"))

    @get("/tickets/{file_name:str}")
    async def tickets_csv(self, request: Request, db: Db, file_name: str, from_: From = None, to: str | None = None,
                          building: Buildings = None, category: Categories = None,
                          grain: str | None = None) -> Response:
        """Send one section as CSV, e.g. /reports/tickets/by_building.csv."""
        flt, tables = await self._ticket_tables(request, db, from_, to, building, category, grain)
        table = _csv_table(tables, file_name)
        return _download(to_csv(table), CSV_MEDIA_TYPE, _file_name(f"tickets-{table.code}", flt, "csv"))

    @get("/calls.xlsx")
    async def calls_xlsx(self, request: Request, db: Db, from_: From = None, to: str | None = None,
                         building: Buildings = None) -> Response:
        flt, tables = await self._call_tables(request, db, from_, to, building)
        return _download(to_xlsx(tables), XLSX_MEDIA_TYPE, _file_name("calls", flt, "xlsx"))

    @get("/calls/{file_name:str}")
    async def calls_csv(self, request: Request, db: Db, file_name: str, from_: From = None, to: str | None = None,
                        building: Buildings = None) -> Response:
        """Send one section as CSV, e.g. /reports/calls/by_hour.csv."""
        flt, tables = await self._call_tables(request, db, from_, to, building)
        table = _csv_table(tables, file_name)
        return _download(to_csv(table), CSV_MEDIA_TYPE, _file_name(f"calls-{table.code}", flt, "csv"))

    @post("/refresh", status_code=200)
    async def refresh(self, request: Request, db: Db) -> Response:
        """Ask the analytics worker for a run; htmx gets the status line back, a plain form a redirect."""
        form = await read_form(request)
        await do_request_refresh(db, principal_of(request))
        await db.commit()
        if request.headers.get("hx-request"):
            return Template("reports/_run_state.html", context={"state": await run_state(db),
                                                                "shown_as_of": form.get("shown_as_of") or ""})
        back = form.get("back") or "/reports"
        return Redirect(back if back.startswith("/reports") else "/reports", status_code=303)

    @get("/run-state")
    async def run_state_line(self, db: Db, shown_as_of: str | None = None) -> Template:
        """Render the status line of the figures, which the page polls while a run is under way."""
        return Template("reports/_run_state.html", context={"state": await run_state(db),
                                                            "shown_as_of": shown_as_of or ""})

    async def _ticket_tables(self, request: Request, db: AsyncSession, first: str | None, last: str | None,
                             building: list[int] | None, category: list[int] | None,
                             grain: str | None) -> tuple[ReportFilter, list[Table]]:
        principal = principal_of(request)
        flt = build_filter(principal, first=first, last=last, building_ids=building, category_ids=category,
                           grain=grain or None)
        return flt, ticket_tables(await ticket_report(db, principal, flt))

    async def _call_tables(self, request: Request, db: AsyncSession, first: str | None, last: str | None,
                           building: list[int] | None) -> tuple[ReportFilter, list[Table]]:
        principal = principal_of(request)
        flt = build_filter(principal, first=first, last=last, building_ids=building)
        return flt, call_tables(await call_report(db, principal, flt))


def _filter_or_default(principal: Principal, first: str | None, last: str | None, building: list[int] | None,
                       category: list[int] | None, grain: str | None) -> tuple[ReportFilter, DomainError | None]:
    """Build the filter; on invalid input show the default report together with the error."""
    try:
        return build_filter(principal, first=first, last=last, building_ids=building, category_ids=category,
                            grain=grain or None), None
    except DomainError as error:
        return build_filter(principal), error


async def _filter_context(db: AsyncSession, principal: Principal, flt: ReportFilter, error: DomainError | None,
                          requested: list[int] | None) -> dict[str, object]:
    """Collect the filter form's choices and the buildings picked (none picked means all in scope)."""
    return {"flt": flt, "error": error, "query": urlencode(flt.query_params()),
            "buildings": await building_choices(db, principal), "categories": await categories(db),
            "grains": GRAINS, "selected_buildings": set(requested or ()) if error is None else set()}


def _csv_table(tables: list[Table], file_name: str) -> Table:
    """Return the section named by `file_name` (`<code>.csv`), or raise 404."""
    code, dot, extension = file_name.rpartition(".")
    table = find_table(tables, code) if dot and extension == "csv" else None
    if table is None:
        raise NotFoundException()
    return table


def _file_name(subject: str, flt: ReportFilter, extension: str) -> str:
    return f"domovoy-{subject}-{flt.first.isoformat()}-{flt.last.isoformat()}.{extension}"


def _download(content: bytes, media_type: str, file_name: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{file_name}"'})
