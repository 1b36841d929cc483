"""LDAP sign-in and directory sync against a real OpenLDAP (slapd started by the test on a free port)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.directory.sso_mapping import load_mapping
from engine.errors import DefinitionError
from engine.models import Field, HumanTask, Notification, User
from engine.ops.directory_sync import sync_directory
from tests.cli_helpers import run
from tests.conftest import PROCESSES, prepare
from tests.ldap_helpers import PEOPLE, directory_settings, start_slapd
from webui import ConfigurationError, create_app

FILE = {"summary": "拟安排专项资金用于老旧小区改造。", "field": "经济发展", "source": "职能部门提出",
        "topic_kind": "一般事项", "basis": "改造实施意见"}


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    yield from start_slapd(tmp_path_factory.mktemp("slapd"))


@pytest.fixture
def directory_app(slapd, sqlite_url, tmp_path):
    prepare(sqlite_url).dispose()
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "x" * 32,
                      "PROCESSES_DIR": str(PROCESSES), "ATTACHMENTS_DIR": str(tmp_path),
                      **directory_settings(slapd, tmp_path / "mapping.toml")})
    yield app
    app.extensions["powerflow"].dispose()


def token_status(client, username: str, password: str) -> int:
    return client.post("/api/v1/auth/token", json={"username": username, "password": password}).status_code


def test_a_directory_user_signs_in_with_the_directorys_password_and_gets_roles_from_groups(directory_app):
    client = directory_app.test_client()
    answer = client.post("/api/v1/auth/token", json={"username": "lishuji", "password": PEOPLE["lishuji"][1]})
    assert answer.status_code == 200
    me = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {answer.get_json()['token']}"})
    assert me.status_code == 200
    with directory_app.extensions["powerflow"].db.reader() as session:
        user = session.scalar(sa.select(User).where(User.username == "lishuji"))
        assert (user.display_name, user.source, user.email) == ("李书记", "ldap", "lishuji@example.gov.cn")
        assert sorted(user.role_names) == ["书记", "常委"]
        assert user.external_id == "uid=lishuji,ou=people,dc=example,dc=gov,dc=cn"
    assert token_status(client, "lishuji", "wrong") == 401
    assert token_status(client, "lishuji", "") == 422  # a password is required at the edge
    assert directory_app.extensions["powerflow"].directory.authenticate("lishuji", "") is None  # no anonymous bind
    assert token_status(client, "*", PEOPLE["lishuji"][1]) == 401  # the filter is escaped: no wildcard match
    assert token_status(client, "bangong", "demo") == 200  # accounts created here still sign in


def test_local_passwords_can_be_switched_off(slapd, sqlite_url, tmp_path):
    prepare(sqlite_url).dispose()
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "x" * 32, "PASSWORD_SIGN_IN": False,
                      "PROCESSES_DIR": str(PROCESSES), **directory_settings(slapd, tmp_path / "mapping.toml")})
    client = app.test_client()
    assert token_status(client, "bangong", "demo") == 401
    assert token_status(client, "wangcw", PEOPLE["wangcw"][1]) == 200
    app.extensions["powerflow"].dispose()


def test_a_directory_that_does_not_answer_is_a_clear_503(sqlite_url, tmp_path):
    prepare(sqlite_url).dispose()
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[users]\nbase = "ou=people,dc=example,dc=gov,dc=cn"\n', encoding="utf-8")
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "x" * 32,
                      "PROCESSES_DIR": str(PROCESSES), "LDAP_URL": "ldap://127.0.0.1:9",
                      "DIRECTORY_MAPPING": str(mapping)})
    answer = app.test_client().post("/api/v1/auth/token", json={"username": "lishuji", "password": "x"})
    assert answer.status_code == 503 and "ldap://127.0.0.1:9" in answer.get_json()["error"]
    app.extensions["powerflow"].dispose()


def test_sync_creates_updates_deactivates_and_flags_the_open_tasks_left_behind(directory_app, slapd):
    engine = directory_app.extensions["powerflow"]
    first = sync_directory(engine.db, engine.directory, engine.runtime.clock())
    # wangcw was an account created here (the demo's): the directory takes it over, it is not duplicated.
    assert sorted(first.created) == ["lishuji", "sunbgs"] and first.updated == ["wangcw"] and not first.deactivated
    assert first.unknown_roles == ["没有的角色"]
    with engine.db.reader() as session:
        assert session.scalar(sa.select(User.username).join(Field, Field.member_id == User.id)
                              .where(Field.name == "经济发展")) == "wangcw"
    # wangcw, in charge of 经济发展, now holds the consent step of a matter filed in that field.
    started = engine.runtime.start("major_decision", "目录同步测试", {}, "bangong")
    engine.runtime.complete(started.new_tasks[0], FILE, "bangong")
    with engine.db.reader() as session:
        consent = session.scalar(sa.select(HumanTask).where(HumanTask.instance_id == started.instance_id,
                                                            HumanTask.state == "ready"))
        assert consent.assignee.username == "wangcw"

    slapd.remove_person("wangcw")
    slapd.rename("lishuji", "李书记（新）")
    try:
        second = sync_directory(engine.db, engine.directory, engine.runtime.clock())
    finally:
        slapd.add_person("wangcw", "王常委", PEOPLE["wangcw"][1], PEOPLE["wangcw"][2])
        slapd.rename("lishuji", "李书记")
    assert second.created == [] and second.updated == ["lishuji"] and second.deactivated == ["wangcw"]
    assert [(h.task_id, h.holder) for h in second.handovers] == [(consent.id, "wangcw")]
    with engine.db.reader() as session:
        wang = session.scalar(sa.select(User).where(User.username == "wangcw"))
        assert wang.active is False
        flags = session.scalars(sa.select(Notification).join(User, User.id == Notification.user_id)
                                .where(Notification.kind == "flag", User.username == "admin")).all()
        assert len(flags) == 1 and "wangcw" in flags[0].title
        assert session.get(HumanTask, consent.id).state == "ready"  # kept on record until handed over
    assert token_status(directory_app.test_client(), "bangong", "demo") == 200
    third = sync_directory(engine.db, engine.directory, engine.runtime.clock())  # back in the directory
    assert sorted(third.updated) == ["lishuji", "wangcw"] and not third.deactivated


def test_the_sync_command_reports_and_a_broken_mapping_names_the_file_and_key(slapd, env, tmp_path):
    settings = directory_settings(slapd, tmp_path / "mapping.toml")
    env = {**env, **{f"POWERFLOW_{k}": v for k, v in settings.items()}}
    assert run(env, "init").returncode == 0
    done = run(env, "users", "sync")
    assert done.returncode == 0, done.stderr
    assert "新建 3" in done.stdout, done.stdout and "没有的角色" in done.stderr

    (tmp_path / "mapping.toml").write_text('[users]\nbase = "ou=people"\nfilterr = "(uid={username})"\n',
                                           encoding="utf-8")
    broken = run(env, "users", "sync")
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert str(tmp_path / "mapping.toml") in broken.stderr and "users.filterr" in broken.stderr
    with pytest.raises(DefinitionError) as raised:
        load_mapping(tmp_path / "mapping.toml")
    assert raised.value.element == "users.filterr"
    without = run({k: v for k, v in env.items() if k != "POWERFLOW_LDAP_URL"}, "users", "sync")
    assert without.returncode == 1 and "POWERFLOW_LDAP_URL" in without.stderr


def test_a_bad_mapping_stops_the_app_at_start(tmp_path):
    (tmp_path / "m.toml").write_text('[roles]\nchangwei = "常委"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="roles"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "SECRET_KEY": "x" * 32,
                    "LDAP_URL": "ldap://127.0.0.1:9", "DIRECTORY_MAPPING": str(tmp_path / "m.toml")})
