"""sign-in throttle per name and address (known names or not) instead of the per-account lock-out, which
anyone could keep closed; users.token_generation, which a "sign out everywhere" raises to end tokens and sessions

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_throttle',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('blocked_until', sa.DateTime(), nullable=True),
    sa.Column('last_failure_at', sa.DateTime(), nullable=True),
    sa.Column('succeeded_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('username', 'address')
    )
    # Plain ALTERs (no batch copy on SQLite, which would cascade to rows referring to users).
    op.add_column('users', sa.Column('token_generation', sa.Integer(), nullable=False, server_default='0'))
    op.drop_column('users', 'locked_until')
    op.drop_column('users', 'failed_logins')


def downgrade() -> None:
    op.add_column('users', sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('users', sa.Column('locked_until', sa.DateTime(), nullable=True))
    op.drop_column('users', 'token_generation')
    op.drop_table('login_throttle')
