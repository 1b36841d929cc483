"""The models and the migrations describe the same schema, on both databases, and upgrades keep the data."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from engine.storage.database import Database
from engine.models import Base, HumanTask, Instance
from engine.runtime.service import Runtime
from tests.conftest import PROCESSES


def test_migrations_build_exactly_the_tables_the_models_declare(database_url):
    db = Database(database_url)
    db.migrate()
    db.check_schema()  # alembic check: autogenerate finds nothing to add, drop or alter
    with db.engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)
    db.dispose()


def test_a_sqlite_database_with_matters_upgrades_to_foreign_keys_and_keeps_them(sqlite_url):
    from engine.ops import demo
    from engine.process.deployment import deploy_directory
    from engine.directory.people import Directory
    db = Database(sqlite_url, reference_cache=False)
    db.migrate()  # today's code writes the matter, then the schema goes back to 0012 with it in
    with db.transaction() as session:
        Directory(session).ensure_roles()
        demo.create_people(session)
        deploy_directory(session, PROCESSES, "test")
    runtime = Runtime(db)
    started = runtime.start("major_decision", "升级前的事项", {}, "bangong")
    with db.reader() as session:
        before = (session.scalar(sa.select(sa.func.count()).select_from(Instance)),
                  session.scalar(sa.select(sa.func.count()).select_from(HumanTask)))
    with db.engine.begin() as connection:
        command.downgrade(Database._alembic(connection), "0012")
    with db.engine.connect() as connection:
        old_keys = {(fk["referred_table"], tuple(fk["constrained_columns"]))
                    for table in ("instances", "human_tasks") for fk in sa.inspect(connection).get_foreign_keys(table)}
    assert not {("users", ("member_in_charge_id",)), ("human_tasks", ("sign_for_id",))} & old_keys  # 0013's
    db.dispose()

    db = Database(sqlite_url)
    db.migrate()
    with db.engine.connect() as connection:
        keys = {(fk["referred_table"], tuple(fk["constrained_columns"]))
                for table in ("instances", "human_tasks") for fk in sa.inspect(connection).get_foreign_keys(table)}
        enforced = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    assert {("users", ("member_in_charge_id",)), ("users", ("delegated_by_id",)),
            ("human_tasks", ("sign_for_id",))} <= keys
    assert enforced == 1
    with db.reader() as session:
        after = (session.scalar(sa.select(sa.func.count()).select_from(Instance)),
                 session.scalar(sa.select(sa.func.count()).select_from(HumanTask)))
        assert session.get(Instance, started.instance_id).title == "升级前的事项"
    assert after == before and before[1] >= 1
    db.check_schema()
    with pytest.raises(sa.exc.IntegrityError):  # the new keys are enforced
        with db.transaction() as session:
            session.get(Instance, started.instance_id).member_in_charge_id = 987654
    db.dispose()
