"""Accountability cases (R21): the matters and officials each case is about

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_links',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('case_id', sa.Integer(), nullable=False),
                    sa.Column('matter_id', sa.Integer(), nullable=True),
                    sa.Column('official_id', sa.Integer(), nullable=True),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['case_id'], ['instances.id'], ondelete='CASCADE',
                                            name=op.f('fk_case_links_case_id_instances')),
                    sa.ForeignKeyConstraint(['matter_id'], ['instances.id'], ondelete='CASCADE',
                                            name=op.f('fk_case_links_matter_id_instances')),
                    sa.ForeignKeyConstraint(['official_id'], ['users.id'], name=op.f('fk_case_links_official_id_users')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_links')))
    op.create_index(op.f('ix_case_links_case_id'), 'case_links', ['case_id'])
    op.create_index(op.f('ix_case_links_matter_id'), 'case_links', ['matter_id'])
    op.create_index(op.f('ix_case_links_official_id'), 'case_links', ['official_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_case_links_official_id'), table_name='case_links')
    op.drop_index(op.f('ix_case_links_matter_id'), table_name='case_links')
    op.drop_index(op.f('ix_case_links_case_id'), table_name='case_links')
    op.drop_table('case_links')
