"""auditor filters on matters; publications and public letters

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTERs: on SQLite a batch copy of `instances` would cascade-delete every row that refers to it.
    op.add_column('instances', sa.Column('body', sa.String(length=32), nullable=True))
    op.add_column('instances', sa.Column('member_in_charge_id', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name != 'sqlite':
        op.create_foreign_key('fk_instances_member_in_charge', 'instances', 'users', ['member_in_charge_id'], ['id'])
    op.create_index(op.f('ix_instances_body'), 'instances', ['body'], unique=False)
    op.create_index(op.f('ix_instances_member_in_charge_id'), 'instances', ['member_in_charge_id'], unique=False)
    op.create_index(op.f('ix_instances_started_at'), 'instances', ['started_at'], unique=False)
    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=False),
    sa.Column('objection_contact', sa.String(length=500), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('objections_until', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id']),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_published_at'), ['published_at'], unique=False)
    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracking_number', sa.String(length=32), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('rating_comment', sa.Text(), nullable=True),
    sa.Column('rated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id'),
    sa.UniqueConstraint('tracking_number')
    )


def downgrade() -> None:
    op.drop_table('letters')
    op.drop_table('publications')
    op.drop_index(op.f('ix_instances_started_at'), table_name='instances')
    op.drop_index(op.f('ix_instances_member_in_charge_id'), table_name='instances')
    op.drop_index(op.f('ix_instances_body'), table_name='instances')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_instances_member_in_charge', 'instances', type_='foreignkey')
    op.drop_column('instances', 'member_in_charge_id')
    op.drop_column('instances', 'body')
