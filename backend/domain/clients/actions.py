"""Client use cases: identity, contacts, notes and tags. Callers commit.

Every change is audited with the names of the changed fields, never their values, so the audit
log does not become a second copy of personal data.
"""

from __future__ import annotations

from datetime import date

import msgspec
import structlog
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.actions import record_audit
from backend.domain.clients import checks
from backend.domain.clients.models import (Client, ClientEmail, ClientKind, ClientMessenger, ClientNote,
                                           ClientPhone, ClientTag, MessengerKind, OrganisationContact, PhoneKind)
from backend.domain.errors import Conflict, DomainError, NotFound
from backend.i18n import N_
from backend.realtime.outbox import emit

log = structlog.get_logger(__name__)

IDENTITY_FIELDS = ("kind", "last_name", "first_name", "patronymic", "birth_date", "organisation_name",
                   "legal_form", "inn", "kpp", "ogrn", "note")


class ClientInput(msgspec.Struct, kw_only=True):
    """Identity fields as typed in a form or sent to the API; checked by `check_client_input`."""

    kind: str = ClientKind.PERSON
    last_name: str | None = None
    first_name: str | None = None
    patronymic: str | None = None
    birth_date: str | None = None
    organisation_name: str | None = None
    legal_form: str | None = None
    inn: str | None = None
    kpp: str | None = None
    ogrn: str | None = None
    note: str | None = None


def check_client_input(data: ClientInput, today: date) -> dict[str, object]:
    """Validate identity fields and return the values to store, with the fields of the other kind cleared."""
    kind = checks.check_choice(data.kind, ClientKind.ALL, "kind")
    if kind == ClientKind.ORGANISATION:
        return _organisation_fields(data)
    return _person_fields(data, today)


def _person_fields(data: ClientInput, today: date) -> dict[str, object]:
    values = {"kind": ClientKind.PERSON, "last_name": checks.check_name_part(data.last_name, "last_name"),
              "first_name": checks.check_name_part(data.first_name, "first_name"),
              "patronymic": checks.check_name_part(data.patronymic, "patronymic"),
              "birth_date": checks.check_birth_date(data.birth_date, today),
              "organisation_name": None, "legal_form": None, "kpp": None, "ogrn": None,
              "inn": checks.check_inn(data.inn, organisation=False, legal_form=None),
              "note": checks.check_short_text(data.note, "note", checks.NOTE_MAX)}
    if values["last_name"] is None and values["first_name"] is None:
        raise DomainError("name_missing", N_("Enter the last name or the first name."), field="last_name",
                          value=data.last_name)
    return values


def _organisation_fields(data: ClientInput) -> dict[str, object]:
    legal_form = checks.check_legal_form(data.legal_form)
    identifiers = {"organisation": True, "legal_form": legal_form}
    return {"kind": ClientKind.ORGANISATION, "organisation_name": checks.check_organisation_name(data.organisation_name),
            "legal_form": legal_form, "inn": checks.check_inn(data.inn, **identifiers),
            "kpp": checks.check_kpp(data.kpp, **identifiers), "ogrn": checks.check_ogrn(data.ogrn, **identifiers),
            "last_name": None, "first_name": None, "patronymic": None, "birth_date": None,
            "note": checks.check_short_text(data.note, "note", checks.NOTE_MAX)}


async def check_inn_free(session: AsyncSession, values: dict[str, object], client_id: int | None) -> None:
    """Reject a second active client with the same ИНН and КПП; branches differ by КПП."""
    if values.get("inn") is None:
        return
    query = select(Client.id).where(Client.inn == values["inn"], Client.merged_into_id.is_(None),
                                    Client.kpp.is_not_distinct_from(values.get("kpp")))
    if client_id is not None:
        query = query.where(Client.id != client_id)
    other = await session.scalar(query.limit(1))
    if other is not None:
        raise Conflict("inn_taken", N_("A client with this INN already exists: card № {other}."), field="inn",
                       value=values["inn"], other=other)


async def do_create_client(session: AsyncSession, actor_id: int | None, data: ClientInput, *,
                           phone: str | None = None, today: date | None = None) -> Client:
    values = check_client_input(data, today or utcnow().date())
    await check_inn_free(session, values, None)
    client = Client(**values)
    session.add(client)
    await session.flush()
    if phone:
        await do_add_phone(session, actor_id, client, phone)

    record_audit(session, actor_id, "client.created", "client", client.id, kind=client.kind)
    emit(session, "client.created", {"client_id": client.id})
    log.info("client_created", client_id=client.id, kind=client.kind)
    return client


async def do_update_client(session: AsyncSession, actor_id: int | None, client: Client, data: ClientInput, *,
                           today: date | None = None) -> list[str]:
    """Apply the identity fields; return the names of the fields that changed."""
    check_active(client)
    values = check_client_input(data, today or utcnow().date())
    await check_inn_free(session, values, client.id)
    changed = [name for name in IDENTITY_FIELDS if getattr(client, name) != values[name]]
    for name in changed:
        setattr(client, name, values[name])
    if changed:
        await session.flush()
        record_audit(session, actor_id, "client.updated", "client", client.id, fields=changed)
        emit(session, "client.updated", {"client_id": client.id, "fields": changed})
    return changed


def check_active(client: Client) -> None:
    if client.merged_into_id is not None:
        raise Conflict("client_merged", N_("This card was merged into card № {target}: edit that one."),
                       field="client_id", value=client.id, target=client.merged_into_id)


# --- Contacts -------------------------------------------------------------------------------------


async def do_add_phone(session: AsyncSession, actor_id: int | None, client: Client, number: str,
                       kind: str = PhoneKind.MOBILE, note: str | None = None) -> ClientPhone:
    check_active(client)
    e164 = checks.check_phone(number)
    kind = checks.check_choice(kind, PhoneKind.ALL, "phone_kind")
    existing = await session.scalar(select(ClientPhone.id).where(ClientPhone.client_id == client.id,
                                                                 ClientPhone.e164 == e164))
    if existing is not None:
        raise Conflict("phone_duplicate", N_("This client already has this phone number."), field="phone",
                       value=number)
    phone = ClientPhone(client_id=client.id, e164=e164, kind=kind,
                        note=checks.check_short_text(note, "phone_note", 200))
    session.add(phone)
    await session.flush()
    record_audit(session, actor_id, "client.phone_added", "client", client.id, phone_id=phone.id)
    return phone


async def do_remove_contact(session: AsyncSession, actor_id: int | None, client: Client, model: type,
                            contact_id: int) -> None:
    """Delete a phone, e-mail or messenger of `client`."""
    check_active(client)
    result = await session.execute(delete(model).where(model.id == contact_id, model.client_id == client.id))
    if result.rowcount == 0:
        raise NotFound("contact_not_found", N_("This contact is not on the card any more."), field="contact_id",
                       value=contact_id)
    record_audit(session, actor_id, f"client.{model.__tablename__.removeprefix('client_')}_removed", "client",
                 client.id, contact_id=contact_id)


async def do_add_email(session: AsyncSession, actor_id: int | None, client: Client, address: str,
                       note: str | None = None) -> ClientEmail:
    check_active(client)
    email = checks.check_email(address)
    duplicate = await session.scalar(select(ClientEmail.id).where(
        ClientEmail.client_id == client.id, func.lower(ClientEmail.email) == email.lower()))
    if duplicate is not None:
        raise Conflict("email_duplicate", N_("This client already has this e-mail address."), field="email",
                       value=address)
    row = ClientEmail(client_id=client.id, email=email, note=checks.check_short_text(note, "email_note", 200))
    session.add(row)
    await session.flush()
    record_audit(session, actor_id, "client.email_added", "client", client.id, email_id=row.id)
    return row


async def do_add_messenger(session: AsyncSession, actor_id: int | None, client: Client, kind: str, handle: str,
                           note: str | None = None) -> ClientMessenger:
    check_active(client)
    kind = checks.check_choice(kind, MessengerKind.ALL, "messenger_kind")
    row = ClientMessenger(client_id=client.id, kind=kind, handle=checks.check_messenger_handle(kind, handle),
                          note=checks.check_short_text(note, "messenger_note", 200))
    session.add(row)
    await session.flush()
    record_audit(session, actor_id, "client.messenger_added", "client", client.id, messenger_id=row.id)
    return row


# --- Notes, tags, contact persons -----------------------------------------------------------------


async def do_add_note(session: AsyncSession, actor_id: int | None, client: Client, text: str) -> ClientNote:
    check_active(client)
    note = ClientNote(client_id=client.id, author_id=actor_id, text=checks.check_note(text))
    session.add(note)
    await session.flush()
    record_audit(session, actor_id, "client.note_added", "client", client.id, note_id=note.id)
    return note


async def do_add_tag(session: AsyncSession, actor_id: int | None, client: Client, name: str) -> str:
    """Add a tag; adding a tag the client already has changes nothing."""
    check_active(client)
    name = checks.check_tag(name)
    if await session.get(ClientTag, (client.id, name)) is None:
        session.add(ClientTag(client_id=client.id, name=name))
        await session.flush()
        record_audit(session, actor_id, "client.tag_added", "client", client.id, tag=name)
    return name


async def do_remove_tag(session: AsyncSession, actor_id: int | None, client: Client, name: str) -> None:
    check_active(client)
    await session.execute(delete(ClientTag).where(ClientTag.client_id == client.id, ClientTag.name == name))
    record_audit(session, actor_id, "client.tag_removed", "client", client.id, tag=name)


async def do_add_contact_person(session: AsyncSession, actor_id: int | None, organisation: Client,
                                person: Client, position: str | None = None) -> OrganisationContact:
    check_active(organisation)
    check_active(person)
    if organisation.kind != ClientKind.ORGANISATION or person.kind != ClientKind.PERSON:
        raise DomainError("contact_person_invalid", N_("A contact person is a person linked to an organisation."),
                          field="person_id", value=person.id)
    existing = await session.scalar(select(OrganisationContact.id).where(
        OrganisationContact.organisation_id == organisation.id, OrganisationContact.person_id == person.id))
    if existing is not None:
        raise Conflict("contact_person_duplicate", N_("This person is already a contact of the organisation."),
                       field="person_id", value=person.id)
    link = OrganisationContact(organisation_id=organisation.id, person_id=person.id,
                               position=checks.check_short_text(position, "position", 100))
    session.add(link)
    await session.flush()
    record_audit(session, actor_id, "client.contact_person_added", "client", organisation.id, person_id=person.id)
    return link


async def do_remove_contact_person(session: AsyncSession, actor_id: int | None, organisation: Client,
                                   link_id: int) -> None:
    result = await session.execute(delete(OrganisationContact).where(
        OrganisationContact.id == link_id, OrganisationContact.organisation_id == organisation.id))
    if result.rowcount == 0:
        raise NotFound("contact_not_found", N_("This contact is not on the card any more."), field="contact_id",
                       value=link_id)
    record_audit(session, actor_id, "client.contact_person_removed", "client", organisation.id, link_id=link_id)
