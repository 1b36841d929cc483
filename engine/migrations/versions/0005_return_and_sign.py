"""return, withdraw and added signers: a note for the receiver, sign-off rows tied to the task they are for

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTERs (no batch copy on SQLite, which would cascade to rows referring to the table).
    op.add_column('human_tasks', sa.Column('kind', sa.String(length=16), nullable=False, server_default='task'))
    op.add_column('human_tasks', sa.Column('sign_for_id', sa.Integer(), nullable=True))
    op.add_column('human_tasks', sa.Column('sign_position', sa.String(length=8), nullable=True))
    op.add_column('human_tasks', sa.Column('note', sa.Text(), nullable=True))
    op.create_index(op.f('ix_human_tasks_sign_for_id'), 'human_tasks', ['sign_for_id'], unique=False)
    if op.get_bind().dialect.name != 'sqlite':
        op.create_foreign_key('fk_human_tasks_sign_for', 'human_tasks', 'human_tasks', ['sign_for_id'], ['id'])


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_human_tasks_sign_for', 'human_tasks', type_='foreignkey')
    op.drop_index(op.f('ix_human_tasks_sign_for_id'), table_name='human_tasks')
    for column in ('note', 'sign_position', 'sign_for_id', 'kind'):
        op.drop_column('human_tasks', column)
