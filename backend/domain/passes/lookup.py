"""The guard's check: find the passes that fit the search field and say whether each lets its visitor in."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.errors import DomainError
from backend.domain.guard.access import access_post, post_serves
from backend.domain.guard.blocklist import entries_for, entry_matches, first_match
from backend.domain.guard.models import BlocklistEntry, GuardPost
from backend.domain.passes.models import Pass, PassVisit
from backend.domain.passes.search import QueryKind, SearchQuery, name_fits, read_query
from backend.domain.passes.validity import REASON_MESSAGES, Reason, decide_entry
from backend.domain.passes.views import GuardPassView, guard_fields, premise_label, with_premise
from backend.domain.staff.access import Principal, check_building_scope, check_permission
from backend.domain.staff.roles import Permission
from backend.i18n import gettext

MAX_MATCHES = 20
RECENTLY_ENDED = timedelta(days=2)  # passes that ended this long ago still show, as «expired»
_CANDIDATES = 200  # rows read for a name prefix before the word-by-word filter

# Order of the answers: passes that let in first, then visitors on site (for the departure).
_RANK = {Reason.VALID: 0, Reason.ALREADY_ON_SITE: 1}


class CheckMatch(GuardPassView, kw_only=True):
    allowed: bool
    reason: str
    """A `validity.Reason` code."""
    message: str
    """The reason in words, for the guard."""
    blocklist_reason: str | None
    on_site_since: datetime | None


class BlocklistHit(msgspec.Struct, kw_only=True):
    id: int
    full_name: str | None
    plate: str | None
    reason: str
    everywhere: bool
    """True for a company-wide entry, False for one of this building."""


class CheckResult(msgspec.Struct, kw_only=True):
    query: str
    query_kind: str
    building_id: int
    post_id: int | None
    matches: list[CheckMatch]
    blocklist: list[BlocklistHit]
    """Entries that fit the query itself, so a blocklisted person is flagged even without a pass."""


async def check_passes(session: AsyncSession, principal: Principal, raw_query: str, *, post_id: int | None = None,
                       building_id: int | None = None, now: datetime | None = None) -> CheckResult:
    """Look up passes of the post's building by QR code, pass number, plate or visitor name."""
    check_permission(principal, Permission.PASSES_CHECK)
    post, building_id = await _post_and_building(session, principal, post_id, building_id)
    now = now or utcnow()
    query = read_query(raw_query)

    passes = await _find(session, building_id, query, now)
    entries = await entries_for(session, building_id, _plates(passes, query))
    matches = [_match(item, label, post, entries, arrived_at, now) for item, label, arrived_at in passes]
    matches.sort(key=lambda match: (_RANK.get(match.reason, 2), -match.valid_from.timestamp()))
    return CheckResult(query=raw_query, query_kind=query.kind, building_id=building_id,
                       post_id=post.id if post else None, matches=matches[:MAX_MATCHES],
                       blocklist=_query_hits(entries, query))


async def _post_and_building(session: AsyncSession, principal: Principal, post_id: int | None,
                             building_id: int | None) -> tuple[GuardPost | None, int]:
    if post_id is not None:
        post = await access_post(session, principal, post_id)
        return post, post.building_id
    if building_id is None:
        raise DomainError("check_post_missing", "Choose the guard post (parameter post).", field="post", value=None)
    check_building_scope(principal, building_id)
    return None, building_id


async def _find(session: AsyncSession, building_id: int, query: SearchQuery,
                now: datetime) -> list[tuple[Pass, str | None, datetime | None]]:
    """Return matching passes with their premise label and the arrival of the open visit, if any."""
    recent = Pass.ends_at >= now - RECENTLY_ENDED
    limit = _CANDIDATES if query.kind == QueryKind.NAME else MAX_MATCHES * 2
    statement = (select(Pass, PassVisit.arrived_at)
                 .outerjoin(PassVisit, and_(PassVisit.pass_id == Pass.id, PassVisit.departed_at.is_(None)))
                 .where(Pass.building_id == building_id, _condition(query), recent)
                 .order_by(Pass.valid_from.desc()).limit(limit))
    rows = [(item, premise_label(kind, label, floor), arrived_at)
            for item, arrived_at, label, kind, floor in (await session.execute(with_premise(statement))).all()]
    if query.kind == QueryKind.QR:
        rows = [row for row in rows if row[0].qr_token == query.token]
    if query.kind == QueryKind.NAME:
        rows = [row for row in rows if _fits_name(query, row[0].visitor_name_key)]
    return rows


def _condition(query: SearchQuery) -> ColumnElement[bool]:
    if query.kind == QueryKind.QR:
        return Pass.number == int(query.text)
    if query.kind == QueryKind.NUMBER:
        return or_(Pass.number == int(query.text), Pass.plate_digits == query.text[:8])
    if query.kind == QueryKind.PLATE:
        return starts_with(Pass.plate, query.text)
    if query.kind == QueryKind.NAME:
        prefixes = [words[0] for words in query.name_variants()]
        return or_(*(starts_with(Pass.visitor_name_key, prefix) for prefix in prefixes))
    return false()


def starts_with(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """Match a prefix as a range of the pattern operator class, which its index serves.

    `LIKE 'x%'` uses that index only when the pattern is known at planning time; a range of
    `~>=~` and `~<~` uses it in prepared statements too. Byte order of UTF-8 is code point
    order, so the range ends at the prefix with its last character incremented.
    """
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return column.op("~>=~", is_comparison=True)(prefix) & column.op("~<~", is_comparison=True)(upper)


def _fits_name(query: SearchQuery, name_key: str | None) -> bool:
    return any(name_fits(words, name_key) for words in query.name_variants())


def _plates(passes: list[tuple[Pass, str | None, datetime | None]], query: SearchQuery) -> set[str]:
    plates = {item.plate for item, _, _ in passes if item.plate}
    if query.kind == QueryKind.PLATE:
        plates.add(query.text)
    return plates


def _match(item: Pass, label: str | None, post: GuardPost | None, entries: list[BlocklistEntry],
           arrived_at: datetime | None, now: datetime) -> CheckMatch:
    blocked = first_match(entries, item.visitor_name, item.plate)
    decision = decide_entry(kind=item.kind, status=item.status, valid_from=item.valid_from,
                            valid_until=item.valid_until, now=now, blocklisted=blocked is not None,
                            serves_entrance=post_serves(post, item.entrance_id))
    return CheckMatch(**guard_fields(item, label, now), allowed=decision.allowed, reason=decision.reason,
                      message=gettext(REASON_MESSAGES[decision.reason]),
                      blocklist_reason=blocked.reason if blocked else None,
                      on_site_since=arrived_at)


def _query_hits(entries: list[BlocklistEntry], query: SearchQuery) -> list[BlocklistHit]:
    if query.kind == QueryKind.PLATE:
        hits = [entry for entry in entries if entry_matches(entry, None, query.text)]
    elif query.kind == QueryKind.NAME:
        hits = [entry for entry in entries if entry_matches(entry, query.text, None)]
    else:
        hits = []
    return [BlocklistHit(id=entry.id, full_name=entry.full_name, plate=entry.plate, reason=entry.reason,
                         everywhere=entry.building_id is None) for entry in hits]
