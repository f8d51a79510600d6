"""Translated texts that the board's script shows; gettext runs on the server, the script only reads them."""

from __future__ import annotations

from backend.i18n import gettext as _


def board_texts() -> dict[str, str]:
    return {
        "empty": _("No tickets"),
        "assign": _("Assign"),
        "unassigned": _("Not assigned"),
        "overdue_by": _("overdue by {time}"),
        "due_in": _("due in {time}"),
        "minutes": _("{n} min"),
        "hours": _("{n} h"),
        "days": _("{n} d"),
        "live": _("Live"),
        "reconnecting": _("Reconnecting…"),
        "offline": _("No connection"),
        "created": _("Ticket №{number} created"),
        "conflict": _("The ticket was changed by someone else; the board shows the latest version."),
        "failed": _("The action failed: {message}"),
        "load": _("{n} open"),
        "similar": _("Open tickets of the same category in this building:"),
        "link_parent": _("Link to this incident"),
        "no_parent": _("Do not link"),
        "entrance": _("entr."),
        "premise": _("prem."),
        "common_area": _("common area"),
        "building_missing": _("Choose the building."),
        "breached": _("Ticket №{number} is overdue."),
        "assigned_to_you": _("Ticket №{number} is assigned to you."),
        "premise_not_found": _("Premise «{label}» is not in this building. Pick one from the list or clear the field."),
    }
