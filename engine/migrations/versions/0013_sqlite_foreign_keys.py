"""SQLite gets the three foreign keys the other backends have had since 0003–0005 (instances.member_in_charge_id,
human_tasks.delegated_by_id, human_tasks.sign_for_id), so the schema agrees with the models everywhere.

SQLite adds a foreign key only by rebuilding the table, and every way to rebuild it inside the upgrade's
transaction deletes rows: dropping the old table while foreign keys are enforced deletes every row that
refers to it (ON DELETE CASCADE), and enforcement cannot be switched off inside a transaction; renaming
the old table aside makes the referring tables follow it. A foreign key does not change how a table is
stored, so SQLite's documented procedure for such changes is used instead (sqlite.org/lang_altertable.html,
"Making Other Kinds Of Table Schema Changes"): the table's stored SQL gains the constraint under
``writable_schema``, the schema version is bumped, and ``foreign_key_check`` and ``integrity_check`` must
come back clean or the upgrade fails and rolls back.

Revision ID: 0013
Revises: 0012
"""
import re

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

KEYS = {'instances': [('fk_instances_member_in_charge', 'member_in_charge_id', 'users')],
        'human_tasks': [('fk_human_tasks_delegated_by', 'delegated_by_id', 'users'),
                        ('fk_human_tasks_sign_for', 'sign_for_id', 'human_tasks')]}


class SchemaCheckFailed(RuntimeError):
    """The edited schema does not hold for the stored rows; the upgrade rolls back."""


def _rebuild(connection, table: str, edit) -> None:
    run = connection.exec_driver_sql
    create = run("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    version = run("PRAGMA schema_version").scalar()
    run("PRAGMA writable_schema=ON")
    try:
        run("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (edit(create), table))
        run(f"PRAGMA schema_version={version + 1}")
    finally:
        run("PRAGMA writable_schema=OFF")
    broken = run(f'PRAGMA foreign_key_check("{table}")').fetchall()
    integrity = run("PRAGMA integrity_check").scalar()
    if broken or integrity != "ok":
        raise SchemaCheckFailed(f"{table}: rows refer to missing rows {broken[:5]} or integrity {integrity!r}")


def _with_keys(create: str, keys) -> str:
    end = create.rindex(")")
    clauses = "".join(f",\n\tCONSTRAINT {name} FOREIGN KEY({column}) REFERENCES {target} (id)"
                      for name, column, target in keys)
    return create[:end].rstrip() + clauses + "\n" + create[end:]


def _without_keys(create: str, keys) -> str:
    for name, _, _ in keys:
        create = re.sub(rf",\s*CONSTRAINT {name} FOREIGN KEY\s*\([^)]*\)\s*REFERENCES [^,)]*\([^)]*\)", "", create)
    return create


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == 'sqlite':
        for table, keys in KEYS.items():
            _rebuild(connection, table, lambda create, keys=keys: _with_keys(create, keys))


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == 'sqlite':
        for table, keys in KEYS.items():
            _rebuild(connection, table, lambda create, keys=keys: _without_keys(create, keys))
