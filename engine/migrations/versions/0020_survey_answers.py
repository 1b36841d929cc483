"""Effect evaluation (R20): a survey answer scores each question, not only overall satisfaction

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('survey_responses') as batch:
        batch.add_column(sa.Column('answers', JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('survey_responses') as batch:
        batch.drop_column('answers')
