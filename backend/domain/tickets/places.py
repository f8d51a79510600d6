"""A ticket's place as people say it: «ул. Часовая, д. 19, кв. 45», «офис 512»."""

from __future__ import annotations

from backend.domain.buildings.models import PremiseKind
from backend.i18n import N_, gettext

PREMISE_LABELS = {
    PremiseKind.FLAT: N_("flat {label}"),
    PremiseKind.APARTMENT: N_("apartment {label}"),
    PremiseKind.OFFICE: N_("office {label}"),
    PremiseKind.COMMERCIAL: N_("premise {label}"),
    PremiseKind.STORAGE: N_("storage room {label}"),
    PremiseKind.PARKING: N_("parking space {label}"),
}


def premise_name(kind: str | None, label: str | None) -> str | None:
    """«кв. 45», «офис 512»; None without a premise."""
    if not label:
        return None
    return gettext(PREMISE_LABELS.get(kind or "", N_("premise {label}")), label=label)


def place_of(address: str, kind: str | None, label: str | None) -> str:
    premise = premise_name(kind, label)
    return f"{address}, {premise}" if premise else address
