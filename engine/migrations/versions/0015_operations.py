"""Operations: workers' heartbeats for the readiness check, and the request that caused each audit event

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('worker_heartbeats',
                    sa.Column('name', sa.String(length=128), nullable=False),
                    sa.Column('started_at', sa.DateTime(), nullable=False),
                    sa.Column('seen_at', sa.DateTime(), nullable=False),
                    sa.Column('rounds', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('name', name=op.f('pk_worker_heartbeats')))
    op.create_index(op.f('ix_worker_heartbeats_seen_at'), 'worker_heartbeats', ['seen_at'])
    with op.batch_alter_table('audit_events') as batch:
        batch.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))

def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':  # in place, as 0016's downgrade explains
        op.execute('ALTER TABLE audit_events DROP COLUMN request_id')
    else:
        op.drop_column('audit_events', 'request_id')
    op.drop_index(op.f('ix_worker_heartbeats_seen_at'), table_name='worker_heartbeats')
    op.drop_table('worker_heartbeats')
