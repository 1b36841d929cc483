"""Webhooks: subscriptions (reference data: their changes raise the reference stamp) and the delivery outbox

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('webhook_subscriptions',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('url', sa.String(length=2048), nullable=False),
                    sa.Column('events', JSON, nullable=False),
                    sa.Column('secret', sa.String(length=128), nullable=False),
                    sa.Column('active', sa.Boolean(), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.Column('created_by_id', sa.Integer(), nullable=True),
                    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                            name=op.f('fk_webhook_subscriptions_created_by_id_users')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_subscriptions')))
    op.create_table('webhook_deliveries',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('subscription_id', sa.Integer(), nullable=False),
                    sa.Column('message_id', sa.String(length=40), nullable=False),
                    sa.Column('instance_id', sa.Integer(), nullable=True),
                    sa.Column('event', sa.String(length=32), nullable=False),
                    sa.Column('payload', JSON, nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.Column('attempts', sa.Integer(), nullable=False),
                    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
                    sa.Column('delivered_at', sa.DateTime(), nullable=True),
                    sa.Column('failed_at', sa.DateTime(), nullable=True),
                    sa.Column('last_error', sa.Text(), nullable=True),
                    sa.ForeignKeyConstraint(['subscription_id'], ['webhook_subscriptions.id'], ondelete='CASCADE',
                                            name=op.f('fk_webhook_deliveries_subscription_id_webhook_subscriptions')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
                    sa.UniqueConstraint('message_id', name=op.f('uq_webhook_deliveries_message_id')))
    op.create_index('ix_webhook_deliveries_pending', 'webhook_deliveries',
                    ['delivered_at', 'failed_at', 'subscription_id', 'instance_id', 'id'])
    if op.get_bind().dialect.name == "postgresql":  # the function is migration 0014's
        op.execute("CREATE TRIGGER webhook_subscriptions_reference_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                   "ON webhook_subscriptions FOR EACH STATEMENT EXECUTE FUNCTION powerflow_raise_reference_stamp()")
    else:
        for when in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER webhook_subscriptions_reference_stamp_{when.lower()} AFTER {when} "
                       f"ON webhook_subscriptions BEGIN UPDATE reference_stamp SET version = version + 1 WHERE id = 1; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER webhook_subscriptions_reference_stamp ON webhook_subscriptions")
    else:
        for when in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER webhook_subscriptions_reference_stamp_{when}")
    op.drop_index('ix_webhook_deliveries_pending', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_table('webhook_subscriptions')
