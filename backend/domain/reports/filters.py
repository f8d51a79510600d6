"""Report filters: a period of local days, buildings and categories, narrowed to the user's scope."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

from backend.domain.errors import DomainError
from backend.domain.staff.access import Principal, check_building_scope, check_permission
from backend.domain.staff.roles import Permission

DEFAULT_DAYS = 30  # a report opened without a period covers the last 30 days, today included
MAX_DAYS = 3700  # about ten years: longer periods are mistakes, not questions
DEFAULT_ZONE = ZoneInfo("Europe/Moscow")  # whose "today" a report without a period ends on
GRAINS = ("day", "week", "month")


class ReportFilter(msgspec.Struct, frozen=True, kw_only=True):
    first: date
    """First local day of the period, included."""
    last: date
    """Last local day of the period, included."""
    building_ids: tuple[int, ...] | None
    """The buildings covered; None for every building (only users who see all buildings)."""
    category_ids: tuple[int, ...] = ()
    """Service categories covered; empty for all."""
    grain: str = "day"
    """Grouping of the volume chart: day, week or month."""

    def query_params(self) -> list[tuple[str, str]]:
        """Return the filter as query parameters, for links to the tickets and to exports."""
        params = [("from", self.first.isoformat()), ("to", self.last.isoformat())]
        params += [("building", str(building_id)) for building_id in self.building_ids or ()]
        params += [("category", str(category_id)) for category_id in self.category_ids]
        return params


def parse_day(value: str | None, field: str) -> date | None:
    """Read a date as ISO (2026-12-04, what date inputs send) or as Russians write it (04.12.2026)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise DomainError("date_invalid", "The date «{text}» is not recognised: enter it as 04.12.2026.",
                      field=field, value=value, text=text)


def build_filter(principal: Principal, *, first: str | None = None, last: str | None = None,
                 building_ids: list[int] | None = None, category_ids: list[int] | None = None,
                 grain: str | None = None, today: date | None = None) -> ReportFilter:
    """Validate report parameters and narrow them to what `principal` may see."""
    check_permission(principal, Permission.REPORTS_VIEW)
    today = today or datetime.now(DEFAULT_ZONE).date()
    last_day = parse_day(last, "to") or today
    first_day = parse_day(first, "from") or last_day - timedelta(days=DEFAULT_DAYS - 1)
    _check_period(first_day, last_day)
    if grain is not None and grain not in GRAINS:
        raise DomainError("grain_invalid", "Group by day, week or month.", field="grain", value=grain)

    return ReportFilter(first=first_day, last=last_day, building_ids=scoped_buildings(principal, building_ids),
                        category_ids=tuple(sorted(set(category_ids or ()))),
                        grain=grain or default_grain(first_day, last_day))


def _check_period(first: date, last: date) -> None:
    if first > last:
        raise DomainError("period_invalid", "The period starts on {first} after it ends on {last}: swap the dates.",
                          field="from", value=first.isoformat(), first=first.strftime("%d.%m.%Y"),
                          last=last.strftime("%d.%m.%Y"))
    if (last - first).days + 1 > MAX_DAYS:
        raise DomainError("period_too_long", "The period is longer than {days} days: choose a shorter one.",
                          field="from", value=first.isoformat(), days=MAX_DAYS)


def scoped_buildings(principal: Principal, requested: list[int] | None) -> tuple[int, ...] | None:
    """Return the requested buildings after a scope check, or all the user may see when none are requested."""
    if requested:
        for building_id in requested:
            check_building_scope(principal, building_id)
        return tuple(sorted(set(requested)))
    if principal.all_buildings:
        return None
    return tuple(sorted(principal.building_ids))


def default_grain(first: date, last: date) -> str:
    """Days for up to two months, weeks for up to a year, months beyond: about 10 to 60 bars."""
    days = (last - first).days + 1
    if days <= 62:
        return "day"
    return "week" if days <= 366 else "month"
