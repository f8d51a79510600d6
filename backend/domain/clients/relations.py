"""Relations of clients to premises: owners with shares, tenants with a lease, residents, representatives.

A relation is never deleted to end it: it gets an end date and stays as history (who lived where,
and when). The shares of the owners of one premise whose periods overlap add up to at most 1.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.audit.actions import record_audit
from backend.domain.buildings.models import Premise
from backend.domain.clients import checks
from backend.domain.clients.actions import check_active
from backend.domain.clients.models import Client, ClientPremise, PremiseRole
from backend.domain.errors import Conflict, DomainError, NotFound
from backend.i18n import N_
from backend.realtime.outbox import emit


def share_of(relation: ClientPremise) -> Fraction:
    """The owned fraction; an owner without a recorded share owns the whole premise."""
    if relation.share_numerator is None:
        return Fraction(1)
    return Fraction(relation.share_numerator, relation.share_denominator)


def overlaps(since: date | None, until: date | None):
    """SQL condition: a relation's period overlaps [since, until]; None is an open end."""
    conditions = []
    if until is not None:
        conditions.append(or_(ClientPremise.since.is_(None), ClientPremise.since <= until))
    if since is not None:
        conditions.append(or_(ClientPremise.until.is_(None), ClientPremise.until >= since))
    return and_(*conditions) if conditions else True


async def check_owner_shares(session: AsyncSession, premise_id: int, share: Fraction, since: date | None,
                             until: date | None, exclude_id: int | None = None) -> None:
    owners = (await session.scalars(select(ClientPremise).where(
        ClientPremise.premise_id == premise_id, ClientPremise.role == PremiseRole.OWNER,
        ClientPremise.id != (exclude_id or 0), overlaps(since, until)))).all()
    taken = sum((share_of(owner) for owner in owners), Fraction(0))
    if taken + share > 1:
        free = max(Fraction(1) - taken, Fraction(0))
        raise Conflict("share_exceeds_premise", N_("The owners' shares would add up to more than 1: "
                                                   "{free} of the premise is left to own."),
                       field="share", value=f"{share.numerator}/{share.denominator}",
                       free=f"{free.numerator}/{free.denominator}")


async def lock_premise(session: AsyncSession, premise_id: int) -> Premise:
    """Fetch the premise FOR UPDATE, so two owners added at once cannot both pass the share check."""
    premise = await session.scalar(select(Premise).where(Premise.id == premise_id).with_for_update())
    if premise is None:
        raise NotFound("premise_not_found", N_("Premise not found."), field="premise_id", value=premise_id)
    return premise


async def do_add_relation(session: AsyncSession, actor_id: int | None, client: Client, premise_id: int, role: str,
                          *, share: str | None = None, since: str | date | None = None,
                          until: str | date | None = None, represents_client_id: int | None = None,
                          note: str | None = None) -> ClientPremise:
    """Relate `client` to a premise. The caller has checked that the user may see the premise's building."""
    check_active(client)
    role = checks.check_choice(role, PremiseRole.ALL, "role")
    since_date = checks.check_optional_date(since, "since")
    until_date = checks.check_optional_date(until, "until")
    checks.check_period(since_date, until_date)
    fraction = _check_role_fields(role, share, since_date)

    premise = await lock_premise(session, premise_id)
    await _check_not_repeated(session, client.id, premise.id, role, since_date, until_date)
    if role == PremiseRole.OWNER:
        await check_owner_shares(session, premise.id, Fraction(*fraction) if fraction else Fraction(1),
                                 since_date, until_date)
    if represents_client_id is not None and await session.get(Client, represents_client_id) is None:
        raise NotFound("client_not_found", N_("Client not found or not in your buildings."),
                       field="represents_client_id", value=represents_client_id)

    relation = ClientPremise(client_id=client.id, premise_id=premise.id, role=role, since=since_date,
                             until=until_date, share_numerator=fraction[0] if fraction else None,
                             share_denominator=fraction[1] if fraction else None,
                             represents_client_id=represents_client_id if role == PremiseRole.REPRESENTATIVE else None,
                             note=checks.check_short_text(note, "note", 300))
    session.add(relation)
    await session.flush()
    _record(session, actor_id, "client.relation_added", client, relation, premise.building_id)
    return relation


def _check_role_fields(role: str, share: str | None, since: date | None) -> tuple[int, int] | None:
    fraction = checks.check_share(share)
    if fraction is not None and role != PremiseRole.OWNER:
        raise DomainError("share_not_applicable", N_("Only an owner has a share."), field="share", value=share)
    if role == PremiseRole.TENANT and since is None:
        raise DomainError("lease_start_missing", N_("Enter the start of the lease."), field="since", value=None)
    return fraction


async def _check_not_repeated(session: AsyncSession, client_id: int, premise_id: int, role: str,
                              since: date | None, until: date | None) -> None:
    repeated = await session.scalar(select(ClientPremise.id).where(
        ClientPremise.client_id == client_id, ClientPremise.premise_id == premise_id, ClientPremise.role == role,
        overlaps(since, until)).limit(1))
    if repeated is not None:
        raise Conflict("relation_duplicate", N_("The client already has this role in this premise for these dates."),
                       field="role", value=role)


async def do_end_relation(session: AsyncSession, actor_id: int | None, client: Client, relation_id: int,
                          until: str | date) -> ClientPremise:
    """End a relation on `until`, keeping it as history."""
    relation = await session.get(ClientPremise, relation_id)
    if relation is None or relation.client_id != client.id:
        raise NotFound("relation_not_found", N_("This relation is not on the card any more."),
                       field="relation_id", value=relation_id)
    end = checks.check_optional_date(until, "until")
    if end is None:
        raise DomainError("date_missing", N_("Enter the end date."), field="until", value=until)
    checks.check_period(relation.since, end)
    relation.until = end
    await session.flush()
    premise = await session.get(Premise, relation.premise_id)
    _record(session, actor_id, "client.relation_ended", client, relation, premise.building_id)
    return relation


def _record(session: AsyncSession, actor_id: int | None, action: str, client: Client, relation: ClientPremise,
            building_id: int) -> None:
    record_audit(session, actor_id, action, "client", client.id, relation_id=relation.id,
                 premise_id=relation.premise_id, role=relation.role)
    emit(session, "premise.occupancy_changed", {"premise_id": relation.premise_id, "client_id": client.id},
         building_id=building_id)
