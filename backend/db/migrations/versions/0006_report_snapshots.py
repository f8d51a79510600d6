"""report runs and snapshots of ticket facts

Revision ID: 0006
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_runs',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changed_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('tickets', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_report_runs_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_runs'))
    )
    op.create_index('ix_report_runs_kind_status', 'report_runs', ['kind', 'status', 'id'], unique=False)
    op.create_index('uq_report_runs_one_active', 'report_runs', ['kind'], unique=True, postgresql_where=sa.text("status IN ('requested', 'running')"))
    op.create_table('report_snapshots',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('run_id', sa.BigInteger(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['report_runs.id'], name=op.f('fk_report_snapshots_run_id_report_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_snapshots')),
    sa.UniqueConstraint('kind', 'month', name=op.f('uq_report_snapshots_kind_month'))
    )
    # Parquet is compressed already; EXTERNAL keeps TOAST from compressing it again.
    op.execute("ALTER TABLE report_snapshots ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table('report_snapshots')
    op.drop_index('uq_report_runs_one_active', table_name='report_runs', postgresql_where=sa.text("status IN ('requested', 'running')"))
    op.drop_index('ix_report_runs_kind_status', table_name='report_runs')
    op.drop_table('report_runs')
