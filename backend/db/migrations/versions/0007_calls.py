"""calls, the clients they matched, the callback list and click-to-call requests

Revision ID: 0007
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calls',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('linkedid', sa.String(length=64), nullable=False),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('caller_number', sa.String(length=64), nullable=True),
    sa.Column('caller_e164', sa.String(length=20), nullable=True),
    sa.Column('caller_name', sa.String(length=200), nullable=True),
    sa.Column('called_number', sa.String(length=64), nullable=True),
    sa.Column('called_e164', sa.String(length=20), nullable=True),
    sa.Column('queue', sa.String(length=80), nullable=True),
    sa.Column('rang_extensions', postgresql.ARRAY(sa.String(length=32)), server_default=sa.text("'{}'"),
              nullable=False),
    sa.Column('answered_extension', sa.String(length=32), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('duration_seconds', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('recording', sa.String(length=500), nullable=True),
    sa.Column('originate_action_id', sa.String(length=100), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_calls_answered_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calls')),
    sa.UniqueConstraint('linkedid', name=op.f('uq_calls_linkedid'))
    )
    op.create_index('ix_calls_started_at', 'calls', ['started_at', 'id'], unique=False)
    op.create_index('ix_calls_caller_e164', 'calls', ['caller_e164'], unique=False)
    op.create_index('ix_calls_called_e164', 'calls', ['called_e164'], unique=False)
    op.create_index('ix_calls_originate_action_id', 'calls', ['originate_action_id'], unique=False)

    op.create_table('call_clients',
    sa.Column('call_id', sa.BigInteger(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_call_clients_call_id_calls'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_call_clients_client_id_clients'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('call_id', 'client_id', name=op.f('pk_call_clients'))
    )
    op.create_index(op.f('ix_call_clients_client_id'), 'call_clients', ['client_id'], unique=False)

    op.create_table('callbacks',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('number_e164', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('first_call_id', sa.BigInteger(), nullable=False),
    sa.Column('last_call_id', sa.BigInteger(), nullable=False),
    sa.Column('missed_calls', sa.Integer(), nullable=False),
    sa.Column('last_missed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_by_call_id', sa.BigInteger(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['first_call_id'], ['calls.id'], name=op.f('fk_callbacks_first_call_id_calls'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['last_call_id'], ['calls.id'], name=op.f('fk_callbacks_last_call_id_calls'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_call_id'], ['calls.id'],
                            name=op.f('fk_callbacks_resolved_by_call_id_calls'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_callbacks_resolved_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callbacks'))
    )
    op.create_index(op.f('ix_callbacks_first_call_id'), 'callbacks', ['first_call_id'], unique=False)
    op.create_index(op.f('ix_callbacks_last_call_id'), 'callbacks', ['last_call_id'], unique=False)
    op.create_index('uq_callbacks_open_number', 'callbacks', ['number_e164'], unique=True,
                    postgresql_where=sa.text("status = 'open'"))
    op.create_index('ix_callbacks_status_last_missed', 'callbacks', ['status', 'last_missed_at'], unique=False)

    op.create_table('originate_requests',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('extension', sa.String(length=32), nullable=False),
    sa.Column('number_e164', sa.String(length=20), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('ticket_id', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=24), nullable=True),
    sa.Column('action_id', sa.String(length=100), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_originate_requests_client_id_clients'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_originate_requests_ticket_id_tickets'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_originate_requests_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_originate_requests')),
    sa.UniqueConstraint('action_id', name=op.f('uq_originate_requests_action_id'))
    )
    op.create_index(op.f('ix_originate_requests_user_id'), 'originate_requests', ['user_id'], unique=False)
    op.create_index('ix_originate_requests_pending', 'originate_requests', ['id'], unique=False,
                    postgresql_where=sa.text("status = 'pending'"))


def downgrade() -> None:
    op.drop_table('originate_requests')
    op.drop_table('callbacks')
    op.drop_table('call_clients')
    op.drop_table('calls')
