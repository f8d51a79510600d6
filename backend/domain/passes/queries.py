"""Lists of passes: the staff list with filters, and the kiosk's «on site» and «expected today»."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.buildings.models import Building
from backend.domain.errors import DomainError
from backend.domain.guard.models import GuardPost
from backend.domain.passes.access import can_see_personal_data
from backend.domain.passes.models import Pass, PassKind, PassStatus, PassVisit
from backend.domain.passes.search import QueryKind, read_query
from backend.domain.passes.validity import day_window
from backend.domain.passes.views import (GuardPassView, PassView, guard_view, load_rows, premise_label, staff_view,
                                        with_premise)
from backend.domain.staff.access import Principal, check_building_scope, check_permission, has_permission, scope_filter
from backend.domain.staff.roles import Permission

MAX_PAGE = 200
KIOSK_LIST_LIMIT = 100  # rows in each kiosk list; a post rarely sees more at once


class PassFilter(msgspec.Struct, kw_only=True):
    building_id: int | None = None
    premise_id: int | None = None
    client_id: int | None = None
    status: str | None = None
    """An effective status: expected, on_site, left, expired or cancelled."""
    on: date | None = None
    """Passes valid at some moment of this local date."""
    q: str | None = None
    """A pass number, a plate or a visitor's name."""
    limit: int = 50
    offset: int = 0


class OnSiteRow(msgspec.Struct, kw_only=True):
    item: GuardPassView
    arrived_at: datetime


async def list_passes(session: AsyncSession, principal: Principal, filters: PassFilter,
                      now: datetime | None = None) -> list[PassView] | list[GuardPassView]:
    """List passes in the user's scope, newest first; guards get the guard's view of each."""
    if not has_permission(principal, Permission.PASSES_CHECK):
        check_permission(principal, Permission.PASSES_CREATE)
    if not 1 <= filters.limit <= MAX_PAGE:
        raise DomainError("limit_invalid", "The limit must be between 1 and {limit}.", field="limit",
                          value=filters.limit, limit=MAX_PAGE)
    now = now or utcnow()
    query = select(Pass).where(scope_filter(principal, Pass.building_id))
    query = await _filtered(session, principal, query, filters, now)
    query = query.order_by(Pass.created_at.desc(), Pass.id.desc()).limit(filters.limit).offset(filters.offset)

    view = staff_view if can_see_personal_data(principal) else guard_view
    return [view(item, label, now) for item, label in await load_rows(session, with_premise(query))]


async def _filtered(session: AsyncSession, principal: Principal, query: Select, filters: PassFilter,
                    now: datetime) -> Select:
    if filters.building_id is not None:
        check_building_scope(principal, filters.building_id)
        query = query.where(Pass.building_id == filters.building_id)
    if filters.premise_id is not None:
        query = query.where(Pass.premise_id == filters.premise_id)
    if filters.client_id is not None:
        query = query.where(Pass.client_id == filters.client_id)
    if filters.status is not None:
        query = query.where(status_condition(filters.status, now))
    if filters.on is not None:
        query = query.where(await _valid_on(session, filters, filters.on))
    if filters.q and filters.q.strip():
        query = query.where(_search_condition(filters.q))
    return query


def status_condition(status: str, now: datetime):
    """Return a WHERE clause for an effective status, deriving `expired` from the window."""
    ended = and_(Pass.valid_until.is_not(None), Pass.valid_until < now)
    running = or_(Pass.valid_until.is_(None), Pass.valid_until >= now)
    conditions = {
        PassStatus.EXPECTED: and_(Pass.status == PassStatus.EXPECTED, running),
        PassStatus.LEFT: and_(Pass.status == PassStatus.LEFT, running),
        PassStatus.EXPIRED: and_(Pass.status.in_((PassStatus.EXPECTED, PassStatus.LEFT)), ended),
        PassStatus.ON_SITE: Pass.status == PassStatus.ON_SITE,
        PassStatus.CANCELLED: Pass.status == PassStatus.CANCELLED,
    }
    if status not in conditions:
        raise DomainError("pass_status_invalid", "Unknown pass status. Allowed values: {allowed}.", field="status",
                          value=status, allowed=", ".join(PassStatus.ALL))
    return conditions[status]


async def _valid_on(session: AsyncSession, filters: PassFilter, day: date):
    """Passes whose window overlaps the local day; the zone is the filtered building's, else Moscow's."""
    zone_name = "Europe/Moscow"
    if filters.building_id is not None:
        zone_name = await session.scalar(select(Building.time_zone).where(Building.id == filters.building_id))
    window = day_window(day, ZoneInfo(zone_name or "Europe/Moscow"))
    return and_(Pass.valid_from <= window.valid_until,
                or_(Pass.valid_until.is_(None), Pass.valid_until >= window.valid_from))


def _search_condition(text: str):
    query = read_query(text)
    if query.kind in (QueryKind.NUMBER, QueryKind.QR):
        return Pass.number == int(query.text)
    if query.kind == QueryKind.PLATE:
        return Pass.plate.startswith(query.text, autoescape=True)
    return Pass.visitor_name_key.startswith(query.text, autoescape=True)


async def on_site(session: AsyncSession, post: GuardPost, now: datetime | None = None) -> list[OnSiteRow]:
    """Visitors on site now in the post's building, longest there first."""
    now = now or utcnow()
    query = (select(Pass).join(PassVisit, and_(PassVisit.pass_id == Pass.id, PassVisit.departed_at.is_(None)))
             .add_columns(PassVisit.arrived_at)
             .where(PassVisit.building_id == post.building_id, _post_entrances(post))
             .order_by(PassVisit.arrived_at).limit(KIOSK_LIST_LIMIT))
    rows = (await session.execute(with_premise(query))).all()
    return [OnSiteRow(item=guard_view(item, premise_label(kind, label, floor), now), arrived_at=arrived_at)
            for item, arrived_at, label, kind, floor in rows]


async def expected_today(session: AsyncSession, post: GuardPost, zone: ZoneInfo,
                         now: datetime | None = None) -> list[GuardPassView]:
    """Passes of the post that are still to arrive today: one-time passes, and permanent ones starting today."""
    now = now or utcnow()
    today = day_window(now.astimezone(zone).date(), zone)
    starts_today = Pass.valid_from >= today.valid_from
    query = (select(Pass).where(
        Pass.building_id == post.building_id, _post_entrances(post), Pass.status == PassStatus.EXPECTED,
        Pass.valid_from <= today.valid_until, or_(Pass.valid_until.is_(None), Pass.valid_until >= now),
        or_(Pass.kind == PassKind.ONE_TIME, starts_today))
        .order_by(Pass.valid_from, Pass.id).limit(KIOSK_LIST_LIMIT))
    return [guard_view(item, label, now) for item, label in await load_rows(session, with_premise(query))]


def _post_entrances(post: GuardPost):
    if not post.entrance_ids:
        return Pass.building_id == post.building_id
    return or_(Pass.entrance_id.is_(None), Pass.entrance_id.in_(sorted(post.entrance_ids)))
