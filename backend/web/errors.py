"""Exception handlers: problem details for the API, Russian error pages for people.

Nothing here shows driver text or a stack trace; unexpected errors are logged with the
request id, and the person sees that id to quote to support.
"""

from __future__ import annotations

import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from backend.domain.errors import DomainError
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


def handle_validation(request: Request, error: ValidationException) -> Response:
    details = [{"field": item.get("key"), "message": item.get("message"), "value": item.get("source")}
               for item in (error.extra or []) if isinstance(item, dict)]
    title = _("Invalid request parameters.")
    if wants_json(request):
        return problem_response(400, "validation_failed", title, errors=details)
    return error_page(request, 400, title, "; ".join(f"{d['field']}: {d['message']}" for d in details))


def handle_http(request: Request, error: HTTPException) -> Response:
    if error.status_code == 404:
        title = _("Page not found")
    elif error.status_code == 405:
        title = _("Method not allowed")
    else:
        title = _("Request failed")
    if wants_json(request):
        return problem_response(error.status_code, f"http_{error.status_code}", title)
    return error_page(request, error.status_code, title, "")


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
    Exception: handle_unexpected,
}
