"""Backup and restore: every table and every attachment in one zip, portable between SQLite and PostgreSQL.

Rows are written as JSON lines per table; values are decoded by the column's type on restore. Restore
goes into a database migrated to the same schema revision: rows are inserted in dependency order with
nullable references filled in afterwards (so cycles such as topics ⇄ decisions load), and PostgreSQL
sequences are moved past the restored ids.
"""
from __future__ import annotations

import base64
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import Connection, Date, DateTime, LargeBinary, Table, bindparam, create_engine, func, select, text

from engine.storage.database import Database
from engine.errors import PowerflowError
from engine.models import Base

FORMAT = 1


class BackupError(PowerflowError):
    """A backup that cannot be restored here, with the reason."""


def _revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _encode(value):
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    return value


def _decoder(column):
    kind = column.type
    if isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(kind, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(kind, LargeBinary):
        return lambda v: None if v is None else base64.b64decode(v)
    return lambda v: v


def tables() -> list[Table]:
    """Every table, parents before children (counting only references that cannot be left empty)."""
    # Not the reference stamp: restoring it could take it back to a number a running process has cached
    # other data under; the restore's own writes raise it instead (migration 0014's triggers).
    remaining = {t.name: t for t in Base.metadata.sorted_tables if t.name != "reference_stamp"}
    ordered: list[Table] = []
    while remaining:
        ready = [t for t in remaining.values() if all(
            fk.column.table.name not in remaining or fk.column.table is t
            for c in t.columns if not c.nullable for fk in c.foreign_keys)]
        if not ready:
            raise BackupError("backup.unsortable")
        for table in sorted(ready, key=lambda t: t.name):
            ordered.append(remaining.pop(table.name))
    return ordered


@contextmanager
def _snapshot(db: Database) -> Iterator[Connection]:
    """A connection that sees the whole database as of one moment, while other sessions go on writing.

    PostgreSQL: one READ ONLY, REPEATABLE READ transaction (every read sees the snapshot its first read
    took). SQLite: the file copied page by page with SQLite's backup API, which restarts the copy if a
    write lands during it, into a private file the dump then reads at leisure.
    """
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                yield conn
        return
    with tempfile.TemporaryDirectory(prefix="powerflow-backup-") as folder:
        copy = Path(folder) / "snapshot.sqlite"
        source = db.engine.raw_connection()
        try:
            with sqlite3.connect(copy) as target:
                source.driver_connection.backup(target)
        finally:
            source.close()
        engine = create_engine(f"sqlite:///{copy}")
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            engine.dispose()


def dump(db: Database, target: str | Path, attachments_dir: str | Path | None = None) -> dict[str, int]:
    """Write every table as of one moment (and the attachment files) to the zip ``target``; returns rows per table."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive, _snapshot(db) as conn:
        for table in tables():
            keys = [c for c in table.primary_key.columns]
            lines = [json.dumps({c.name: _encode(v) for c, v in zip(table.columns, row)}, ensure_ascii=False)
                     for row in conn.execute(select(*table.columns).order_by(*keys))]
            archive.writestr(f"tables/{table.name}.jsonl", "\n".join(lines))
            counts[table.name] = len(lines)
        files = sorted(p for p in Path(attachments_dir).rglob("*") if p.is_file()) if attachments_dir else []
        for path in files:
            archive.write(path, f"attachments/{path.relative_to(attachments_dir)}")
        archive.writestr("manifest.json", json.dumps({
            "format": FORMAT, "revision": conn.execute(text("SELECT version_num FROM alembic_version")).scalar(), "dialect": db.dialect, "tables": counts,
            "attachments": len(files), "created_at": datetime.now(timezone.utc).isoformat()}, ensure_ascii=False))
    return counts


def _is_empty(db: Database) -> bool:
    """No people and no matters yet (a freshly migrated database may already hold the standard roles)."""
    names = {t.name: t for t in tables()}
    with db.engine.connect() as conn:
        return all(conn.execute(select(func.count()).select_from(names[n])).scalar() == 0
                   for n in ("users", "instances"))


def restore(db: Database, source: str | Path, attachments_dir: str | Path | None = None,
            replace: bool = False) -> dict[str, int]:
    """Load a backup into ``db`` (migrated first); refuses a non-empty database unless ``replace``."""
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError("backup.not_a_backup", source=str(source), error=str(exc)) from None
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except KeyError:
            raise BackupError("backup.no_manifest", source=str(source)) from None
        db.migrate()
        if manifest.get("format") != FORMAT or manifest.get("revision") != _revision(db):
            raise BackupError("backup.other_revision", source=str(source), backup=manifest.get("revision"),
                              database=_revision(db))
        if not replace and not _is_empty(db):
            raise BackupError("backup.not_empty")
        order = tables()
        with db.engine.begin() as conn:
            for table in order:  # references first, so that tables referring to each other can go
                nullable = {c.name: None for c in table.columns if c.nullable and c.foreign_keys}
                if nullable:
                    conn.execute(table.update().values(nullable))
            for table in reversed(order):
                conn.execute(table.delete())
            loaded = {t.name: _load_table(conn, t, archive.read(f"tables/{t.name}.jsonl")) for t in order}
            for table in order:  # every row exists now: fill in the references left empty
                _link_table(conn, table, loaded[table.name])
            counts = {name: len(rows) for name, rows in loaded.items()}
            if db.dialect == "postgresql":
                _move_sequences(conn, order)
        if attachments_dir:
            for name in archive.namelist():
                if name.startswith("attachments/") and not name.endswith("/"):
                    path = Path(attachments_dir) / name[len("attachments/"):]
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(archive.read(name))
    return counts


def _load_table(conn, table: Table, data: bytes) -> list[dict]:
    """Insert a table's rows with their nullable references left empty; returns the rows."""
    decode = {c.name: _decoder(c) for c in table.columns}
    rows = [{k: decode[k](v) for k, v in json.loads(line).items() if k in decode}
            for line in data.decode("utf-8").splitlines() if line.strip()]
    later = [c.name for c in table.columns if c.nullable and c.foreign_keys]
    if rows:
        conn.execute(table.insert(), [{**r, **{k: None for k in later}} for r in rows])
    return rows


def _link_table(conn, table: Table, rows: list[dict]) -> None:
    keys = [c.name for c in table.primary_key.columns]
    for name in (c.name for c in table.columns if c.nullable and c.foreign_keys):
        changes = [{**{f"k_{k}": r[k] for k in keys}, "v": r[name]} for r in rows if r.get(name) is not None]
        if changes:
            where = [table.c[k] == bindparam(f"k_{k}") for k in keys]
            conn.execute(table.update().where(*where).values({name: bindparam("v")}), changes)


def _move_sequences(conn, order: list[Table]) -> None:
    for table in order:
        key = list(table.primary_key.columns)
        if len(key) == 1 and key[0].autoincrement in (True, "auto") and key[0].type.python_type is int:
            conn.execute(text(f'SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX("{key[0].name}"), 0) + 1, '
                              f'false) FROM "{table.name}"'), {"t": table.name, "c": key[0].name})


def compare(a: Database, b: Database) -> list[str]:
    """Tables whose rows differ between two databases (empty when they hold the same data)."""
    differing = []
    for table in tables():
        keys = list(table.primary_key.columns)
        with a.engine.connect() as ca, b.engine.connect() as cb:
            left = [tuple(r) for r in ca.execute(select(*table.columns).order_by(*keys))]
            right = [tuple(r) for r in cb.execute(select(*table.columns).order_by(*keys))]
        if left != right:
            differing.append(table.name)
    return differing
