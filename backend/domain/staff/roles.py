"""Staff roles and what each may do. This table is the single source of permissions."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    TECHNICIAN = "technician"
    GUARD = "guard"
    CONCIERGE = "concierge"
    BUILDING_MANAGER = "building_manager"
    ACCOUNT_MANAGER = "account_manager"
    CUSTOMER_SERVICE = "customer_service"
    ADMIN = "admin"


class Permission(StrEnum):
    BUILDINGS_VIEW = "buildings.view"
    BUILDINGS_EDIT = "buildings.edit"
    """Change a building's unit map."""
    USERS_MANAGE = "users.manage"
    PERSONAL_DATA_VIEW = "personal_data.view"
    """See clients' names, phones and documents."""
    CLIENTS_EDIT = "clients.edit"
    TICKETS_VIEW = "tickets.view"
    TICKETS_CREATE = "tickets.create"
    TICKETS_MANAGE = "tickets.manage"
    """Assign, transition and edit any ticket in scope."""
    TICKETS_WORK = "tickets.work"
    """Work on tickets assigned to oneself."""
    CALLS_VIEW = "calls.view"
    PASSES_CREATE = "passes.create"
    PASSES_CHECK = "passes.check"
    """Work a guard post: check passes, mark arrivals and departures, keep shifts and the incident log."""
    GUARD_MANAGE = "guard.manage"
    """Set up guard posts and the blocklist; read shifts and the incident log."""
    REPORTS_VIEW = "reports.view"
    AUDIT_VIEW = "audit.view"


P = Permission
_STAFF_BASE = {P.BUILDINGS_VIEW}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DISPATCHER: frozenset(_STAFF_BASE | {P.PERSONAL_DATA_VIEW, P.CLIENTS_EDIT, P.TICKETS_VIEW,
                                              P.TICKETS_CREATE, P.TICKETS_MANAGE, P.CALLS_VIEW}),
    Role.TECHNICIAN: frozenset(_STAFF_BASE | {P.TICKETS_VIEW, P.TICKETS_WORK}),
    Role.GUARD: frozenset(_STAFF_BASE | {P.PASSES_CHECK}),
    Role.CONCIERGE: frozenset(_STAFF_BASE | {P.PERSONAL_DATA_VIEW, P.TICKETS_VIEW, P.TICKETS_CREATE,
                                             P.PASSES_CREATE, P.PASSES_CHECK}),
    Role.BUILDING_MANAGER: frozenset(_STAFF_BASE | {P.BUILDINGS_EDIT, P.PERSONAL_DATA_VIEW, P.CLIENTS_EDIT,
                                                    P.TICKETS_VIEW, P.TICKETS_CREATE, P.TICKETS_MANAGE,
                                                    P.CALLS_VIEW, P.PASSES_CREATE, P.REPORTS_VIEW,
                                                    P.GUARD_MANAGE}),
    Role.ACCOUNT_MANAGER: frozenset(_STAFF_BASE | {P.PERSONAL_DATA_VIEW, P.CLIENTS_EDIT, P.TICKETS_VIEW,
                                                   P.TICKETS_CREATE, P.CALLS_VIEW, P.PASSES_CREATE}),
    Role.CUSTOMER_SERVICE: frozenset(_STAFF_BASE | {P.PERSONAL_DATA_VIEW, P.CLIENTS_EDIT, P.TICKETS_VIEW,
                                                    P.TICKETS_CREATE, P.TICKETS_MANAGE, P.CALLS_VIEW,
                                                    P.REPORTS_VIEW}),
    Role.ADMIN: frozenset(Permission),
}

ROLE_TITLES_RU: dict[Role, str] = {
    Role.DISPATCHER: "Диспетчер",
    Role.TECHNICIAN: "Техник",
    Role.GUARD: "Охранник",
    Role.CONCIERGE: "Консьерж",
    Role.BUILDING_MANAGER: "Управляющий объектом",
    Role.ACCOUNT_MANAGER: "Менеджер по работе с клиентами",
    Role.CUSTOMER_SERVICE: "Клиентский сервис",
    Role.ADMIN: "Администратор",
}
