"""Duplicate clients: finding likely pairs and merging one card into another without losing anything.

A merge moves everything that points at the duplicate (relations, tickets, consents, notes, contacts,
tags) to the surviving card and marks the duplicate `merged_into_id`. The duplicate row stays, so
audit entries that name it still resolve, and its card shows where it went. Two rows that record
the same fact twice (the same phone, the same relation) become one, and the dropped row is written
into the merge's audit entry.
"""

from __future__ import annotations

import msgspec
import structlog
from sqlalchemy import ColumnElement, and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.audit.actions import record_audit
from backend.domain.clients.access import client_scope_filter
from backend.domain.clients.actions import check_active
from backend.domain.clients.models import (Client, ClientConsent, ClientEmail, ClientMessenger, ClientNote,
                                           ClientPhone, ClientPremise, ClientTag, OrganisationContact)
from backend.domain.errors import DomainError
from backend.domain.staff.access import Principal
from backend.domain.tickets.models import Ticket, TimelineEntry
from backend.i18n import N_
from backend.realtime.outbox import emit

log = structlog.get_logger(__name__)

DUPLICATE_GROUPS_SHOWN = 100
FILLABLE_FIELDS = ("last_name", "first_name", "patronymic", "birth_date", "organisation_name", "legal_form", "inn",
                   "kpp", "ogrn", "portal_access_at", "app_access_at")
"""Identity fields the survivor takes from the duplicate when its own are empty."""


class DuplicateGroup(msgspec.Struct, kw_only=True):
    reason: str
    """`phone` (the same number) or `name_premise` (the same name on the same premise)."""
    key: str
    """The shared phone in E.164 or the shared folded name."""
    client_ids: list[int]


async def find_duplicates(session: AsyncSession, principal: Principal,
                          limit: int = DUPLICATE_GROUPS_SHOWN) -> list[DuplicateGroup]:
    """List groups of active clients that share a phone, or a name and a premise."""
    visible = and_(Client.merged_into_id.is_(None), client_scope_filter(principal, Client.id))
    by_phone = await session.execute(
        select(ClientPhone.e164, func.array_agg(func.distinct(Client.id)))
        .join(Client, Client.id == ClientPhone.client_id).where(visible)
        .group_by(ClientPhone.e164).having(func.count(func.distinct(Client.id)) > 1)
        .order_by(ClientPhone.e164).limit(limit))
    by_name = await session.execute(
        select(Client.search_name, func.array_agg(func.distinct(Client.id)))
        .join(ClientPremise, ClientPremise.client_id == Client.id).where(visible, Client.search_name != "")
        .group_by(ClientPremise.premise_id, Client.search_name).having(func.count(func.distinct(Client.id)) > 1)
        .order_by(Client.search_name).limit(limit))
    groups = [DuplicateGroup(reason="phone", key=key, client_ids=sorted(ids)) for key, ids in by_phone]
    groups += [DuplicateGroup(reason="name_premise", key=key, client_ids=sorted(ids)) for key, ids in by_name]
    return _unique_groups(groups)


def _unique_groups(groups: list[DuplicateGroup]) -> list[DuplicateGroup]:
    seen: set[tuple[int, ...]] = set()
    unique = []
    for group in groups:
        if tuple(group.client_ids) not in seen:
            seen.add(tuple(group.client_ids))
            unique.append(group)
    return unique


class MergeReport(msgspec.Struct, kw_only=True):
    survivor_id: int
    duplicate_id: int
    moved: dict[str, int]
    """Rows moved to the survivor, per table."""
    collapsed: list[dict[str, object]]
    """Rows dropped because the survivor already had the same; written in full for the audit."""
    filled_fields: list[str]


async def do_merge_clients(session: AsyncSession, actor_id: int | None, survivor: Client,
                           duplicate: Client) -> MergeReport:
    """Merge `duplicate` into `survivor`; the caller has checked that the user may see both."""
    _check_mergeable(survivor, duplicate)
    await _lock(session, survivor.id, duplicate.id)

    report = MergeReport(survivor_id=survivor.id, duplicate_id=duplicate.id, moved={}, collapsed=[],
                         filled_fields=_fill_identity(survivor, duplicate))
    await _move_phones(session, report)
    await _move_emails(session, report)
    await _move_messengers(session, report)
    await _move_relations(session, report)
    await _move_contacts(session, report)
    await _move_tags(session, report)
    for model, column in ((ClientConsent, ClientConsent.client_id), (ClientNote, ClientNote.client_id),
                          (ClientPremise, ClientPremise.represents_client_id), (Client, Client.merged_into_id)):
        await _repoint(session, report, model, column)
    await _move_tickets(session, actor_id, report)

    duplicate.merged_into_id = survivor.id
    await session.flush()
    _record(session, actor_id, report)
    return report


def _check_mergeable(survivor: Client, duplicate: Client) -> None:
    check_active(survivor)
    check_active(duplicate)
    if survivor.id == duplicate.id:
        raise DomainError("merge_same_client", N_("Choose two different cards to merge."), field="duplicate_id",
                          value=duplicate.id)
    if survivor.kind != duplicate.kind:
        raise DomainError("merge_kind_mismatch", N_("A person and an organisation cannot be merged."),
                          field="duplicate_id", value=duplicate.id)


async def _lock(session: AsyncSession, *client_ids: int) -> None:
    """Lock both clients in id order, so two merges of the same pair cannot deadlock or interleave."""
    await session.execute(select(Client.id).where(Client.id.in_(client_ids)).order_by(Client.id).with_for_update())


def _fill_identity(survivor: Client, duplicate: Client) -> list[str]:
    filled = []
    for name in FILLABLE_FIELDS:
        if getattr(survivor, name) is None and getattr(duplicate, name) is not None:
            setattr(survivor, name, getattr(duplicate, name))
            filled.append(name)
    if duplicate.note and duplicate.note not in (survivor.note or ""):
        survivor.note = "\n".join(part for part in (survivor.note, duplicate.note) if part)
        filled.append("note")
    return filled


async def _move_phones(session: AsyncSession, report: MergeReport) -> None:
    kept = set((await session.scalars(select(ClientPhone.e164).where(ClientPhone.client_id == report.survivor_id))))
    for phone in (await session.scalars(select(ClientPhone).where(ClientPhone.client_id == report.duplicate_id))):
        if phone.e164 in kept:
            report.collapsed.append({"table": "client_phones", "e164": phone.e164, "kind": phone.kind,
                                     "note": phone.note})
            await session.delete(phone)
        else:
            phone.client_id = report.survivor_id
            _count(report, "client_phones")
    await session.flush()


async def _move_emails(session: AsyncSession, report: MergeReport) -> None:
    kept = {email.lower() for email in await session.scalars(
        select(ClientEmail.email).where(ClientEmail.client_id == report.survivor_id))}
    for row in (await session.scalars(select(ClientEmail).where(ClientEmail.client_id == report.duplicate_id))):
        if row.email.lower() in kept:
            report.collapsed.append({"table": "client_emails", "email": row.email, "note": row.note})
            await session.delete(row)
        else:
            row.client_id = report.survivor_id
            _count(report, "client_emails")
    await session.flush()


async def _move_messengers(session: AsyncSession, report: MergeReport) -> None:
    kept = set((await session.execute(select(ClientMessenger.kind, ClientMessenger.handle)
                                      .where(ClientMessenger.client_id == report.survivor_id))).all())
    for row in (await session.scalars(select(ClientMessenger)
                                      .where(ClientMessenger.client_id == report.duplicate_id))):
        if (row.kind, row.handle) in kept:
            report.collapsed.append({"table": "client_messengers", "kind": row.kind, "handle": row.handle})
            await session.delete(row)
        else:
            row.client_id = report.survivor_id
            _count(report, "client_messengers")
    await session.flush()


def _relation_key(relation: ClientPremise) -> tuple:
    return (relation.premise_id, relation.role, relation.share_numerator, relation.share_denominator,
            relation.since, relation.until)


async def _move_relations(session: AsyncSession, report: MergeReport) -> None:
    """Move relations; one that repeats a relation of the survivor exactly is dropped, not doubled.

    NOTE: two owner relations of one premise with different shares both move, and their shares may
    then add up to more than 1; the card shows both so that a person corrects them.
    """
    kept = {_relation_key(relation) for relation in await session.scalars(
        select(ClientPremise).where(ClientPremise.client_id == report.survivor_id))}
    for relation in (await session.scalars(select(ClientPremise)
                                           .where(ClientPremise.client_id == report.duplicate_id))):
        if _relation_key(relation) in kept:
            report.collapsed.append({"table": "client_premises", "id": relation.id, "premise_id": relation.premise_id,
                                     "role": relation.role, "since": str(relation.since),
                                     "until": str(relation.until)})
            await session.delete(relation)
        else:
            relation.client_id = report.survivor_id
            _count(report, "client_premises")
    await session.flush()


async def _move_contacts(session: AsyncSession, report: MergeReport) -> None:
    for own, other in ((OrganisationContact.organisation_id, OrganisationContact.person_id),
                       (OrganisationContact.person_id, OrganisationContact.organisation_id)):
        kept = set(await session.scalars(select(other).where(own == report.survivor_id)))
        links = (await session.scalars(select(OrganisationContact).where(own == report.duplicate_id))).all()
        for link in links:
            if getattr(link, other.key) in kept or getattr(link, other.key) == report.survivor_id:
                report.collapsed.append({"table": "organisation_contacts", "id": link.id, "position": link.position})
                await session.delete(link)
            else:
                setattr(link, own.key, report.survivor_id)
                _count(report, "organisation_contacts")
        await session.flush()


async def _move_tags(session: AsyncSession, report: MergeReport) -> None:
    kept = set(await session.scalars(select(ClientTag.name).where(ClientTag.client_id == report.survivor_id)))
    names = list(await session.scalars(select(ClientTag.name).where(ClientTag.client_id == report.duplicate_id)))
    await session.execute(delete(ClientTag).where(ClientTag.client_id == report.duplicate_id))
    for name in names:
        if name not in kept:
            session.add(ClientTag(client_id=report.survivor_id, name=name))
            _count(report, "client_tags")
    await session.flush()


async def _repoint(session: AsyncSession, report: MergeReport, model: type, column: ColumnElement[int]) -> None:
    result = await session.execute(update(model).where(column == report.duplicate_id)
                                   .values({column.key: report.survivor_id})
                                   .execution_options(synchronize_session=False))
    if result.rowcount:
        _count(report, f"{model.__tablename__}.{column.key}", result.rowcount)


async def _move_tickets(session: AsyncSession, actor_id: int | None, report: MergeReport) -> None:
    """Point the duplicate's tickets at the survivor, with a line in each ticket's timeline."""
    ticket_ids = list(await session.scalars(select(Ticket.id).where(Ticket.client_id == report.duplicate_id)))
    if not ticket_ids:
        return
    await session.execute(update(Ticket).where(Ticket.id.in_(ticket_ids))
                          .values(client_id=report.survivor_id, version=Ticket.version + 1)
                          .execution_options(synchronize_session=False))
    session.add_all([TimelineEntry(ticket_id=ticket_id, actor_id=actor_id, kind="client_merged",
                                   from_value=str(report.duplicate_id), to_value=str(report.survivor_id))
                     for ticket_id in ticket_ids])
    _count(report, "tickets", len(ticket_ids))


def _count(report: MergeReport, table: str, rows: int = 1) -> None:
    report.moved[table] = report.moved.get(table, 0) + rows


def _record(session: AsyncSession, actor_id: int | None, report: MergeReport) -> None:
    details = msgspec.to_builtins(report)
    record_audit(session, actor_id, "client.merged", "client", report.survivor_id, **details)
    record_audit(session, actor_id, "client.merged_away", "client", report.duplicate_id,
                 survivor_id=report.survivor_id)
    emit(session, "client.merged", {"survivor_id": report.survivor_id, "duplicate_id": report.duplicate_id})
    log.info("clients_merged", survivor_id=report.survivor_id, duplicate_id=report.duplicate_id, moved=report.moved)
