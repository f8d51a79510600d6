"""The client card: everything about a client on one page. Every opening is audited.

A card also shows what belongs to the cards merged into it (their tickets, notes, consents and
history), so a merge never hides anything.
"""

from __future__ import annotations

from typing import Any

from datetime import date, datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.actions import record_audit
from backend.domain.audit.models import AuditEntry
from backend.domain.buildings.models import Building, Premise
from backend.domain.buildings.unit_map_view import premise_address
from backend.domain.clients.access import access_client
from backend.domain.clients.consents import ConsentState, consent_history, consent_states
from backend.domain.clients.models import (Client, ClientEmail, ClientMessenger, ClientNote, ClientPhone,
                                           ClientPremise, ClientTag, OrganisationContact)
from backend.domain.clients.names import short_name
from backend.domain.clients.phones import format_phone
from backend.domain.staff.access import Principal
from backend.domain.staff.models import User
from backend.domain.tickets.models import Status, Ticket

PAST_TICKETS_SHOWN = 20
HISTORY_SHOWN = 50


class Identity(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    display_name: str
    last_name: str | None
    first_name: str | None
    patronymic: str | None
    birth_date: date | None
    organisation_name: str | None
    legal_form: str | None
    inn: str | None
    kpp: str | None
    ogrn: str | None
    note: str | None
    merged_into_id: int | None
    portal_access_at: datetime | None
    app_access_at: datetime | None
    created_at: datetime


class PhoneLine(msgspec.Struct, kw_only=True):
    id: int
    e164: str
    display: str
    kind: str
    note: str | None


class ContactLine(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    value: str
    note: str | None


class RelationLine(msgspec.Struct, kw_only=True):
    id: int
    premise_id: int
    building_id: int
    address: str
    role: str
    share: str | None
    since: date | None
    until: date | None
    is_current: bool
    represents_client_id: int | None
    note: str | None


class PersonLink(msgspec.Struct, kw_only=True):
    link_id: int
    client_id: int
    name: str
    position: str | None
    phones: list[str]


class TicketLine(msgspec.Struct, kw_only=True):
    id: int
    number: int
    status: str
    priority: str
    created_at: datetime
    description: str
    time_zone: str


class NoteLine(msgspec.Struct, kw_only=True):
    id: int
    text: str
    author: str | None
    created_at: datetime


class HistoryLine(msgspec.Struct, kw_only=True):
    at: datetime
    actor: str | None
    action: str
    client_id: int


class ConsentLine(msgspec.Struct, kw_only=True):
    purpose: str
    channel: str | None
    granted: bool
    given_on: date
    source: str
    document: str | None
    recorded_at: datetime


class PassLine(msgspec.Struct, kw_only=True):
    id: int
    number: int
    kind: str
    status: str
    visitor: str
    valid_from: datetime
    valid_until: datetime | None
    time_zone: str


class ClientCard(msgspec.Struct, kw_only=True):
    identity: Identity
    merged_from: list[int]
    """Cards merged into this one; their records are shown here."""
    phones: list[PhoneLine]
    emails: list[ContactLine]
    messengers: list[ContactLine]
    consents: list[ConsentState]
    consent_history: list[ConsentLine]
    relations: list[RelationLine]
    contacts: list[PersonLink]
    """For an organisation, its contact persons; for a person, the organisations they act for."""
    open_tickets: list[TicketLine]
    past_tickets: list[TicketLine]
    calls: list[Any]
    """`backend.domain.calls.queries.ClientCall` rows, newest first."""
    passes: list[PassLine]
    notes: list[NoteLine]
    tags: list[str]
    history: list[HistoryLine]


async def open_client_card(session: AsyncSession, principal: Principal, client_id: int) -> ClientCard:
    """Read the card and audit the opening (who, when); the caller commits."""
    client = await access_client(session, principal, client_id)
    record_audit(session, principal.user_id, "client.card_viewed", "client", client.id)
    return await client_card(session, client)


async def merged_ids(session: AsyncSession, client_id: int) -> list[int]:
    return list((await session.scalars(select(Client.id).where(Client.merged_into_id == client_id)
                                       .order_by(Client.id))).all())


async def client_card(session: AsyncSession, client: Client) -> ClientCard:
    merged_from = await merged_ids(session, client.id)
    ids = [client.id, *merged_from]
    today = utcnow().date()
    open_tickets, past_tickets = await _tickets(session, ids)
    return ClientCard(
        identity=_identity(client), merged_from=merged_from, phones=await _phones(session, client.id),
        emails=await _emails(session, client.id), messengers=await _messengers(session, client.id),
        consents=await consent_states(session, ids), consent_history=await _consent_lines(session, ids),
        relations=await _relations(session, client.id, today), contacts=await _contacts(session, client),
        open_tickets=open_tickets, past_tickets=past_tickets, calls=await _calls(session, ids),
        passes=await _passes(session, ids),
        notes=await _notes(session, ids), tags=await _tags(session, client.id), history=await _history(session, ids))


def _identity(client: Client) -> Identity:
    fields = {name: getattr(client, name) for name in Identity.__struct_fields__ if name != "display_name"}
    return Identity(display_name=client.display_name, **fields)


async def _phones(session: AsyncSession, client_id: int) -> list[PhoneLine]:
    rows = await session.scalars(select(ClientPhone).where(ClientPhone.client_id == client_id).order_by(ClientPhone.id))
    return [PhoneLine(id=row.id, e164=row.e164, display=format_phone(row.e164), kind=row.kind, note=row.note)
            for row in rows]


async def _emails(session: AsyncSession, client_id: int) -> list[ContactLine]:
    rows = await session.scalars(select(ClientEmail).where(ClientEmail.client_id == client_id).order_by(ClientEmail.id))
    return [ContactLine(id=row.id, kind="email", value=row.email, note=row.note) for row in rows]


async def _messengers(session: AsyncSession, client_id: int) -> list[ContactLine]:
    rows = await session.scalars(select(ClientMessenger).where(ClientMessenger.client_id == client_id)
                                 .order_by(ClientMessenger.id))
    return [ContactLine(id=row.id, kind=row.kind, value=row.handle, note=row.note) for row in rows]


async def _consent_lines(session: AsyncSession, ids: list[int]) -> list[ConsentLine]:
    return [ConsentLine(purpose=row.purpose, channel=row.channel, granted=row.granted, given_on=row.given_on,
                        source=row.source, document=row.document, recorded_at=row.created_at)
            for row in await consent_history(session, ids)]


async def _relations(session: AsyncSession, client_id: int, today: date) -> list[RelationLine]:
    rows = await session.execute(
        select(ClientPremise, Premise.kind, Premise.label, Building.id, Building.address)
        .join(Premise, Premise.id == ClientPremise.premise_id).join(Building, Building.id == Premise.building_id)
        .where(ClientPremise.client_id == client_id)
        .order_by(ClientPremise.until.desc().nulls_first(), ClientPremise.since.desc().nulls_last()))
    return [_relation_line(relation, kind, label, building_id, address, today)
            for relation, kind, label, building_id, address in rows]


def _relation_line(relation: ClientPremise, kind: str, label: str, building_id: int, address: str,
                   today: date) -> RelationLine:
    share = None
    if relation.share_numerator is not None:
        share = f"{relation.share_numerator}/{relation.share_denominator}"
    return RelationLine(id=relation.id, premise_id=relation.premise_id, building_id=building_id,
                        address=premise_address(address, kind, label), role=relation.role, share=share,
                        since=relation.since, until=relation.until,
                        is_current=relation.until is None or relation.until >= today,
                        represents_client_id=relation.represents_client_id, note=relation.note)


async def _contacts(session: AsyncSession, client: Client) -> list[PersonLink]:
    if client.is_organisation:
        other, own = OrganisationContact.person_id, OrganisationContact.organisation_id
    else:
        other, own = OrganisationContact.organisation_id, OrganisationContact.person_id
    rows = (await session.execute(select(OrganisationContact, Client).join(Client, Client.id == other)
                                  .where(own == client.id).order_by(OrganisationContact.id))).all()
    phones: dict[int, list[str]] = {}
    for client_id, e164 in await session.execute(select(ClientPhone.client_id, ClientPhone.e164).where(
            ClientPhone.client_id.in_([person.id for _, person in rows]))):
        phones.setdefault(client_id, []).append(format_phone(e164))
    return [PersonLink(link_id=link.id, client_id=person.id, name=person.display_name, position=link.position,
                       phones=phones.get(person.id, [])) for link, person in rows]


async def _tickets(session: AsyncSession, ids: list[int]) -> tuple[list[TicketLine], list[TicketLine]]:
    rows = (await session.execute(
        select(Ticket.id, Ticket.number, Ticket.status, Ticket.priority, Ticket.created_at, Ticket.description,
               Building.time_zone)
        .join(Building, Building.id == Ticket.building_id).where(Ticket.client_id.in_(ids))
        .order_by(Ticket.created_at.desc()))).all()
    lines = [TicketLine(id=row[0], number=row[1], status=row[2], priority=row[3], created_at=row[4],
                        description=row[5][:200], time_zone=row[6]) for row in rows]
    return ([line for line in lines if line.status in Status.OPEN],
            [line for line in lines if line.status not in Status.OPEN][:PAST_TICKETS_SHOWN])


async def _notes(session: AsyncSession, ids: list[int]) -> list[NoteLine]:
    rows = await session.execute(select(ClientNote, User.full_name).outerjoin(User, User.id == ClientNote.author_id)
                                 .where(ClientNote.client_id.in_(ids)).order_by(ClientNote.created_at.desc()))
    return [NoteLine(id=note.id, text=note.text, author=author, created_at=note.created_at) for note, author in rows]


async def _tags(session: AsyncSession, client_id: int) -> list[str]:
    return list((await session.scalars(select(ClientTag.name).where(ClientTag.client_id == client_id)
                                       .order_by(ClientTag.name))).all())


async def _history(session: AsyncSession, ids: list[int]) -> list[HistoryLine]:
    """Changes to the card and its merged cards, newest first; card openings are left out as noise."""
    rows = await session.execute(
        select(AuditEntry.at, User.full_name, AuditEntry.action, AuditEntry.object_id)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.object_type == "client", AuditEntry.object_id.in_([str(i) for i in ids]),
               AuditEntry.action != "client.card_viewed")
        .order_by(AuditEntry.at.desc()).limit(HISTORY_SHOWN))
    return [HistoryLine(at=at, actor=actor, action=action, client_id=int(object_id))
            for at, actor, action, object_id in rows]


def list_name(client: Client) -> str:
    """The name as lists show it: «Фамилия И. О.», or the organisation's name."""
    if client.is_organisation or not client.last_name:
        return client.display_name
    return short_name(client.last_name, client.first_name, client.patronymic)


async def _calls(session: AsyncSession, client_ids: list[int]) -> list:
    # Imported here: the calls area imports the card's name helpers, so a top-level import would be circular.
    from backend.domain.calls.queries import calls_for_client

    return await calls_for_client(session, client_ids)


CARD_PASSES_SHOWN = 20  # newest passes on the card; the passes page lists the rest


async def _passes(session: AsyncSession, client_ids: list[int]) -> list[PassLine]:
    """Passes ordered by or for the client (and the cards merged into it), newest first."""
    from backend.domain.buildings.models import Building
    from backend.domain.passes.models import Pass

    rows = await session.execute(
        select(Pass, Building.time_zone).join(Building, Building.id == Pass.building_id)
        .where(Pass.client_id.in_(client_ids)).order_by(Pass.valid_from.desc()).limit(CARD_PASSES_SHOWN))
    return [PassLine(id=item.id, number=item.number, kind=item.kind, status=item.status,
                     visitor=" ".join(part for part in (item.visitor_name, item.plate) if part),
                     valid_from=item.valid_from, valid_until=item.valid_until, time_zone=zone)
            for item, zone in rows.all()]
