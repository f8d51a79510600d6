"""Exception handlers: problem details for the API, Russian error pages for people.

Nothing here shows driver text or a stack trace; unexpected errors are logged with the
request id, and the person sees that id to quote to support.
"""

from __future__ import annotations

import re

import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DBAPIError

from backend.domain.errors import DomainError
from backend.i18n import N_
from backend.i18n import gettext as _

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def problem_response(status: int, code: str, title: str, **extra: object) -> Response:
    body = {"type": f"urn:domovoy:error:{code}", "title": title, "status": status, "code": code, **extra}
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    context = {"status": status, "title": title, "detail": detail,
               "request_id": request.scope.get("state", {}).get("request_id")}
    return Template("error.html", context=context, status_code=status, media_type=MediaType.HTML)


def handle_domain_error(request: Request, error: DomainError) -> Response:
    log.info("request_rejected", code=error.code, field=error.field)
    if wants_json(request):
        return Response(error.to_problem(), status_code=error.status_code, media_type=PROBLEM_JSON)
    return error_page(request, error.status_code, _("The request was rejected"), error.text)


def handle_not_authorized(request: Request, error: NotAuthorizedException) -> Response:
    if wants_json(request):
        return problem_response(401, "not_authenticated", _("Sign in or pass an API token: "
                                                            "Authorization: Bearer <token>."))
    return Redirect(f"/login?next={request.url.path}")


def handle_permission_denied(request: Request, error: PermissionDeniedException) -> Response:
    title = _("You do not have permission for this action.")
    if wants_json(request):
        return problem_response(403, "permission_denied", title)
    return error_page(request, 403, _("Access denied"), title)


TYPE_NAMES = {"int": N_("a whole number"), "str": N_("text"), "bool": N_("true or false"),
              "float": N_("a number"), "array": N_("a list"), "object": N_("an object"),
              "datetime": N_("a date and time in ISO 8601"), "date": N_("a date in ISO 8601 (2026-12-04)")}
_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")
_EXPECTED_TYPE = re.compile(r"Expected `([^`|]+)")
_AT_PATH = re.compile(r"at `\$\.([\w.\[\]]+)`")


def _explain(item: dict) -> dict:
    """Name the field and say in Russian what was wrong with it, from msgspec's English message."""
    message = str(item.get("message") or "")
    field = item.get("key")
    if missing := _MISSING_FIELD.search(message):
        field = missing.group(1)
        text = _("The required field «{field}» is missing.", field=field)
    elif expected := _EXPECTED_TYPE.search(message):
        field = (_AT_PATH.search(message).group(1) if _AT_PATH.search(message) else field) or field
        wanted = TYPE_NAMES.get(expected.group(1))
        text = _("The field «{field}» must be {type}.", field=field, type=_(wanted)) if wanted else \
            _("The field «{field}» has an invalid value.", field=field)
    else:
        field = (_AT_PATH.search(message).group(1) if _AT_PATH.search(message) else field) or field
        text = _("The field «{field}» has an invalid value.", field=field)
    return {"field": field, "message": text, "detail": message, "source": item.get("source")}


def handle_validation(request: Request, error: ValidationException) -> Response:
    details = [_explain(item) for item in (error.extra or []) if isinstance(item, dict)]
    title = details[0]["message"] if details else _("Invalid request parameters.")
    field = details[0]["field"] if details else None
    if wants_json(request):
        return problem_response(400, "validation_failed", title, field=field, errors=details)
    return error_page(request, 400, title, "; ".join(d["message"] for d in details[1:]))


def handle_http(request: Request, error: HTTPException) -> Response:
    if error.status_code == 404:
        title = _("Page not found")
    elif error.status_code == 405:
        title = _("Method not allowed")
    elif error.status_code == 400:
        title = _("The request body could not be read: send valid JSON with Content-Type: application/json.")
    else:
        title = _("Request failed")
    if wants_json(request):
        code = "body_invalid" if error.status_code == 400 else f"http_{error.status_code}"
        return problem_response(error.status_code, code, title)
    return error_page(request, error.status_code, title, "")


# PostgreSQL SQLSTATE codes that mean the input was unusable, with the message people see.
REJECTED_INPUT = {
    "22003": ("value_out_of_range", N_("A number in the request is out of range.")),
    "22000": ("value_invalid", N_("A value in the request is invalid.")),
    "22021": ("invalid_characters", N_("The text contains characters that cannot be stored, such as a NUL byte.")),
    "22001": ("value_too_long", N_("A text in the request is too long.")),
    "22008": ("date_out_of_range", N_("A date in the request is out of range.")),
    "22007": ("date_invalid", N_("A date in the request is invalid.")),
    "23503": ("reference_not_found", N_("The request refers to a record that does not exist.")),
}


def _sqlstate(error: DBAPIError) -> str | None:
    """Find the SQLSTATE in the driver's exception chain.

    asyncpg rejects an argument that does not fit its column type (an id past int32) on the client
    side. That error carries an OverflowError as its cause, so it counts as 22003.
    """
    chain: list[BaseException] = []
    cause: BaseException | None = error.orig
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any(isinstance(link, OverflowError) for link in chain):
        return "22003"
    return next((link.sqlstate for link in chain if getattr(link, "sqlstate", None)), None)


def handle_database_error(request: Request, error: DBAPIError) -> Response:
    """Turn a database rejection of bad input into a 400; anything else stays an internal error."""
    sqlstate = _sqlstate(error)
    if sqlstate not in REJECTED_INPUT:
        return handle_unexpected(request, error)
    code, message = REJECTED_INPUT[sqlstate]
    log.info("request_rejected_by_database", code=code, sqlstate=sqlstate)
    if wants_json(request):
        return problem_response(400, code, _(message))
    return error_page(request, 400, _("The request was rejected"), _(message))


def handle_overflow(request: Request, error: OverflowError) -> Response:
    """Reject a date or number too large for the arithmetic it went through: bad input, not a crash."""
    log.info("request_rejected", code="value_out_of_range", error=str(error)[:100])
    message = _("A date or number in the request is out of range.")
    if wants_json(request):
        return problem_response(400, "value_out_of_range", message)
    return error_page(request, 400, _("The request was rejected"), message)


def handle_unexpected(request: Request, error: Exception) -> Response:
    log.exception("request_failed", error=type(error).__name__)
    title = _("Internal error. Quote the request id to support.")
    request_id = request.scope.get("state", {}).get("request_id")
    if wants_json(request):
        return problem_response(500, "internal_error", title, request_id=request_id)
    return error_page(request, HTTP_500_INTERNAL_SERVER_ERROR, _("Something went wrong"), title)


EXCEPTION_HANDLERS = {
    DomainError: handle_domain_error,
    NotAuthorizedException: handle_not_authorized,
    PermissionDeniedException: handle_permission_denied,
    ValidationException: handle_validation,
    HTTPException: handle_http,
    DBAPIError: handle_database_error,
    OverflowError: handle_overflow,
    Exception: handle_unexpected,
}
