"""ASGI middleware: request ids for logs, and resolving who is calling."""

from __future__ import annotations

import uuid

import structlog
from litestar.datastructures import Headers, MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from backend.domain.staff.actions import resolve_api_token, resolve_session

SESSION_COOKIE = "domovoy_session"
REQUEST_ID_HEADER = "x-request-id"


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Give every request an id (or keep the caller's), bind it to logs and echo it back."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        incoming = Headers.from_scope(scope).get(REQUEST_ID_HEADER, "")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id, path=scope.get("path")):
            await app(scope, receive, send_with_id)

    return middleware


def authentication_middleware(app: ASGIApp) -> ASGIApp:
    """Set `scope["user"]` to the caller's Principal (or None) from a session cookie or a bearer token.

    Nothing is rejected here: guards decide, so that sign-in pages and health checks stay open.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope["user"] = await _resolve_principal(scope)
            scope["auth"] = "bearer" if _bearer_token(scope) else "session"
            if scope["auth"] == "session" and _is_unprotected_api_write(scope):
                scope["user"] = None
            if scope["user"] is not None:
                structlog.contextvars.bind_contextvars(user_id=scope["user"].user_id)
        await app(scope, receive, send)

    return middleware


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _is_unprotected_api_write(scope: Scope) -> bool:
    """An API write authenticated by the session cookie must carry the CSRF header too.

    The CSRF middleware skips /api/ because programs use bearer tokens, which a foreign
    site cannot send; a browser's cookie it can, so cookie-authenticated writes need the
    double-submit header that only our own pages can read from the cookie.
    """
    if scope["type"] != "http" or scope.get("method") in SAFE_METHODS or not scope["path"].startswith("/api/"):
        return False
    headers = Headers.from_scope(scope)
    cookie = _cookie(scope, "csrftoken")
    return not cookie or headers.get("x-csrftoken") != cookie


def _bearer_token(scope: Scope) -> str | None:
    header = Headers.from_scope(scope).get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _cookie(scope: Scope, cookie_name: str) -> str | None:
    cookie_header = Headers.from_scope(scope).get("cookie", "")
    for part in cookie_header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == cookie_name and value:
            return value
    return None


def _session_token(scope: Scope) -> str | None:
    return _cookie(scope, SESSION_COOKIE)


async def _resolve_principal(scope: Scope):
    session_factory = scope["litestar_app"].state.session_factory
    bearer = _bearer_token(scope)
    cookie = None if bearer else _session_token(scope)
    if not bearer and not cookie:
        return None
    async with session_factory() as session:
        if bearer:
            principal = await resolve_api_token(session, bearer)
        else:
            principal = await resolve_session(session, cookie)
        await session.commit()
        return principal
