"""foundation: staff, buildings, clients, audit

Revision ID: 0001
Revises: 
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('buildings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('year_built', sa.Integer(), nullable=True),
    sa.Column('series', sa.String(length=100), nullable=True),
    sa.Column('area_total', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('residential', 'business_centre')", name=op.f('ck_buildings_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buildings')),
    sa.UniqueConstraint('external_id', name=op.f('uq_buildings_external_id'))
    )
    op.create_table('clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=True),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('patronymic', sa.String(length=100), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('organisation_name', sa.String(length=300), nullable=True),
    sa.Column('legal_form', sa.String(length=32), nullable=True),
    sa.Column('inn', sa.String(length=12), nullable=True),
    sa.Column('kpp', sa.String(length=9), nullable=True),
    sa.Column('ogrn', sa.String(length=15), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('person', 'organisation')", name=op.f('ck_clients_kind')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['clients.id'], name=op.f('fk_clients_merged_into_id_clients'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clients'))
    )
    op.create_index(op.f('ix_clients_inn'), 'clients', ['inn'], unique=False)
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('all_buildings', sa.Boolean(), nullable=False),
    sa.Column('extension', sa.String(length=32), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('extension', name=op.f('uq_users_extension')),
    sa.UniqueConstraint('login', name=op.f('uq_users_login'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index('ix_audit_log_object', 'audit_log', ['object_type', 'object_id', 'at'], unique=False)
    op.create_table('client_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_emails_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_emails'))
    )
    op.create_index(op.f('ix_client_emails_client_id'), 'client_emails', ['client_id'], unique=False)
    op.create_index(op.f('ix_client_emails_email'), 'client_emails', ['email'], unique=False)
    op.create_table('client_phones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('e164', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_phones_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_phones'))
    )
    op.create_index(op.f('ix_client_phones_client_id'), 'client_phones', ['client_id'], unique=False)
    op.create_index('ix_client_phones_e164', 'client_phones', ['e164'], unique=False)
    op.create_table('entrances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_entrances_building_id_buildings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entrances')),
    sa.UniqueConstraint('building_id', 'number', name=op.f('uq_entrances_building_id_number'))
    )
    op.create_index(op.f('ix_entrances_building_id'), 'entrances', ['building_id'], unique=False)
    op.create_table('staff_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_staff_sessions'))
    )
    op.create_index(op.f('ix_staff_sessions_user_id'), 'staff_sessions', ['user_id'], unique=False)
    op.create_table('user_buildings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_user_buildings_building_id_buildings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_buildings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'building_id', name=op.f('pk_user_buildings'))
    )
    op.create_index(op.f('ix_user_buildings_building_id'), 'user_buildings', ['building_id'], unique=False)
    op.create_table('floors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entrance_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entrance_id'], ['entrances.id'], name=op.f('fk_floors_entrance_id_entrances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_floors')),
    sa.UniqueConstraint('entrance_id', 'number', name=op.f('uq_floors_entrance_id_number'))
    )
    op.create_index(op.f('ix_floors_entrance_id'), 'floors', ['entrance_id'], unique=False)
    op.create_table('premises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('floor_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('area', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('account_number', sa.String(length=64), nullable=True),
    sa.Column('floors_spanned', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('flat', 'apartment', 'office', 'commercial', 'storage', 'parking')", name=op.f('ck_premises_kind')),
    sa.CheckConstraint('floors_spanned BETWEEN 1 AND 5', name=op.f('ck_premises_floors_spanned')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_premises_building_id_buildings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['floor_id'], ['floors.id'], name=op.f('fk_premises_floor_id_floors'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_premises')),
    sa.UniqueConstraint('building_id', 'kind', 'label', name=op.f('uq_premises_building_id_kind_label'))
    )
    op.create_index(op.f('ix_premises_building_id'), 'premises', ['building_id'], unique=False)
    op.create_index(op.f('ix_premises_floor_id'), 'premises', ['floor_id'], unique=False)
    op.create_table('client_premises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('premise_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('share_numerator', sa.Integer(), nullable=True),
    sa.Column('share_denominator', sa.Integer(), nullable=True),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('owner', 'tenant', 'resident', 'representative')", name=op.f('ck_client_premises_role')),
    sa.CheckConstraint('share_numerator IS NULL OR (share_numerator > 0 AND share_denominator >= share_numerator)', name=op.f('ck_client_premises_share')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_premises_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['premise_id'], ['premises.id'], name=op.f('fk_client_premises_premise_id_premises'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_premises'))
    )
    op.create_index(op.f('ix_client_premises_client_id'), 'client_premises', ['client_id'], unique=False)
    op.create_index(op.f('ix_client_premises_premise_id'), 'client_premises', ['premise_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_client_premises_premise_id'), table_name='client_premises')
    op.drop_index(op.f('ix_client_premises_client_id'), table_name='client_premises')
    op.drop_table('client_premises')
    op.drop_index(op.f('ix_premises_floor_id'), table_name='premises')
    op.drop_index(op.f('ix_premises_building_id'), table_name='premises')
    op.drop_table('premises')
    op.drop_index(op.f('ix_floors_entrance_id'), table_name='floors')
    op.drop_table('floors')
    op.drop_index(op.f('ix_user_buildings_building_id'), table_name='user_buildings')
    op.drop_table('user_buildings')
    op.drop_index(op.f('ix_staff_sessions_user_id'), table_name='staff_sessions')
    op.drop_table('staff_sessions')
    op.drop_index(op.f('ix_entrances_building_id'), table_name='entrances')
    op.drop_table('entrances')
    op.drop_index('ix_client_phones_e164', table_name='client_phones')
    op.drop_index(op.f('ix_client_phones_client_id'), table_name='client_phones')
    op.drop_table('client_phones')
    op.drop_index(op.f('ix_client_emails_email'), table_name='client_emails')
    op.drop_index(op.f('ix_client_emails_client_id'), table_name='client_emails')
    op.drop_table('client_emails')
    op.drop_index('ix_audit_log_object', table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index(op.f('ix_api_tokens_user_id'), table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_index(op.f('ix_clients_inn'), table_name='clients')
    op.drop_table('clients')
    op.drop_table('buildings')
