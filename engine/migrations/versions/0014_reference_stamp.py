"""The reference stamp: triggers raise one number on every change to people, roles, fields, notification
choices or the calendar, so processes that keep those in memory know, with one read, when to reload.

Triggers rather than application code: an administrator's SQL, a restore or another node changes the
tables without passing through this process, and the stamp must move all the same.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLES = ("users", "roles", "user_roles", "fields", "calendar_days", "notification_settings")


def upgrade() -> None:
    op.create_table('reference_stamp',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('version', sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_stamp')))
    op.execute("INSERT INTO reference_stamp (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION powerflow_raise_reference_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN UPDATE reference_stamp SET version = version + 1 WHERE id = 1; RETURN NULL; END $$")
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_reference_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION powerflow_raise_reference_stamp()")
    else:
        for table in TABLES:
            for when in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_reference_stamp_{when.lower()} AFTER {when} ON {table} "
                           f"BEGIN UPDATE reference_stamp SET version = version + 1 WHERE id = 1; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_reference_stamp ON {table}")
        op.execute("DROP FUNCTION powerflow_raise_reference_stamp()")
    else:
        for table in TABLES:
            for when in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_reference_stamp_{when}")
    op.drop_table('reference_stamp')
