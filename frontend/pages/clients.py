"""Client pages: the search, the card with its edit forms, new clients, duplicates and merges.

Edit forms post to the card and redirect back to it. A rejected form renders the card again, with the
error beside the section and the typed values kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.unit_map_view import access_premise
from backend.domain.clients import actions
from backend.domain.clients.access import access_client
from backend.domain.clients.card import client_card, open_client_card
from backend.domain.clients.consents import do_record_consent
from backend.domain.clients.merge import do_merge_clients, find_duplicates
from backend.domain.clients.models import Client, ClientEmail, ClientMessenger, ClientPhone
from backend.domain.clients.relations import do_add_relation, do_end_relation
from backend.domain.clients.search import search
from backend.domain.errors import DomainError
from backend.domain.staff.access import Principal
from backend.domain.staff.roles import Permission
from backend.web.guards import principal_of, requires
from frontend.pages.forms import read_form

CONTACT_MODELS = {"phones": ClientPhone, "emails": ClientEmail, "messengers": ClientMessenger}

Edit = Callable[[AsyncSession, Principal, Client, dict], Awaitable[object]]


def _client_input(form) -> actions.ClientInput:
    names = actions.ClientInput.__struct_fields__
    return actions.ClientInput(**{name: form.get(name) or None for name in names if name in form}
                               | {"kind": form.get("kind") or "person"})


async def _add_phone(db, principal, client, form):
    await actions.do_add_phone(db, principal.user_id, client, form.get("phone", ""), form.get("kind", "mobile"),
                               form.get("note"))


async def _add_email(db, principal, client, form):
    await actions.do_add_email(db, principal.user_id, client, form.get("email", ""), form.get("note"))


async def _add_messenger(db, principal, client, form):
    await actions.do_add_messenger(db, principal.user_id, client, form.get("kind", ""), form.get("handle", ""),
                                   form.get("note"))


async def _update_identity(db, principal, client, form):
    await actions.do_update_client(db, principal.user_id, client, _client_input(form))


async def _add_note(db, principal, client, form):
    await actions.do_add_note(db, principal.user_id, client, form.get("text", ""))


async def _add_tag(db, principal, client, form):
    await actions.do_add_tag(db, principal.user_id, client, form.get("tag", ""))


async def _remove_tag(db, principal, client, form):
    await actions.do_remove_tag(db, principal.user_id, client, form.get("tag", ""))


async def _record_consent(db, principal, client, form):
    await do_record_consent(db, principal.user_id, client, purpose=form.get("purpose", ""),
                            channel=form.get("channel") or None, granted=form.get("granted") == "yes",
                            given_on=form.get("given_on") or None, source=form.get("source", ""),
                            document=form.get("document"))


async def _add_relation(db, principal, client, form):
    premise_id = _int(form.get("premise_id"), "premise_id")
    await access_premise(db, principal, premise_id)
    await do_add_relation(db, principal.user_id, client, premise_id, form.get("role", ""),
                          share=form.get("share") or None, since=form.get("since") or None,
                          until=form.get("until") or None, note=form.get("note"))


async def _end_relation(db, principal, client, form):
    await do_end_relation(db, principal.user_id, client, _int(form.get("relation_id"), "relation_id"),
                          form.get("until", ""))


async def _add_contact_person(db, principal, client, form):
    person = await access_client(db, principal, _int(form.get("person_id"), "person_id"), Permission.CLIENTS_EDIT)
    await actions.do_add_contact_person(db, principal.user_id, client, person, form.get("position"))


async def _remove_contact_person(db, principal, client, form):
    await actions.do_remove_contact_person(db, principal.user_id, client, _int(form.get("link_id"), "link_id"))


EDITS: dict[str, Edit] = {
    "identity": _update_identity, "phone": _add_phone, "email": _add_email, "messenger": _add_messenger,
    "note": _add_note, "tag": _add_tag, "untag": _remove_tag, "consent": _record_consent,
    "relation": _add_relation, "end_relation": _end_relation, "contact_person": _add_contact_person,
    "remove_contact_person": _remove_contact_person,
}
"""Card sections that accept a form post, by the `section` path part."""


def _int(value: str | None, field: str) -> int:
    if value is None or not str(value).strip().isdigit():
        raise DomainError("number_invalid", "Enter a whole number.", field=field, value=value)
    return int(value)


class ClientsController(Controller):
    path = "/clients"
    guards = [requires(Permission.PERSONAL_DATA_VIEW)]
    include_in_schema = False

    @get("/")
    async def search_page(self, request: Request, db: AsyncSession, q: str = "") -> Template:
        hits = await search(db, principal_of(request), q) if q.strip() else []
        return Template("clients/search.html", context={"q": q, "hits": hits})

    @get("/search")
    async def search_results(self, request: Request, db: AsyncSession, q: str = "") -> Template:
        """Render the drop-down list of the search box for htmx."""
        hits = await search(db, principal_of(request), q) if q.strip() else []
        return Template("clients/_results.html", context={"q": q, "hits": hits})

    @get("/new", guards=[requires(Permission.CLIENTS_EDIT)])
    async def new_client(self) -> Template:
        return Template("clients/new.html", context={"form": {}, "error": None})

    @post("/new", guards=[requires(Permission.CLIENTS_EDIT)], status_code=200)
    async def create_client(self, request: Request, db: AsyncSession) -> Template | Redirect:
        form = await read_form(request)
        try:
            client = await actions.do_create_client(db, principal_of(request).user_id, _client_input(form),
                                                    phone=form.get("phone") or None)
        except DomainError as error:
            await db.rollback()
            return Template("clients/new.html", context={"form": form, "error": error}, status_code=400)
        await db.commit()
        return Redirect(f"/clients/{client.id}")

    @get("/{client_id:int}")
    async def card(self, request: Request, db: AsyncSession, client_id: int) -> Template:
        card = await open_client_card(db, principal_of(request), client_id)
        await db.commit()
        return _card_page(request, card)

    @post("/{client_id:int}/{section:str}", guards=[requires(Permission.CLIENTS_EDIT)], status_code=200)
    async def edit(self, request: Request, db: AsyncSession, client_id: int, section: str) -> Template | Redirect:
        principal = principal_of(request)
        client = await access_client(db, principal, client_id, Permission.CLIENTS_EDIT)
        form = await read_form(request)
        try:
            await self._apply(db, principal, client, section, form)
        except DomainError as error:
            await db.rollback()
            client = await access_client(db, principal, client_id)
            return _card_page(request, await client_card(db, client), error=error, section=section, form=form,
                              status_code=400)
        await db.commit()
        return Redirect(f"/clients/{client_id}#{section}")

    @staticmethod
    async def _apply(db: AsyncSession, principal: Principal, client: Client, section: str, form) -> None:
        if section.startswith("remove_") and section.removeprefix("remove_") in CONTACT_MODELS:
            model = CONTACT_MODELS[section.removeprefix("remove_")]
            await actions.do_remove_contact(db, principal.user_id, client, model, _int(form.get("id"), "id"))
            return
        edit = EDITS.get(section)
        if edit is None:
            raise DomainError("section_unknown", "This part of the card cannot be edited.", field="section",
                              value=section)
        await edit(db, principal, client, form)

    @get("/duplicates", guards=[requires(Permission.CLIENTS_EDIT)])
    async def duplicates(self, request: Request, db: AsyncSession) -> Template:
        groups = await find_duplicates(db, principal_of(request))
        ids = sorted({client_id for group in groups for client_id in group.client_ids})
        cards = {client_id: await client_card(db, await db.get(Client, client_id)) for client_id in ids}
        return Template("clients/duplicates.html", context={"groups": groups, "cards": cards})

    @post("/merge", guards=[requires(Permission.CLIENTS_EDIT)], status_code=200)
    async def merge(self, request: Request, db: AsyncSession) -> Template | Redirect:
        principal = principal_of(request)
        form = await read_form(request)
        survivor = await access_client(db, principal, _int(form.get("survivor_id"), "survivor_id"),
                                       Permission.CLIENTS_EDIT)
        duplicate = await access_client(db, principal, _int(form.get("duplicate_id"), "duplicate_id"),
                                        Permission.CLIENTS_EDIT)
        await do_merge_clients(db, principal.user_id, survivor, duplicate)
        await db.commit()
        return Redirect(f"/clients/{survivor.id}")


def _card_page(request: Request, card, *, error: DomainError | None = None, section: str | None = None,
               form=None, status_code: int = 200) -> Template:
    principal = principal_of(request)
    return Template("clients/card.html", status_code=status_code, context={
        "card": card, "error": error, "section": section, "form": form or {},
        "identity_values": msgspec.structs.asdict(card.identity),
        "can_edit": Permission.CLIENTS_EDIT in principal.permissions})
