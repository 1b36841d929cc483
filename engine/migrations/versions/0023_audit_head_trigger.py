"""SQLite: the audit chain's head follows each event inserted, by a trigger, as PostgreSQL's one statement does

PostgreSQL inserts a transaction's events and moves the head in one statement (an INSERT inside a WITH);
SQLite has no INSERT inside a WITH, so the head was a statement of its own on every action. The trigger
moves it only forward, so rows inserted out of order (a restore) leave it at the newest.

Revision ID: 0023
Revises: 0022
"""
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TRIGGER audit_events_move_head AFTER INSERT ON audit_events WHEN NEW.seq IS NOT NULL "
                   "BEGIN UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1 AND seq < NEW.seq; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_events_move_head")
