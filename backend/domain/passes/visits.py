"""Arrivals and departures that guards mark on passes. Both are idempotent.

The pass row is locked for the whole transaction, so two taps on «Прибыл» sent at once run one
after the other: the second finds the open visit of the first and returns it. A partial unique
index on open visits backs this up in the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.actions import record_audit
from backend.domain.errors import Conflict
from backend.domain.guard.access import access_post, post_serves
from backend.domain.guard.blocklist import entries_for, first_match
from backend.domain.guard.models import GuardPost
from backend.domain.passes.access import access_pass
from backend.domain.passes.actions import publish_pass_event
from backend.domain.passes.events import PassArrived, PassDeparted
from backend.domain.passes.models import Pass, PassStatus, PassVisit
from backend.domain.passes.validity import REASON_MESSAGES, decide_entry
from backend.domain.staff.access import Principal
from backend.domain.staff.roles import Permission

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class VisitMark:
    item: Pass
    visit: PassVisit
    created: bool
    """False when the mark repeats one already made."""


async def do_mark_arrival(session: AsyncSession, principal: Principal, pass_id: int, *, post_id: int | None = None,
                          now: datetime | None = None) -> VisitMark:
    """Mark the visitor of a pass as arrived, unless the pass does not let them in now.

    Raises Conflict with code `pass_<reason>` (`pass_expired`, `pass_blocklisted`, ...) when entry
    is refused. An arrival while the visitor is on site returns that arrival.
    """
    item = await access_pass(session, principal, pass_id, Permission.PASSES_CHECK, for_update=True)
    visit = await open_visit(session, item.id)
    if visit is not None:
        return VisitMark(item, visit, False)

    now = now or utcnow()
    post = await _post(session, principal, post_id, item)
    await _check_entry(session, item, post, now)
    visit = PassVisit(pass_id=item.id, building_id=item.building_id, post_id=post.id if post else None,
                      arrived_at=now, arrived_by_id=principal.user_id)
    session.add(visit)
    item.status = PassStatus.ON_SITE
    await session.flush()

    publish_pass_event(session, PassArrived(pass_id=item.id, number=item.number, status=item.status,
                                            entrance_id=item.entrance_id, visit_id=visit.id), item.building_id)
    record_audit(session, principal.user_id, "pass.arrived", "pass", item.id, visit_id=visit.id,
                 post_id=visit.post_id)
    log.info("pass_arrived", pass_id=item.id, visit_id=visit.id, building_id=item.building_id)
    return VisitMark(item, visit, True)


async def do_mark_departure(session: AsyncSession, principal: Principal, pass_id: int, *,
                            now: datetime | None = None) -> VisitMark:
    """Mark the visitor of a pass as gone. A repeat returns the departure already marked."""
    item = await access_pass(session, principal, pass_id, Permission.PASSES_CHECK, for_update=True)
    visit = await open_visit(session, item.id)
    if visit is None:
        return VisitMark(item, await _last_departure(session, item), False)

    visit.departed_at = now or utcnow()
    visit.departed_by_id = principal.user_id
    if item.status == PassStatus.ON_SITE:
        item.status = PassStatus.LEFT
    await session.flush()

    publish_pass_event(session, PassDeparted(pass_id=item.id, number=item.number, status=item.status,
                                             entrance_id=item.entrance_id, visit_id=visit.id), item.building_id)
    record_audit(session, principal.user_id, "pass.departed", "pass", item.id, visit_id=visit.id)
    log.info("pass_departed", pass_id=item.id, visit_id=visit.id, building_id=item.building_id)
    return VisitMark(item, visit, True)


async def open_visit(session: AsyncSession, pass_id: int) -> PassVisit | None:
    return await session.scalar(select(PassVisit).where(PassVisit.pass_id == pass_id,
                                                        PassVisit.departed_at.is_(None)))


async def _last_departure(session: AsyncSession, item: Pass) -> PassVisit:
    visit = await session.scalar(select(PassVisit).where(PassVisit.pass_id == item.id)
                                 .order_by(PassVisit.arrived_at.desc()).limit(1))
    if visit is None:
        raise Conflict("pass_not_on_site", "No arrival is marked on this pass, so there is no departure to mark.",
                       field="pass_id", value=item.id)
    return visit


async def _post(session: AsyncSession, principal: Principal, post_id: int | None, item: Pass) -> GuardPost | None:
    if post_id is None:
        return None
    post = await access_post(session, principal, post_id)
    if post.building_id != item.building_id:
        raise Conflict("pass_other_building", "The pass is for another building.", field="pass_id", value=item.id)
    return post


async def _check_entry(session: AsyncSession, item: Pass, post: GuardPost | None, now: datetime) -> None:
    plates = [item.plate] if item.plate else []
    blocked = first_match(await entries_for(session, item.building_id, plates), item.visitor_name, item.plate)
    decision = decide_entry(kind=item.kind, status=item.status, valid_from=item.valid_from,
                            valid_until=item.valid_until, now=now, blocklisted=blocked is not None,
                            serves_entrance=post_serves(post, item.entrance_id))
    if not decision.allowed:
        raise Conflict(f"pass_{decision.reason}", REASON_MESSAGES[decision.reason], field="pass_id", value=item.id)
