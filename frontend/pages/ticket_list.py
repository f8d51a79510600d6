"""The ticket list (/tickets): every report figure links here with the filters that define it."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.queries import building_choices
from backend.domain.errors import DomainError
from backend.domain.reports.drilldown import TicketQuery, list_report_tickets
from backend.domain.reports.filters import parse_day
from backend.domain.reports.labels import AGE_TITLES, CHANNEL_TITLES, PRIORITY_TITLES
from backend.domain.reports.tickets import list_name
from backend.domain.staff.models import User
from backend.domain.staff.roles import Permission
from backend.domain.tickets.queries import categories
from backend.domain.tickets.transitions import STATUS_TITLES
from backend.i18n import N_, gettext
from backend.web.deps import Db
from backend.web.guards import principal_of, requires

FLAGS = {
    "completed": (N_("Completed tickets"), N_("Not completed")),
    "resolution_on_time": (N_("Completed on time"), N_("Completed late")),
    "response_on_time": (N_("Response on time"), N_("Response late")),
    "reopened": (N_("Reopened"), N_("Never reopened")),
    "open": (N_("Open tickets"), N_("Closed and cancelled tickets")),
    "overdue": (N_("Overdue"), N_("Not overdue")),
}
"""Yes/no filters of the list and how each value is named on the page."""

TRUE_VALUES, FALSE_VALUES = ("1", "true", "yes"), ("0", "false", "no")


def parse_flag(value: str | None, field: str) -> bool | None:
    if value is None or value == "":
        return None
    if value.lower() in TRUE_VALUES:
        return True
    if value.lower() in FALSE_VALUES:
        return False
    raise DomainError("filter_invalid", "Unknown value «{text}» of the filter {field}.", field=field, value=value,
                      text=value)


def ticket_query(params: dict[str, list[str]]) -> TicketQuery:
    """Read the list's query parameters (the names report links use) into a TicketQuery."""
    def one(name: str) -> str | None:
        values = params.get(name) or [None]
        return values[-1] or None

    def ids(name: str) -> tuple[int, ...]:
        return tuple(sorted({_integer(value, name) for value in params.get(name, []) if value}))

    rating = one("rating")
    assignee = one("assignee")
    return TicketQuery(
        first=parse_day(one("from"), "from"), last=parse_day(one("to"), "to"),
        building_ids=ids("building"), category_ids=ids("category"), priority=one("priority"),
        channel=one("channel"), statuses=tuple(value for value in params.get("status", []) if value),
        assignee_id=_integer(assignee, "assignee") if assignee else None,
        rating=_integer(rating, "rating") if rating else None, age=one("age"),
        **{flag: parse_flag(one(flag), flag) for flag in FLAGS})


def _integer(value: str, field: str) -> int:
    if not value.isdigit():
        raise DomainError("filter_invalid", "Unknown value «{text}» of the filter {field}.", field=field,
                          value=value, text=value)
    return int(value)


Page = Annotated[int, Parameter(ge=1, le=1_000_000)]


class TicketListController(Controller):
    guards = [requires(Permission.TICKETS_VIEW)]
    include_in_schema = False

    @get("/tickets")
    async def ticket_list(self, request: Request, db: Db, page: Page = 1) -> Template:
        principal = principal_of(request)
        params = {name: request.query_params.getall(name) for name in request.query_params if name != "page"}
        error = None
        try:
            query = ticket_query(params)
            result = await list_report_tickets(db, principal, query, page)
        except DomainError as failure:
            error, query, result = failure, TicketQuery(), None
        context = {
            "query": query, "result": result, "error": error, "params": params,
            "page_link": lambda number: "/tickets?" + urlencode([*_pairs(params), ("page", number)]),
            "buildings": await building_choices(db, principal), "categories": await categories(db),
            "chips": _chips(params, await _assignee_name(db, query.assignee_id)), "status_titles": STATUS_TITLES, "priority_titles": PRIORITY_TITLES,
            "channel_titles": CHANNEL_TITLES, "list_name": list_name,
        }
        return Template("tickets/list.html", context=context)


async def _assignee_name(db: AsyncSession, assignee_id: int | None) -> str | None:
    if assignee_id is None:
        return None
    full_name = await db.scalar(select(User.full_name).where(User.id == assignee_id))
    return list_name(full_name) if full_name else None


def _pairs(params: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, values in params.items() for value in values]


FORM_FIELDS = ("from", "to", "building", "category")
"""Filters the form on the page edits; the others come from report links and show as removable chips."""


def _chips(params: dict[str, list[str]], assignee_name: str | None) -> list[tuple[str, str]]:
    """Return (text, link without this filter) for each filter the form does not show."""
    chips = []
    for name, values in params.items():
        if name in FORM_FIELDS:
            continue
        for value in values:
            rest = [(other, kept) for other, kept in _pairs(params) if (other, kept) != (name, value)]
            chips.append((_chip_text(name, value, assignee_name), "/tickets?" + urlencode(rest)))
    return chips


def _chip_text(name: str, value: str, assignee_name: str | None) -> str:
    if name in FLAGS:
        yes, no = FLAGS[name]
        return gettext(yes if value.lower() in TRUE_VALUES else no)
    titles = {"priority": PRIORITY_TITLES, "channel": CHANNEL_TITLES, "status": STATUS_TITLES,
              "age": AGE_TITLES}.get(name)
    if titles is not None and value in titles:
        return gettext(titles[value])
    if name == "rating":
        return gettext("Rating {rating}", rating=value)
    if name == "assignee":
        return gettext("Assignee: {name}", name=assignee_name or value)
    return f"{name}: {value}"

