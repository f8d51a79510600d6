"""The call log (/calls) and the callback list (/calls/callbacks)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from litestar import Controller, Request, get, post
from litestar.response import Template

from backend.domain.calls import callback_list, callbacks, queries
from backend.domain.calls.log_lines import call_lines
from backend.domain.calls.models import CallbackStatus, Direction, Outcome
from backend.domain.errors import DomainError
from backend.domain.staff.roles import Permission
from backend.i18n import gettext as _
from backend.realtime.envelope import latest_seq
from backend.web.deps import Db
from backend.web.guards import principal_of, requires
from backend.web.templating import DEFAULT_ZONE
from frontend.pages.forms import read_form

DIRECTION_TITLES = {Direction.INBOUND: _("Inbound"), Direction.OUTBOUND: _("Outbound"),
                    Direction.INTERNAL: _("Internal")}
OUTCOME_TITLES = {Outcome.ANSWERED: _("Answered"), Outcome.MISSED: _("Missed"), Outcome.ABANDONED: _("Abandoned"),
                  Outcome.BUSY: _("Busy"), Outcome.FAILED: _("Failed")}
CALLBACK_TITLES = {CallbackStatus.OPEN: _("Waiting"), CallbackStatus.CALLED_BACK: _("Called back"),
                   CallbackStatus.ANSWERED_LATER: _("Client called again"),
                   CallbackStatus.CLOSED: _("Closed without a call")}


def _day_start(value: str | None, field: str, days_after: int = 0) -> datetime | None:
    """Read a `YYYY-MM-DD` filter as the start of that day (plus `days_after`) in the company's zone."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise DomainError("date_invalid", "Enter the date as DD.MM.YYYY.", field=field, value=value) from None
    return datetime.combine(day + timedelta(days=days_after), time(), DEFAULT_ZONE)


def _filter(direction: str | None, outcome: str | None, number: str | None, extension: str | None,
            day_from: str | None, day_to: str | None) -> queries.CallFilter:
    """Build the filter; both days are inclusive."""
    return queries.CallFilter(direction=direction or None, outcome=outcome or None, number=number or None,
                              extension=extension or None, started_from=_day_start(day_from, "day_from"),
                              started_to=_day_start(day_to, "day_to", days_after=1))


class CallsController(Controller):
    path = "/calls"
    guards = [requires(Permission.CALLS_VIEW)]
    include_in_schema = False

    @get("/")
    async def call_log(self, request: Request, db: Db, direction: str | None = None, outcome: str | None = None,
                       number: str | None = None, extension: str | None = None, day_from: str | None = None,
                       day_to: str | None = None, cursor: str | None = None) -> Template:
        after = await latest_seq(db)
        context = await self._log_context(request, db, direction, outcome, number, extension, day_from, day_to,
                                          cursor)
        return Template("calls/log.html", context={**context, "after": after})

    @get("/rows")
    async def call_rows(self, request: Request, db: Db, direction: str | None = None, outcome: str | None = None,
                        number: str | None = None, extension: str | None = None, day_from: str | None = None,
                        day_to: str | None = None, cursor: str | None = None) -> Template:
        """Render the table of the call log, for htmx refreshes."""
        context = await self._log_context(request, db, direction, outcome, number, extension, day_from, day_to,
                                          cursor)
        return Template("calls/_log_rows.html", context=context)

    async def _log_context(self, request: Request, db: Db, direction: str | None, outcome: str | None,
                           number: str | None, extension: str | None, day_from: str | None, day_to: str | None,
                           cursor: str | None) -> dict[str, object]:
        form = {"direction": direction or "", "outcome": outcome or "", "number": number or "",
                "extension": extension or "", "day_from": day_from or "", "day_to": day_to or ""}
        try:
            flt = _filter(direction, outcome, number, extension, day_from, day_to)
            page = await queries.list_calls(db, principal_of(request), flt, cursor=cursor)
        except DomainError as error:
            return {"form": form, "lines": [], "next_cursor": None, "error": error, **self._titles()}
        return {"form": form, "lines": await call_lines(db, page.items), "next_cursor": page.next_cursor,
                "error": None, **self._titles()}

    @staticmethod
    def _titles() -> dict[str, object]:
        return {"directions": DIRECTION_TITLES, "outcomes": OUTCOME_TITLES}

    @get("/callbacks")
    async def callbacks_page(self, request: Request, db: Db, status: str = CallbackStatus.OPEN) -> Template:
        after = await latest_seq(db)
        context = await self._callbacks_context(request, db, status)
        return Template("calls/callbacks.html", context={**context, "after": after})

    @get("/callbacks/rows")
    async def callback_rows(self, request: Request, db: Db, status: str = CallbackStatus.OPEN) -> Template:
        return Template("calls/_callback_rows.html", context=await self._callbacks_context(request, db, status))

    @post("/callbacks/{callback_id:int}/close", status_code=200)
    async def close_callback(self, request: Request, db: Db, callback_id: int) -> Template:
        """Close a callback from its row's form and render the refreshed open list."""
        form = await read_form(request)
        error = None
        try:
            await callbacks.do_close_callback(db, principal_of(request), callback_id, form.get("note") or "")
            await db.commit()
        except DomainError as failure:
            await db.rollback()
            error = failure
        context = await self._callbacks_context(request, db, CallbackStatus.OPEN)
        return Template("calls/_callback_rows.html", context={**context, "error": error,
                                                               "error_id": callback_id})

    async def _callbacks_context(self, request: Request, db: Db, status: str) -> dict[str, object]:
        status = status if status in (CallbackStatus.OPEN, "resolved") else CallbackStatus.OPEN
        lines = await callback_list.list_callbacks(db, principal_of(request), status)
        return {"status": status, "lines": lines, "statuses": CALLBACK_TITLES, "error": None, "error_id": None}
