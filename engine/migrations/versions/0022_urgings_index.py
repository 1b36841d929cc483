"""The ledger's urgings (催办) read by time through a partial index that only urgings maintain

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_events_urgings', 'audit_events', ['at'],
                    postgresql_where=sa.text("action = 'urge'"), sqlite_where=sa.text("action = 'urge'"))


def downgrade() -> None:
    op.drop_index('ix_audit_events_urgings', table_name='audit_events')
