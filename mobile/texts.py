"""Words the mobile app shows: titles of statuses and history entries, and the texts its scripts use."""

from __future__ import annotations

from datetime import datetime

from backend.domain.tickets.transitions import STATUS_TITLES
from backend.i18n import N_, gettext

PRIORITY_TITLES = {"emergency": N_("Emergency"), "urgent": N_("Urgent"), "normal": N_("Normal"),
                   "planned": N_("Planned")}

TIMELINE_TITLES = {
    "created": N_("Ticket created"),
    "status_changed": N_("Status changed"),
    "reopened": N_("Reopened"),
    "assigned": N_("Assignment changed"),
    "accepted": N_("Accepted by the technician"),
    "comment": N_("Comment"),
    "attachment_added": N_("Photo added"),
    "priority_changed": N_("Priority changed"),
    "category_id_changed": N_("Category changed"),
    "description_changed": N_("Description changed"),
    "rated": N_("Rated by the client"),
    "breached": N_("Deadline missed"),
}

SCRIPT_TEXTS = {
    "queued": N_("Saved on the phone. It will be sent when the connection returns."),
    "pending": N_("Waiting to be sent"),
    "sending": N_("Sending…"),
    "sent": N_("Everything is sent"),
    "offline": N_("No connection. Actions are saved and will be sent later."),
    "live": N_("Online"),
    "reconnecting": N_("Reconnecting…"),
    "conflict_title": N_("Not applied"),
    "dismiss": N_("Dismiss"),
    "new_assignment": N_("New ticket №{number}"),
    "ticket_changed": N_("The ticket was changed by someone else."),
    "reload": N_("Reload"),
    "photo_failed": N_("The photo could not be read. Take it again."),
    "push_enabled": N_("Notifications are on"),
    "push_failed": N_("Notifications could not be turned on in this browser."),
    "push_denied": N_("Notifications are blocked in the browser settings."),
    "sign_in_again": N_("Sign in again to send the saved actions."),
    "server_error": N_("The server did not accept the action; it will be retried."),
    "action_accept": N_("Accept"),
    "action_start": N_("Start work"),
    "action_pause": N_("Pause"),
    "action_complete": N_("Complete"),
    "action_comment": N_("Comment"),
    "action_photo": N_("Photo"),
    "unsent_on_sign_out": N_("Some actions are not sent yet. Sign out anyway? They will be lost."),
}

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def script_texts() -> dict[str, str]:
    texts = {name: gettext(message) for name, message in SCRIPT_TEXTS.items()}
    texts.update({f"status_{status}": gettext(title) for status, title in STATUS_TITLES.items()})
    return texts


def _duration(seconds: float) -> str:
    if seconds < HOUR:
        return gettext("{minutes} min", minutes=max(1, int(seconds // MINUTE)))
    if seconds < 2 * DAY:
        return gettext("{hours} h", hours=int(seconds // HOUR))
    return gettext("{days} d", days=int(seconds // DAY))


def due_text(due: datetime | None, now: datetime) -> str:
    """«осталось 2 ч» or «просрочено на 45 мин»; empty without a deadline."""
    if due is None:
        return ""
    left = (due - now).total_seconds()
    if left >= 0:
        return gettext("{duration} left", duration=_duration(left))
    return gettext("overdue by {duration}", duration=_duration(-left))
