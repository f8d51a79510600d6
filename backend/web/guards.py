"""Route guards and request helpers built on the access layer."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from backend.domain.staff.access import Principal, has_permission
from backend.domain.staff.roles import Permission


def principal_of(connection: ASGIConnection) -> Principal:
    principal = connection.scope.get("user")
    if principal is None:
        raise NotAuthorizedException()
    return principal


def requires_sign_in(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    principal_of(connection)


def requires(permission: Permission):
    """Build a guard that lets through signed-in users whose role has `permission`."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if not has_permission(principal_of(connection), permission):
            raise PermissionDeniedException()

    guard.__name__ = f"requires_{permission.name.lower()}"
    return guard
