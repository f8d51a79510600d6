"""JSON API: client cards, contacts, relations, duplicates and merges."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, get, patch, post
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.clients.access import access_client
from backend.domain.clients.actions import (ClientInput, do_add_email, do_add_note, do_add_phone, do_create_client,
                                            do_update_client)
from backend.domain.clients.card import ClientCard, client_card, open_client_card
from backend.domain.clients.consents import do_record_consent
from backend.domain.clients.merge import DuplicateGroup, MergeReport, do_merge_clients, find_duplicates
from backend.domain.clients.relations import do_add_relation
from backend.domain.buildings.unit_map_view import access_premise
from backend.domain.staff.roles import Permission
from backend.web.guards import principal_of, requires


class NewClient(ClientInput, kw_only=True):
    phone: str | None = None


class NewPhone(msgspec.Struct, kw_only=True):
    phone: str
    kind: str = "mobile"
    note: str | None = None


class NewEmail(msgspec.Struct, kw_only=True):
    email: str
    note: str | None = None


class NewNote(msgspec.Struct, kw_only=True):
    text: str


class NewConsent(msgspec.Struct, kw_only=True):
    purpose: str
    channel: str | None = None
    granted: bool
    given_on: str | None = None
    """DD.MM.YYYY or YYYY-MM-DD; today when omitted."""
    source: str
    document: str | None = None


class NewRelation(msgspec.Struct, kw_only=True):
    premise_id: int
    role: str
    share: str | None = None
    """An owner's share such as `1/2`; omitted for the whole premise."""
    since: str | None = None
    until: str | None = None
    represents_client_id: int | None = None
    note: str | None = None


class MergeRequest(msgspec.Struct, kw_only=True):
    duplicate_id: int


class ClientsApi(Controller):
    path = "/api/v1/clients"
    guards = [requires(Permission.PERSONAL_DATA_VIEW)]
    tags = ["clients"]

    @get("/{client_id:int}")
    async def get_client(self, request: Request, db: AsyncSession, client_id: int) -> ClientCard:
        """The full client card. Each read is audited as `client.card_viewed`."""
        card = await open_client_card(db, principal_of(request), client_id)
        await db.commit()
        return card

    @post("/", guards=[requires(Permission.CLIENTS_EDIT)])
    async def create_client(self, request: Request, db: AsyncSession, data: NewClient) -> ClientCard:
        fields = msgspec.structs.asdict(data)
        phone = fields.pop("phone")
        client = await do_create_client(db, principal_of(request).user_id, ClientInput(**fields), phone=phone)
        await db.commit()
        return await client_card(db, client)

    @patch("/{client_id:int}", guards=[requires(Permission.CLIENTS_EDIT)])
    async def update_client(self, request: Request, db: AsyncSession, client_id: int,
                            data: ClientInput) -> ClientCard:
        """Replace the identity fields; fields left out are cleared."""
        client = await self._editable(request, db, client_id)
        await do_update_client(db, principal_of(request).user_id, client, data)
        await db.commit()
        return await client_card(db, client)

    @post("/{client_id:int}/phones", guards=[requires(Permission.CLIENTS_EDIT)])
    async def add_phone(self, request: Request, db: AsyncSession, client_id: int, data: NewPhone) -> ClientCard:
        client = await self._editable(request, db, client_id)
        await do_add_phone(db, principal_of(request).user_id, client, data.phone, data.kind, data.note)
        return await self._saved(db, client)

    @post("/{client_id:int}/emails", guards=[requires(Permission.CLIENTS_EDIT)])
    async def add_email(self, request: Request, db: AsyncSession, client_id: int, data: NewEmail) -> ClientCard:
        client = await self._editable(request, db, client_id)
        await do_add_email(db, principal_of(request).user_id, client, data.email, data.note)
        return await self._saved(db, client)

    @post("/{client_id:int}/notes", guards=[requires(Permission.CLIENTS_EDIT)])
    async def add_note(self, request: Request, db: AsyncSession, client_id: int, data: NewNote) -> ClientCard:
        client = await self._editable(request, db, client_id)
        await do_add_note(db, principal_of(request).user_id, client, data.text)
        return await self._saved(db, client)

    @post("/{client_id:int}/consents", guards=[requires(Permission.CLIENTS_EDIT)])
    async def add_consent(self, request: Request, db: AsyncSession, client_id: int, data: NewConsent) -> ClientCard:
        client = await self._editable(request, db, client_id)
        await do_record_consent(db, principal_of(request).user_id, client, **msgspec.structs.asdict(data))
        return await self._saved(db, client)

    @post("/{client_id:int}/relations", guards=[requires(Permission.CLIENTS_EDIT)])
    async def add_relation(self, request: Request, db: AsyncSession, client_id: int,
                           data: NewRelation) -> ClientCard:
        client = await self._editable(request, db, client_id)
        await access_premise(db, principal_of(request), data.premise_id)
        fields = msgspec.structs.asdict(data)
        await do_add_relation(db, principal_of(request).user_id, client, fields.pop("premise_id"),
                              fields.pop("role"), **fields)
        return await self._saved(db, client)

    @get("/duplicates", guards=[requires(Permission.CLIENTS_EDIT)])
    async def duplicates(self, request: Request, db: AsyncSession) -> list[DuplicateGroup]:
        """Groups of active clients sharing a phone, or a name and a premise."""
        return await find_duplicates(db, principal_of(request))

    @post("/{client_id:int}/merge", guards=[requires(Permission.CLIENTS_EDIT)])
    async def merge(self, request: Request, db: AsyncSession, client_id: int, data: MergeRequest) -> MergeReport:
        """Merge the card `duplicate_id` into this one, moving every relation, ticket and record."""
        survivor = await self._editable(request, db, client_id)
        duplicate = await self._editable(request, db, data.duplicate_id)
        report = await do_merge_clients(db, principal_of(request).user_id, survivor, duplicate)
        await db.commit()
        return report

    @staticmethod
    async def _editable(request: Request, db: AsyncSession, client_id: int):
        return await access_client(db, principal_of(request), client_id, Permission.CLIENTS_EDIT)

    @staticmethod
    async def _saved(db: AsyncSession, client) -> ClientCard:
        await db.commit()
        return await client_card(db, client)
