"""clients: card, contacts, consents, notes, tags, search keys; selections of premises

Revision ID: 0003
Revises: 0002

The search keys are stored generated columns, so bulk loads (COPY, INSERT ... SELECT) fill them too.
Their expressions are written as PostgreSQL 15 prints them back, so that the schema test compares
them with the models without a false difference.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

NAME_KEY_SQL = "CASE WHEN ((kind)::text = 'organisation'::text) THEN btrim(regexp_replace(translate(lower((COALESCE(organisation_name, ''::character varying))::text), 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯё'::text, 'абвгдеежзийклмнопрстуфхцчшщъыьэюяе'::text), '[^0-9a-zа-я]+'::text, ' '::text, 'g'::text)) ELSE btrim(regexp_replace(translate(lower((((((COALESCE(last_name, ''::character varying))::text || ' '::text) || (COALESCE(first_name, ''::character varying))::text) || ' '::text) || (COALESCE(patronymic, ''::character varying))::text)), 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯё'::text, 'абвгдеежзийклмнопрстуфхцчшщъыьэюяе'::text), '[^0-9a-zа-я]+'::text, ' '::text, 'g'::text)) END"
NAME_VECTOR_SQL = "to_tsvector('simple'::regconfig, btrim(regexp_replace(translate(lower((((((((COALESCE(last_name, ''::character varying))::text || ' '::text) || (COALESCE(first_name, ''::character varying))::text) || ' '::text) || (COALESCE(patronymic, ''::character varying))::text) || ' '::text) || (COALESCE(organisation_name, ''::character varying))::text)), 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯё'::text, 'абвгдеежзийклмнопрстуфхцчшщъыьэюяе'::text), '[^0-9a-zа-я]+'::text, ' '::text, 'g'::text)))"
PHONE_DIGITS_REVERSED_SQL = "reverse(regexp_replace((e164)::text, '[^0-9]'::text, ''::text, 'g'::text))"
EMAIL_KEY_SQL = 'lower((email)::text)'


def upgrade() -> None:
    _extend_clients()
    _create_client_details()
    _create_selections()


def _extend_clients() -> None:
    op.add_column('clients', sa.Column('portal_access_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('clients', sa.Column('app_access_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('clients', sa.Column('search_name', sa.Text(collation='C'), sa.Computed(NAME_KEY_SQL, persisted=True),
                                       nullable=False))
    op.add_column('clients', sa.Column('search_vector', postgresql.TSVECTOR(),
                                       sa.Computed(NAME_VECTOR_SQL, persisted=True), nullable=False))
    op.create_index('ix_clients_merged_into_id', 'clients', ['merged_into_id'], unique=False)
    op.create_index('ix_clients_search_name', 'clients', ['search_name'], unique=False,
                    postgresql_where=sa.text('merged_into_id IS NULL'))
    op.create_index('ix_clients_search_vector', 'clients', ['search_vector'], unique=False, postgresql_using='gin')

    op.add_column('client_emails', sa.Column('note', sa.String(length=200), nullable=True))
    op.add_column('client_emails', sa.Column('email_key', sa.Text(collation='C'),
                                             sa.Computed(EMAIL_KEY_SQL, persisted=True), nullable=False))
    op.create_index('ix_client_emails_email_key', 'client_emails', ['email_key'], unique=False)

    op.add_column('client_phones', sa.Column('digits_reversed', sa.Text(collation='C'),
                                             sa.Computed(PHONE_DIGITS_REVERSED_SQL, persisted=True), nullable=False))
    op.create_index('ix_client_phones_digits_reversed', 'client_phones', ['digits_reversed'], unique=False)
    op.create_unique_constraint(op.f('uq_client_phones_client_id_e164'), 'client_phones', ['client_id', 'e164'])
    op.create_check_constraint(op.f('ck_client_phones_kind'), 'client_phones',
                               "kind IN ('mobile', 'home', 'work', 'other')")

    op.add_column('client_premises', sa.Column('represents_client_id', sa.Integer(), nullable=True))
    op.add_column('client_premises', sa.Column('note', sa.String(length=300), nullable=True))
    op.create_foreign_key(op.f('fk_client_premises_represents_client_id_clients'), 'client_premises', 'clients',
                          ['represents_client_id'], ['id'], ondelete='SET NULL')
    op.create_check_constraint(op.f('ck_client_premises_period'), 'client_premises',
                               'until IS NULL OR since IS NULL OR until >= since')


def _create_client_details() -> None:
    op.create_table('client_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('document', sa.String(length=200), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(purpose = 'personal_data' AND channel IS NULL) OR (purpose = 'advertising' AND channel IN ('email', 'sms', 'push', 'messenger', 'portal'))", name=op.f('ck_client_consents_channel')),
    sa.CheckConstraint("purpose IN ('personal_data', 'advertising')", name=op.f('ck_client_consents_purpose')),
    sa.CheckConstraint("source IN ('paper', 'portal', 'app', 'phone', 'email', 'other')", name=op.f('ck_client_consents_source')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_consents_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_client_consents_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_consents'))
    )
    op.create_index('ix_client_consents_client', 'client_consents', ['client_id', 'purpose', 'channel', 'id'], unique=False)
    op.create_table('client_messengers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('handle', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.CheckConstraint("kind IN ('telegram', 'whatsapp', 'viber', 'vk', 'max', 'other')", name=op.f('ck_client_messengers_kind')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_messengers_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_messengers'))
    )
    op.create_index(op.f('ix_client_messengers_client_id'), 'client_messengers', ['client_id'], unique=False)
    op.create_table('client_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_client_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_notes_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_notes'))
    )
    op.create_index('ix_client_notes_client', 'client_notes', ['client_id', 'created_at'], unique=False)
    op.create_table('client_tags',
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_tags_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', 'name', name=op.f('pk_client_tags'))
    )
    op.create_index('ix_client_tags_name', 'client_tags', ['name'], unique=False)
    op.create_table('organisation_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.String(length=100), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.CheckConstraint('organisation_id <> person_id', name=op.f('ck_organisation_contacts_not_self')),
    sa.ForeignKeyConstraint(['organisation_id'], ['clients.id'], name=op.f('fk_organisation_contacts_organisation_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['clients.id'], name=op.f('fk_organisation_contacts_person_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_contacts')),
    sa.UniqueConstraint('organisation_id', 'person_id', name=op.f('uq_organisation_contacts_organisation_id_person_id'))
    )
    op.create_index(op.f('ix_organisation_contacts_organisation_id'), 'organisation_contacts', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_organisation_contacts_person_id'), 'organisation_contacts', ['person_id'], unique=False)


def _create_selections() -> None:
    op.create_table('selections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('criteria', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_selections_building_id_buildings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_selections_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selections')),
    sa.UniqueConstraint('building_id', 'name', name=op.f('uq_selections_building_id_name'))
    )
    op.create_table('selection_premises',
    sa.Column('selection_id', sa.Integer(), nullable=False),
    sa.Column('premise_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['premise_id'], ['premises.id'], name=op.f('fk_selection_premises_premise_id_premises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['selection_id'], ['selections.id'], name=op.f('fk_selection_premises_selection_id_selections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('selection_id', 'premise_id', name=op.f('pk_selection_premises'))
    )
    op.create_index('ix_selection_premises_premise_id', 'selection_premises', ['premise_id'], unique=False)


def downgrade() -> None:
    op.drop_table('selection_premises')
    op.drop_table('selections')
    for table in ('organisation_contacts', 'client_tags', 'client_notes', 'client_messengers', 'client_consents'):
        op.drop_table(table)

    op.drop_constraint(op.f('ck_client_premises_period'), 'client_premises', type_='check')
    op.drop_constraint(op.f('fk_client_premises_represents_client_id_clients'), 'client_premises', type_='foreignkey')
    op.drop_column('client_premises', 'note')
    op.drop_column('client_premises', 'represents_client_id')
    op.drop_constraint(op.f('ck_client_phones_kind'), 'client_phones', type_='check')
    op.drop_constraint(op.f('uq_client_phones_client_id_e164'), 'client_phones', type_='unique')
    op.drop_index('ix_client_phones_digits_reversed', table_name='client_phones')
    op.drop_column('client_phones', 'digits_reversed')
    op.drop_index('ix_client_emails_email_key', table_name='client_emails')
    op.drop_column('client_emails', 'email_key')
    op.drop_column('client_emails', 'note')
    op.drop_index('ix_clients_search_vector', table_name='clients')
    op.drop_index('ix_clients_search_name', table_name='clients')
    op.drop_index('ix_clients_merged_into_id', table_name='clients')
    for column in ('search_vector', 'search_name', 'app_access_at', 'portal_access_at'):
        op.drop_column('clients', column)
