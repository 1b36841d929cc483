"""form_submissions: each create form's one-time token and what it created, so a reload or double submit
returns the thing already created instead of filing it twice

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('form_submissions',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token')
    )
    op.create_index('ix_form_submissions_user_id', 'form_submissions', ['user_id'])


def downgrade() -> None:
    op.drop_index('ix_form_submissions_user_id', table_name='form_submissions')
    op.drop_table('form_submissions')
