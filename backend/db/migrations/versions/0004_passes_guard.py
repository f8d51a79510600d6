"""passes, visits, guard posts, shifts, incidents and the blocklist

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blocklist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=True),
    sa.Column('plate', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('full_name IS NOT NULL OR plate IS NOT NULL', name=op.f('ck_blocklist_entries_subject')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_blocklist_entries_building_id_buildings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_blocklist_entries_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_blocklist_entries_removed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blocklist_entries'))
    )
    op.create_index(op.f('ix_blocklist_entries_building_id'), 'blocklist_entries', ['building_id'], unique=False)
    op.create_index(op.f('ix_blocklist_entries_plate'), 'blocklist_entries', ['plate'], unique=False)
    op.create_table('guard_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_guard_posts_building_id_buildings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guard_posts')),
    sa.UniqueConstraint('building_id', 'name', name=op.f('uq_guard_posts_building_id_name'))
    )
    op.create_index(op.f('ix_guard_posts_building_id'), 'guard_posts', ['building_id'], unique=False)
    op.create_table('guard_post_entrances',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('entrance_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entrance_id'], ['entrances.id'], name=op.f('fk_guard_post_entrances_entrance_id_entrances'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['guard_posts.id'], name=op.f('fk_guard_post_entrances_post_id_guard_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'entrance_id', name=op.f('pk_guard_post_entrances'))
    )
    op.create_table('guard_shifts',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('guard_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opening_note', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handover_note', sa.Text(), nullable=True),
    sa.CheckConstraint('closed_at IS NULL OR closed_at >= opened_at', name=op.f('ck_guard_shifts_order')),
    sa.ForeignKeyConstraint(['guard_id'], ['users.id'], name=op.f('fk_guard_shifts_guard_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['guard_posts.id'], name=op.f('fk_guard_shifts_post_id_guard_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guard_shifts'))
    )
    op.create_index('ix_guard_shifts_post', 'guard_shifts', ['post_id', 'opened_at'], unique=False)
    op.create_index('uq_guard_shifts_open', 'guard_shifts', ['guard_id'], unique=True, postgresql_where=sa.text('closed_at IS NULL'))
    op.create_table('guard_incidents',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('shift_id', sa.BigInteger(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('photo_key', sa.String(length=300), nullable=True),
    sa.Column('photo_type', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_guard_incidents_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_guard_incidents_building_id_buildings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['guard_posts.id'], name=op.f('fk_guard_incidents_post_id_guard_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shift_id'], ['guard_shifts.id'], name=op.f('fk_guard_incidents_shift_id_guard_shifts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guard_incidents'))
    )
    op.create_index('ix_guard_incidents_building', 'guard_incidents', ['building_id', 'occurred_at'], unique=False)
    op.execute(sa.schema.CreateSequence(sa.Sequence('pass_number_seq', start=1001)))
    op.create_table('passes',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('number', sa.BigInteger(), server_default=sa.text("nextval('pass_number_seq')"), nullable=False),
    sa.Column('qr_token', sa.String(length=16), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('premise_id', sa.Integer(), nullable=True),
    sa.Column('entrance_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('host_name', sa.String(length=300), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('visitor_name', sa.String(length=200), nullable=True),
    sa.Column('visitor_name_key', sa.String(length=200), nullable=True),
    sa.Column('document', sa.String(length=100), nullable=True),
    sa.Column('plate', sa.String(length=16), nullable=True),
    sa.Column('plate_digits', sa.String(length=8), nullable=True),
    sa.Column('vehicle_make', sa.String(length=100), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), sa.Computed("COALESCE(valid_until, 'infinity'::timestamptz)", persisted=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=300), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('one_time', 'permanent')", name=op.f('ck_passes_kind')),
    sa.CheckConstraint("source IN ('resident_app', 'portal', 'concierge', 'account_manager', 'tenant_company', 'staff')", name=op.f('ck_passes_source')),
    sa.CheckConstraint("status IN ('expected', 'on_site', 'left', 'cancelled')", name=op.f('ck_passes_status')),
    sa.CheckConstraint('valid_until IS NULL OR valid_until > valid_from', name=op.f('ck_passes_window')),
    sa.CheckConstraint('visitor_name IS NOT NULL OR plate IS NOT NULL', name=op.f('ck_passes_subject')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_passes_building_id_buildings'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_passes_cancelled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_passes_client_id_clients'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_passes_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entrance_id'], ['entrances.id'], name=op.f('fk_passes_entrance_id_entrances'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['premise_id'], ['premises.id'], name=op.f('fk_passes_premise_id_premises'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passes')),
    sa.UniqueConstraint('number', name=op.f('uq_passes_number'))
    )
    op.create_index('ix_passes_building_plate', 'passes', ['building_id', 'plate', 'ends_at'], unique=False, postgresql_ops={'plate': 'varchar_pattern_ops'}, postgresql_where=sa.text('plate IS NOT NULL'))
    op.create_index('ix_passes_building_plate_digits', 'passes', ['building_id', 'plate_digits', 'ends_at'], unique=False, postgresql_where=sa.text('plate_digits IS NOT NULL'))
    op.create_index('ix_passes_building_valid_from', 'passes', ['building_id', 'valid_from'], unique=False)
    op.create_index('ix_passes_building_visitor_name', 'passes', ['building_id', 'visitor_name_key', 'ends_at'], unique=False, postgresql_ops={'visitor_name_key': 'varchar_pattern_ops'}, postgresql_where=sa.text('visitor_name_key IS NOT NULL'))
    op.create_index(op.f('ix_passes_client_id'), 'passes', ['client_id'], unique=False)
    op.create_index(op.f('ix_passes_premise_id'), 'passes', ['premise_id'], unique=False)
    op.create_table('pass_visits',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('pass_id', sa.BigInteger(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('arrived_by_id', sa.Integer(), nullable=True),
    sa.Column('departed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('departed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('departed_at IS NULL OR departed_at >= arrived_at', name=op.f('ck_pass_visits_order')),
    sa.ForeignKeyConstraint(['arrived_by_id'], ['users.id'], name=op.f('fk_pass_visits_arrived_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_pass_visits_building_id_buildings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['departed_by_id'], ['users.id'], name=op.f('fk_pass_visits_departed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pass_id'], ['passes.id'], name=op.f('fk_pass_visits_pass_id_passes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['guard_posts.id'], name=op.f('fk_pass_visits_post_id_guard_posts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pass_visits'))
    )
    op.create_index('ix_pass_visits_on_site', 'pass_visits', ['building_id'], unique=False, postgresql_where=sa.text('departed_at IS NULL'))
    op.create_index('ix_pass_visits_pass', 'pass_visits', ['pass_id', 'arrived_at'], unique=False)
    op.create_index('uq_pass_visits_open', 'pass_visits', ['pass_id'], unique=True, postgresql_where=sa.text('departed_at IS NULL'))


def downgrade() -> None:
    op.drop_index('uq_pass_visits_open', table_name='pass_visits', postgresql_where=sa.text('departed_at IS NULL'))
    op.drop_index('ix_pass_visits_pass', table_name='pass_visits')
    op.drop_index('ix_pass_visits_on_site', table_name='pass_visits', postgresql_where=sa.text('departed_at IS NULL'))
    op.drop_table('pass_visits')
    op.drop_index(op.f('ix_passes_premise_id'), table_name='passes')
    op.drop_index(op.f('ix_passes_client_id'), table_name='passes')
    op.drop_index('ix_passes_building_visitor_name', table_name='passes', postgresql_ops={'visitor_name_key': 'varchar_pattern_ops'}, postgresql_where=sa.text('visitor_name_key IS NOT NULL'))
    op.drop_index('ix_passes_building_valid_from', table_name='passes')
    op.drop_index('ix_passes_building_plate_digits', table_name='passes', postgresql_where=sa.text('plate_digits IS NOT NULL'))
    op.drop_index('ix_passes_building_plate', table_name='passes', postgresql_ops={'plate': 'varchar_pattern_ops'}, postgresql_where=sa.text('plate IS NOT NULL'))
    op.drop_table('passes')
    op.drop_index('ix_guard_incidents_building', table_name='guard_incidents')
    op.drop_table('guard_incidents')
    op.drop_index('uq_guard_shifts_open', table_name='guard_shifts', postgresql_where=sa.text('closed_at IS NULL'))
    op.drop_index('ix_guard_shifts_post', table_name='guard_shifts')
    op.drop_table('guard_shifts')
    op.drop_table('guard_post_entrances')
    op.drop_index(op.f('ix_guard_posts_building_id'), table_name='guard_posts')
    op.drop_table('guard_posts')
    op.drop_index(op.f('ix_blocklist_entries_plate'), table_name='blocklist_entries')
    op.drop_index(op.f('ix_blocklist_entries_building_id'), table_name='blocklist_entries')
    op.drop_table('blocklist_entries')
    op.execute(sa.schema.DropSequence(sa.Sequence('pass_number_seq')))
