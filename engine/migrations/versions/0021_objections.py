"""Objections sent from a publication's public page during its period (R16)

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('objections',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('publication_id', sa.Integer(), nullable=False),
                    sa.Column('instance_id', sa.Integer(), nullable=False),
                    sa.Column('writer', sa.String(length=100), nullable=True),
                    sa.Column('contact', sa.String(length=100), nullable=True),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'],
                                            name=op.f('fk_objections_instance_id_instances'), ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'],
                                            name=op.f('fk_objections_publication_id_publications'), ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_objections')))
    op.create_index(op.f('ix_objections_instance_id'), 'objections', ['instance_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_objections_instance_id'), table_name='objections')
    op.drop_table('objections')
