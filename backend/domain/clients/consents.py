"""Consents: to personal-data processing (152-ФЗ) and to advertising mailings per channel (38-ФЗ).

Each grant or withdrawal is a new row; the latest row per purpose and channel is in force. A
mailing must prove the consent it relied on, so rows are never edited or deleted.
"""

from __future__ import annotations

from datetime import date

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.actions import record_audit
from backend.domain.clients import checks
from backend.domain.clients.actions import check_active
from backend.domain.clients.models import Client, ClientConsent, ConsentChannel, ConsentPurpose, ConsentSource
from backend.domain.errors import DomainError
from backend.i18n import N_


class ConsentState(msgspec.Struct, frozen=True):
    purpose: str
    channel: str | None
    granted: bool
    given_on: date | None
    source: str | None
    document: str | None


async def do_record_consent(session: AsyncSession, actor_id: int | None, client: Client, *, purpose: str,
                            channel: str | None, granted: bool, given_on: str | date | None, source: str,
                            document: str | None = None) -> ClientConsent:
    check_active(client)
    purpose = checks.check_choice(purpose, ConsentPurpose.ALL, "purpose")
    channel = _check_channel(purpose, channel or None)
    day = checks.check_optional_date(given_on, "given_on") or utcnow().date()
    if day > utcnow().date():
        raise DomainError("consent_date_in_future", N_("The consent date cannot be in the future."),
                          field="given_on", value=str(given_on))
    consent = ClientConsent(client_id=client.id, purpose=purpose, channel=channel, granted=granted, given_on=day,
                            source=checks.check_choice(source, ConsentSource.ALL, "source"),
                            document=checks.check_short_text(document, "document", 200), recorded_by_id=actor_id)
    session.add(consent)
    await session.flush()
    record_audit(session, actor_id, "client.consent_recorded", "client", client.id, purpose=purpose,
                 channel=channel, granted=granted)
    return consent


def _check_channel(purpose: str, channel: str | None) -> str | None:
    if purpose == ConsentPurpose.PERSONAL_DATA:
        return None
    return checks.check_choice(channel, ConsentChannel.ALL, "channel")


async def consent_states(session: AsyncSession, client_ids: list[int]) -> list[ConsentState]:
    """The consent in force for each purpose and channel, one line each, unknown ones as not granted.

    `client_ids` are a client and the cards merged into it; the latest row among them wins.
    """
    rows = (await session.scalars(select(ClientConsent).where(ClientConsent.client_id.in_(client_ids))
                                  .order_by(ClientConsent.given_on, ClientConsent.id))).all()
    latest = {(row.purpose, row.channel): row for row in rows}
    slots = [(ConsentPurpose.PERSONAL_DATA, None)] + [(ConsentPurpose.ADVERTISING, c) for c in ConsentChannel.ALL]
    return [_state(purpose, channel, latest.get((purpose, channel))) for purpose, channel in slots]


def _state(purpose: str, channel: str | None, row: ClientConsent | None) -> ConsentState:
    if row is None:
        return ConsentState(purpose, channel, False, None, None, None)
    return ConsentState(purpose, channel, row.granted, row.given_on, row.source, row.document)


async def consent_history(session: AsyncSession, client_ids: list[int]) -> list[ClientConsent]:
    return list((await session.scalars(select(ClientConsent).where(ClientConsent.client_id.in_(client_ids))
                                       .order_by(ClientConsent.given_on.desc(), ClientConsent.id.desc()))).all())
