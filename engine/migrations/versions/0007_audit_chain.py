"""tamper-evident audit (each event's position and hash, chained to the previous one); login lock-out;
an index for 已办

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

from engine.audit.chain import GENESIS, digest

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTERs (no batch copy on SQLite, which would cascade to rows referring to the table).
    op.add_column('audit_events', sa.Column('seq', sa.BigInteger(), nullable=True))
    op.add_column('audit_events', sa.Column('prev_hash', sa.String(length=64), nullable=True))
    op.add_column('audit_events', sa.Column('hash', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_audit_events_seq'), 'audit_events', ['seq'], unique=True)
    op.create_index('ix_human_tasks_done', 'human_tasks', ['completed_by_id', 'completed_at'], unique=False)
    op.add_column('users', sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('users', sa.Column('locked_until', sa.DateTime(), nullable=True))
    head = op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # Chain the events already recorded, in the order they were written.
    bind = op.get_bind()
    events = sa.table('audit_events', sa.column('id', sa.Integer), sa.column('instance_id', sa.Integer),
                      sa.column('at', sa.DateTime), sa.column('actor_id', sa.Integer), sa.column('action', sa.String),
                      sa.column('element_id', sa.String), sa.column('element_name', sa.String),
                      sa.column('details', sa.JSON), sa.column('seq', sa.BigInteger),
                      sa.column('prev_hash', sa.String), sa.column('hash', sa.String))
    prev, seq = GENESIS, 0
    for row in bind.execute(sa.select(events).order_by(events.c.id)).mappings().all():
        seq += 1
        value = digest(prev, seq, row['instance_id'], row['at'], row['actor_id'], row['action'], row['element_id'],
                       row['element_name'], row['details'])
        bind.execute(events.update().where(events.c.id == row['id']).values(seq=seq, prev_hash=prev, hash=value))
        prev = value
    op.bulk_insert(head, [{'id': 1, 'seq': seq, 'hash': prev}])


def downgrade() -> None:
    op.drop_index('ix_human_tasks_done', table_name='human_tasks')
    op.drop_column('users', 'locked_until')
    op.drop_column('users', 'failed_logins')
    op.drop_table('audit_head')
    op.drop_index(op.f('ix_audit_events_seq'), table_name='audit_events')
    for column in ('hash', 'prev_hash', 'seq'):
        op.drop_column('audit_events', column)
