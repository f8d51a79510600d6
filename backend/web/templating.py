"""Jinja2 set-up: gettext, Russian formats and the role-based navigation."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from backend.domain.staff.access import Principal, has_permission
from backend.domain.staff.roles import ROLE_TITLES_RU, Permission, Role
from backend.i18n import N_, translations

TEMPLATE_DIRS = [Path(__file__).resolve().parents[2] / "frontend" / "templates",
                 Path(__file__).resolve().parents[2] / "mobile" / "templates",
                 Path(__file__).resolve().parents[2] / "guard_kiosk" / "templates"]
NBSP = "\u00a0"
DEFAULT_ZONE = ZoneInfo("Europe/Moscow")

# Navigation entries: (path, msgid, permission needed). Areas add their pages here.
NAVIGATION: list[tuple[str, str, Permission]] = [
    ("/board", N_("Board"), Permission.TICKETS_VIEW),
    ("/buildings", N_("Buildings"), Permission.BUILDINGS_VIEW),
    ("/admin/users", N_("Users"), Permission.USERS_MANAGE),
    ("/m/", N_("Mobile app"), Permission.TICKETS_VIEW),
    ("/passes", N_("Passes"), Permission.PASSES_CREATE),
    ("/guard/", N_("Guard desk"), Permission.PASSES_CHECK),
    ("/security", N_("Security"), Permission.GUARD_MANAGE),
    ("/clients", N_("Clients"), Permission.PERSONAL_DATA_VIEW),
    ("/calls", N_("Calls"), Permission.CALLS_VIEW),
    ("/tickets", N_("Tickets"), Permission.TICKETS_VIEW),
    ("/reports", N_("Reports"), Permission.REPORTS_VIEW),
]


def format_datetime(value: datetime | None, zone: str | None = None) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(zone) if zone else DEFAULT_ZONE).strftime("%d.%m.%Y %H:%M")


def format_date(value: date | datetime | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def format_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """Format as Russians write numbers: a space between thousands and a decimal comma."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def format_money(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    decimals = 0 if Decimal(value) == Decimal(value).to_integral_value() else 2
    return f"{format_number(value, decimals)}{NBSP}₽"


def navigation_for(principal: Principal | None) -> list[tuple[str, str]]:
    if principal is None:
        return []
    return [(path, title) for path, title, permission in NAVIGATION if has_permission(principal, permission)]


def role_title(role: str) -> str:
    return ROLE_TITLES_RU.get(Role(role), role)


def configure_environment(engine: JinjaTemplateEngine) -> None:
    environment: Environment = engine.engine
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_translations(translations(), newstyle=True)
    environment.filters.update(datetime=format_datetime, date=format_date, number=format_number,
                               money=format_money, role_title=role_title)
    from frontend.pages.calls import DIRECTION_TITLES, OUTCOME_TITLES

    environment.globals.update(navigation_for=navigation_for, has_permission=has_permission,
                               Permission=Permission, call_directions=DIRECTION_TITLES, call_outcomes=OUTCOME_TITLES)


def template_config() -> TemplateConfig:
    return TemplateConfig(directory=TEMPLATE_DIRS, engine=JinjaTemplateEngine,
                          engine_callback=configure_environment)
