"""Finding the clients behind a caller id, and the staff users behind extensions."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.clients.models import Client, ClientPhone
from backend.domain.clients.phones import try_normalize_phone
from backend.domain.staff.models import User

MAX_MATCHED_CLIENTS = 10
"""Clients linked to one call at most; a shared office number can belong to dozens of cards."""


def caller_e164(number: str | None) -> str | None:
    """Return the E.164 form of a caller id; None for extensions, `anonymous` and unparsable input."""
    return try_normalize_phone(number)


async def match_clients(session: AsyncSession, e164: str | None) -> list[int]:
    """Return the ids of clients with this phone number, oldest card first; none without a number.

    Cards merged into another card are skipped: the surviving card carries their phones.
    """
    if e164 is None:
        return []
    query = (select(ClientPhone.client_id).join(Client, Client.id == ClientPhone.client_id)
             .where(ClientPhone.e164 == e164, Client.merged_into_id.is_(None))
             .order_by(ClientPhone.client_id).limit(MAX_MATCHED_CLIENTS))
    return list((await session.scalars(query)).all())


async def users_by_extension(session: AsyncSession, extensions: Iterable[str]) -> dict[str, User]:
    """Return the active users answering these extensions, by extension."""
    wanted = sorted(set(extensions))
    if not wanted:
        return {}
    users = await session.scalars(select(User).where(User.extension.in_(wanted), User.is_active.is_(True)))
    return {user.extension: user for user in users}
