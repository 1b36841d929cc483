"""delegation and copies: a task delegated to someone returns to its holder; matters copied to readers

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    # Plain ALTERs (no batch copy on SQLite, which would cascade to rows referring to the table).
    op.add_column('human_tasks', sa.Column('delegated_by_id', sa.Integer(), nullable=True))
    op.add_column('human_tasks', sa.Column('draft', JSON, nullable=True))
    if op.get_bind().dialect.name != 'sqlite':
        op.create_foreign_key('fk_human_tasks_delegated_by', 'human_tasks', 'users', ['delegated_by_id'], ['id'])
    op.create_table('copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('copied_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id']),
    sa.ForeignKeyConstraint(['copied_by_id'], ['users.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'user_id')
    )
    op.create_index(op.f('ix_copies_user_id'), 'copies', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_copies_user_id'), table_name='copies')
    op.drop_table('copies')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_human_tasks_delegated_by', 'human_tasks', type_='foreignkey')
    op.drop_column('human_tasks', 'draft')
    op.drop_column('human_tasks', 'delegated_by_id')
