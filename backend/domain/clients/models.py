"""Clients (persons and organisations), their contacts and their relations to premises."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db.base import Base, CreatedAt, utcnow


class ClientKind:
    PERSON = "person"
    ORGANISATION = "organisation"

    ALL = (PERSON, ORGANISATION)


class PremiseRole:
    OWNER = "owner"
    """Owns the premise, possibly a share."""
    TENANT = "tenant"
    """Rents the premise for a lease period."""
    RESIDENT = "resident"
    """Lives or works there without owning or renting it."""
    REPRESENTATIVE = "representative"
    """Acts for a client: an employee of a tenant company, a relative."""

    ALL = (OWNER, TENANT, RESIDENT, REPRESENTATIVE)


class Client(CreatedAt, Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=ClientKind.PERSON)
    last_name: Mapped[str | None] = mapped_column(String(100))
    first_name: Mapped[str | None] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    organisation_name: Mapped[str | None] = mapped_column(String(300))
    legal_form: Mapped[str | None] = mapped_column(String(32))
    """ООО, АО, ИП, ..."""
    inn: Mapped[str | None] = mapped_column(String(12), index=True)
    kpp: Mapped[str | None] = mapped_column(String(9))
    ogrn: Mapped[str | None] = mapped_column(String(15))
    note: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    """Set when this record was merged into another; merged records stay for history."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    phones: Mapped[list[ClientPhone]] = relationship(back_populates="client", cascade="all, delete-orphan",
                                                     order_by="ClientPhone.id")
    emails: Mapped[list[ClientEmail]] = relationship(back_populates="client", cascade="all, delete-orphan",
                                                     order_by="ClientEmail.id")
    premises: Mapped[list[ClientPremise]] = relationship(back_populates="client", cascade="all, delete-orphan",
                                                         order_by="ClientPremise.id")

    __table_args__ = (CheckConstraint(f"kind IN {ClientKind.ALL}", name="kind"),)

    @property
    def display_name(self) -> str:
        if self.kind == ClientKind.ORGANISATION:
            return " ".join(part for part in (self.legal_form, self.organisation_name) if part)
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)


class ClientPhone(Base):
    __tablename__ = "client_phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    e164: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(16), default="mobile")
    note: Mapped[str | None] = mapped_column(String(200))

    client: Mapped[Client] = relationship(back_populates="phones")

    __table_args__ = (Index("ix_client_phones_e164", "e164"),)


class ClientEmail(Base):
    __tablename__ = "client_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)

    client: Mapped[Client] = relationship(back_populates="emails")


class ClientPremise(CreatedAt, Base):
    """A client's relation to a premise over a period; an ended relation keeps its history."""

    __tablename__ = "client_premises"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    premise_id: Mapped[int] = mapped_column(ForeignKey("premises.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    share_numerator: Mapped[int | None] = mapped_column(Integer)
    share_denominator: Mapped[int | None] = mapped_column(Integer)
    """An owner's share as a fraction, such as 1/2 or 142/584."""
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    """The end of the relation (a lease's end, a sale); None while it lasts."""

    client: Mapped[Client] = relationship(back_populates="premises")

    __table_args__ = (
        CheckConstraint(f"role IN {PremiseRole.ALL}", name="role"),
        CheckConstraint("share_numerator IS NULL OR (share_numerator > 0 AND share_denominator >= share_numerator)",
                        name="share"),
    )
