"""Names people read for the codes that reports group by, as gettext msgids."""

from __future__ import annotations

from backend.i18n import N_, gettext

PRIORITY_TITLES = {"emergency": N_("Emergency"), "urgent": N_("Urgent"), "normal": N_("Normal"),
                   "planned": N_("Planned")}
CHANNEL_TITLES = {"phone": N_("Phone"), "app": N_("Resident app"), "portal": N_("Portal"), "walk_in": N_("Walk-in"),
                  "email": N_("E-mail"), "concierge": N_("Concierge"), "staff": N_("Staff")}
AGE_TITLES = {"under_1d": N_("Under a day"), "1_3d": N_("1 to 3 days"), "3_7d": N_("3 to 7 days"),
              "7_30d": N_("7 to 30 days"), "over_30d": N_("Over 30 days")}


def title(titles: dict[str, str], code: str) -> str:
    """Return the translated title of `code`, or the code itself when it has none."""
    return gettext(titles[code]) if code in titles else code
