"""Clients (persons and organisations), their contacts and their relations to premises."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Computed, Date, ForeignKey, Index, Integer, PrimaryKeyConstraint,
                        String, Text, UniqueConstraint, text)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db.base import Base, CreatedAt, utcnow
from backend.domain.clients.search_keys import (EMAIL_KEY_SQL, NAME_KEY_SQL, NAME_VECTOR_SQL,
                                                PHONE_DIGITS_REVERSED_SQL)


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


class PhoneKind:
    MOBILE = "mobile"
    HOME = "home"
    WORK = "work"
    OTHER = "other"

    ALL = (MOBILE, HOME, WORK, OTHER)


class MessengerKind:
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    VIBER = "viber"
    VK = "vk"
    MAX = "max"
    OTHER = "other"

    ALL = (TELEGRAM, WHATSAPP, VIBER, VK, MAX, OTHER)


class ConsentPurpose:
    PERSONAL_DATA = "personal_data"
    """Processing of personal data (152-ФЗ); a document of its own, without a channel."""
    ADVERTISING = "advertising"
    """Advertising mailings (38-ФЗ art. 18), given or withdrawn per channel."""

    ALL = (PERSONAL_DATA, ADVERTISING)


class ConsentChannel:
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"
    MESSENGER = "messenger"
    PORTAL = "portal"

    ALL = (EMAIL, SMS, PUSH, MESSENGER, PORTAL)


class ConsentSource:
    PAPER = "paper"
    """A signed paper form, kept in the office."""
    PORTAL = "portal"
    APP = "app"
    PHONE = "phone"
    EMAIL = "email"
    OTHER = "other"

    ALL = (PAPER, PORTAL, APP, PHONE, EMAIL, OTHER)


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
    portal_access_at: Mapped[datetime | None]
    """When the client first signed in to the resident portal; None while they never did."""
    app_access_at: Mapped[datetime | None]
    """When the client first signed in to the resident app; None while they never did."""
    search_name: Mapped[str] = mapped_column(Text(collation="C"), Computed(NAME_KEY_SQL, persisted=True),
                                             deferred=True)
    """The folded full name or organisation name; the C collation lets its index serve `LIKE 'prefix%'`."""
    search_vector: Mapped[str] = mapped_column(TSVECTOR, Computed(NAME_VECTOR_SQL, persisted=True),
                                                deferred=True)

    phones: Mapped[list[ClientPhone]] = relationship(back_populates="client", cascade="all, delete-orphan",
                                                     order_by="ClientPhone.id")
    emails: Mapped[list[ClientEmail]] = relationship(back_populates="client", cascade="all, delete-orphan",
                                                     order_by="ClientEmail.id")
    premises: Mapped[list[ClientPremise]] = relationship(back_populates="client", cascade="all, delete-orphan",
                                                         order_by="ClientPremise.id",
                                                         foreign_keys="ClientPremise.client_id")

    __table_args__ = (
        CheckConstraint(f"kind IN {ClientKind.ALL}", name="kind"),
        Index("ix_clients_search_name", "search_name", postgresql_where=text("merged_into_id IS NULL")),
        Index("ix_clients_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_clients_merged_into_id", "merged_into_id"),
    )

    @property
    def is_organisation(self) -> bool:
        return self.kind == ClientKind.ORGANISATION

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
    kind: Mapped[str] = mapped_column(String(16), default=PhoneKind.MOBILE)
    note: Mapped[str | None] = mapped_column(String(200))
    digits_reversed: Mapped[str] = mapped_column(Text(collation="C"),
                                                 Computed(PHONE_DIGITS_REVERSED_SQL, persisted=True), deferred=True)

    client: Mapped[Client] = relationship(back_populates="phones")

    __table_args__ = (
        Index("ix_client_phones_e164", "e164"),
        Index("ix_client_phones_digits_reversed", "digits_reversed"),
        UniqueConstraint("client_id", "e164"),
        CheckConstraint(f"kind IN {PhoneKind.ALL}", name="kind"),
    )


class ClientEmail(Base):
    __tablename__ = "client_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    note: Mapped[str | None] = mapped_column(String(200))
    email_key: Mapped[str] = mapped_column(Text(collation="C"), Computed(EMAIL_KEY_SQL, persisted=True),
                                           deferred=True)

    client: Mapped[Client] = relationship(back_populates="emails")

    __table_args__ = (Index("ix_client_emails_email_key", "email_key"),)


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
    represents_client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    """For a representative: the client they act for, such as the owner of the flat."""
    note: Mapped[str | None] = mapped_column(String(300))

    client: Mapped[Client] = relationship(back_populates="premises", foreign_keys=[client_id])

    __table_args__ = (
        CheckConstraint(f"role IN {PremiseRole.ALL}", name="role"),
        CheckConstraint("share_numerator IS NULL OR (share_numerator > 0 AND share_denominator >= share_numerator)",
                        name="share"),
        CheckConstraint("until IS NULL OR since IS NULL OR until >= since", name="period"),
    )


class ClientMessenger(Base):
    """A messenger account of a client: a Telegram user name, a WhatsApp number."""

    __tablename__ = "client_messengers"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    handle: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (CheckConstraint(f"kind IN {MessengerKind.ALL}", name="kind"),)


class ClientConsent(CreatedAt, Base):
    """One consent given or withdrawn. Rows are never changed: the latest row per purpose and channel is
    in force, and the earlier ones prove what was in force before."""

    __tablename__ = "client_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str | None] = mapped_column(String(16))
    granted: Mapped[bool] = mapped_column(Boolean)
    """True when given, False when withdrawn."""
    given_on: Mapped[date] = mapped_column(Date)
    """The date on the document or of the request, which may precede the day it was recorded."""
    source: Mapped[str] = mapped_column(String(16))
    document: Mapped[str | None] = mapped_column(String(200))
    """What proves it: «заявление от 04.12.2026», a portal request id."""
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        CheckConstraint(f"purpose IN {ConsentPurpose.ALL}", name="purpose"),
        CheckConstraint(f"source IN {ConsentSource.ALL}", name="source"),
        CheckConstraint(f"(purpose = '{ConsentPurpose.PERSONAL_DATA}' AND channel IS NULL) OR "
                        f"(purpose = '{ConsentPurpose.ADVERTISING}' AND channel IN {ConsentChannel.ALL})",
                        name="channel"),
        Index("ix_client_consents_client", "client_id", "purpose", "channel", "id"),
    )


class ClientNote(CreatedAt, Base):
    __tablename__ = "client_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_client_notes_client", "client_id", "created_at"),)


class ClientTag(Base):
    """A free label on a client («VIP», «должник», «глухой»), kept as typed."""

    __tablename__ = "client_tags"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))

    __table_args__ = (PrimaryKeyConstraint("client_id", "name"), Index("ix_client_tags_name", "name"))


class OrganisationContact(Base):
    """A person who acts for an organisation: a director, an office manager, an accountant."""

    __tablename__ = "organisation_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    position: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        UniqueConstraint("organisation_id", "person_id"),
        CheckConstraint("organisation_id <> person_id", name="not_self"),
    )
