"""The ticket lifecycle: which status may follow which, and what each step needs."""

from __future__ import annotations

from backend.domain.errors import DomainError
from backend.domain.tickets.models import Status
from backend.i18n import N_, gettext

S = Status

# from-status -> statuses it may move to
ALLOWED: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.ON_HOLD, S.CANCELLED}),
    S.ASSIGNED: frozenset({S.NEW, S.IN_PROGRESS, S.ON_HOLD, S.CANCELLED, S.COMPLETED}),
    S.IN_PROGRESS: frozenset({S.ON_HOLD, S.COMPLETED, S.CANCELLED, S.ASSIGNED}),
    S.ON_HOLD: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.CANCELLED, S.NEW}),
    S.COMPLETED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset({S.IN_PROGRESS}),
    S.CANCELLED: frozenset(),
}
"""COMPLETED → IN_PROGRESS and CLOSED → IN_PROGRESS are the reopen steps."""

REOPEN_FROM = frozenset({S.COMPLETED, S.CLOSED})

STATUS_TITLES = {
    S.NEW: N_("New"),
    S.ASSIGNED: N_("Assigned"),
    S.IN_PROGRESS: N_("In progress"),
    S.ON_HOLD: N_("On hold"),
    S.COMPLETED: N_("Completed"),
    S.CLOSED: N_("Closed"),
    S.CANCELLED: N_("Cancelled"),
}


def check_transition(current: str, target: str) -> None:
    if target not in Status.ALL:
        raise DomainError("status_invalid", "Unknown status: {status}.", field="status", value=target,
                          status=target)
    if target not in ALLOWED[current]:
        raise DomainError("transition_not_allowed", "A ticket cannot go from «{current}» to «{target}».",
                          field="status", value=target, current=gettext(STATUS_TITLES[current]),
                          target=gettext(STATUS_TITLES[target]))


def is_reopen(current: str, target: str) -> bool:
    return current in REOPEN_FROM and target == S.IN_PROGRESS
