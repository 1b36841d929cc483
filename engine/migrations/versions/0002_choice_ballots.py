"""ballots counted per choice, so a competitive vote (R17) counts each candidate

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('ballot_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.String(length=128), nullable=False),
    sa.Column('item_key', sa.String(length=64), nullable=False),
    sa.Column('choice', sa.String(length=64), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'element_id', 'item_key', 'choice')
    )
    # Counts already cast keep their totals, one row per choice.
    for choice in ('agree', 'disagree', 'abstain'):
        op.execute(f"INSERT INTO ballot_counts (instance_id, element_id, item_key, choice, votes) "
                   f"SELECT instance_id, element_id, item_key, '{choice}', {choice} FROM ballot_boxes")
    op.drop_table('ballot_boxes')
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('choices', JSON, nullable=True))
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('choice_tally', JSON, nullable=True))
        batch_op.add_column(sa.Column('chosen', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('chosen')
        batch_op.drop_column('choice_tally')
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_column('choices')
    op.create_table('ballot_boxes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.String(length=128), nullable=False),
    sa.Column('item_key', sa.String(length=64), nullable=False),
    sa.Column('agree', sa.Integer(), nullable=False),
    sa.Column('disagree', sa.Integer(), nullable=False),
    sa.Column('abstain', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'element_id', 'item_key')
    )
    op.drop_table('ballot_counts')
