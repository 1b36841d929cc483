"""a matter's tasks by state and due time in one index: the dashboard's "ready tasks of these 50 matters"
used the role index (every ready task) on SQLite, 25 ms at 100,000 matters; "overdue" is answered from the index

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_human_tasks_instance', 'human_tasks', ['instance_id', 'state', 'due_at'], unique=False)
    op.drop_index('ix_human_tasks_instance_id', table_name='human_tasks')


def downgrade() -> None:
    op.create_index('ix_human_tasks_instance_id', 'human_tasks', ['instance_id'], unique=False)
    op.drop_index('ix_human_tasks_instance', table_name='human_tasks')
