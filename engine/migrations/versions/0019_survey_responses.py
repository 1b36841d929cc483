"""Effect evaluation (R20): the yearly satisfaction surveys of the public and of supervisors

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_responses',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('body', sa.String(length=32), nullable=False),
                    sa.Column('year', sa.Integer(), nullable=False),
                    sa.Column('respondent', sa.String(length=16), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=True),
                    sa.Column('score', sa.Integer(), nullable=False),
                    sa.Column('comment', sa.Text(), nullable=True),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_responses_user_id_users')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
                    sa.UniqueConstraint('body', 'year', 'user_id', name=op.f('uq_survey_responses_body')))
    op.create_index(op.f('ix_survey_responses_year'), 'survey_responses', ['year'])


def downgrade() -> None:
    op.drop_index(op.f('ix_survey_responses_year'), table_name='survey_responses')
    op.drop_table('survey_responses')
