"""users.source and users.external_id: accounts kept by an LDAP directory or an OpenID Connect provider

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('source', sa.String(length=16), server_default='local', nullable=False))
        batch.add_column(sa.Column('external_id', sa.String(length=255), nullable=True))


def downgrade() -> None:
    for column in ('external_id', 'source'):
        # SQLite drops a column in place (3.35+): a batch rebuild would drop the users table, which the
        # enforced foreign keys of every other table forbid.
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f'ALTER TABLE users DROP COLUMN {column}')
        else:
            op.drop_column('users', column)
