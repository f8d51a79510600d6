"""JSON API: the call log, a call's detail, the callback list and click-to-call."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, Request, Response, get, post

from backend.domain.calls import callback_list, callbacks, originate, queries
from backend.domain.calls.models import CallbackStatus, OriginateRequest
from backend.domain.errors import DomainError, NotFound
from backend.i18n import N_
from backend.settings import Settings
from backend.web.deps import Db
from backend.web.guards import principal_of, requires, requires_sign_in
from backend.domain.staff.roles import Permission


class CloseCallbackRequest(msgspec.Struct, kw_only=True):
    note: str


class TelephonyOff(DomainError):
    status_code = 503

    def __init__(self) -> None:
        super().__init__("telephony_off", N_("Telephony is not set up: calls from the CRM are unavailable."))


def telephony_available(settings: Settings) -> bool:
    """Tell whether a worker may hold an AMI session: to a real exchange, or to the demo simulator."""
    return settings.telephony_enabled or settings.demo_calls


class CallsApi(Controller):
    path = "/api/v1/calls"
    guards = [requires_sign_in]
    tags = ["calls"]

    @get("/")
    async def list_calls(
        self, request: Request, db: Db, direction: str | None = None, outcome: str | None = None,
        number: str | None = None, extension: str | None = None, queue: str | None = None,
        client: int | None = None, started_from: datetime | None = None, started_to: datetime | None = None,
        cursor: str | None = None, limit: int = queries.DEFAULT_PAGE,
    ) -> queries.CallPage:
        """Calls newest first: the whole log with CALLS_VIEW (in the caller's buildings), else one's own calls.

        `number` matches the caller or the called number in any phone format; `extension` one that
        rang or answered. Pass `next_cursor` back as `cursor` for the next page.
        """
        flt = queries.CallFilter(direction=direction, outcome=outcome, number=number, extension=extension,
                                 queue=queue, client_id=client, started_from=started_from, started_to=started_to)
        return await queries.list_calls(db, principal_of(request), flt, cursor=cursor, limit=limit)

    @get("/{call_id:int}")
    async def get_call(self, request: Request, db: Db, call_id: int, client: int | None = None,
                       premise: int | None = None) -> queries.CallDetail:
        """Return a call, its matched clients, and the new-ticket form fields it pre-fills.

        `client` and `premise` choose the matched client and premise that pre-fill the form.
        """
        return await queries.call_detail(db, principal_of(request), call_id, client_id=client, premise_id=premise)

    @post("/originate", status_code=202)
    async def originate(self, request: Request, db: Db, data: originate.OriginateTarget) -> originate.OriginateView:
        """Ring your own phone, then the client. Give one of `client_id`, `ticket_id` or `number`.

        The result arrives later as a `call.originate_result` event on /ws (and here under
        GET /originate/{id}): `stage` "originate" for your phone, then "call" for the client's side.
        """
        if not telephony_available(request.app.state.settings):
            raise TelephonyOff()
        placed = await originate.do_request_originate(db, principal_of(request), data)
        await db.commit()
        return originate.view_of(placed)

    @get("/originate/{request_id:int}")
    async def originate_status(self, request: Request, db: Db, request_id: int) -> originate.OriginateView:
        placed = await db.get(OriginateRequest, request_id)
        if placed is None or placed.user_id != principal_of(request).user_id:
            raise NotFound("originate_not_found", "Call request not found.", field="request_id", value=request_id)
        return originate.view_of(placed)


class CallbacksApi(Controller):
    path = "/api/v1/callbacks"
    guards = [requires(Permission.CALLS_VIEW)]
    tags = ["calls"]

    @get("/")
    async def list_callbacks(self, request: Request, db: Db,
                             status: str = CallbackStatus.OPEN) -> list[callback_list.CallbackLine]:
        """Open callbacks, longest waiting first; `status=resolved` lists the resolved ones, newest first."""
        return await callback_list.list_callbacks(db, principal_of(request), status)

    @post("/{callback_id:int}/close", status_code=200)
    async def close_callback(self, request: Request, db: Db, callback_id: int,
                             data: CloseCallbackRequest) -> Response[dict[str, object]]:
        """Close an open callback without a call; `note` gives the reason."""
        closed = await callbacks.do_close_callback(db, principal_of(request), callback_id, data.note)
        await db.commit()
        return Response({"id": closed.id, "status": closed.status})
