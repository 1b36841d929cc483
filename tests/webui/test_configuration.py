"""One configuration: every setting is read, checked at start naming the setting, documented, and does its job."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from webui import ConfigurationError, create_app
from webui.config import SETTINGS, load, reference

ROOT = Path(__file__).resolve().parents[2]
SECRET = "configuration-test-secret-key-32-chars"
# A valid value other than the default for each kind, and what the app then holds.
SAMPLES = {"text": ("value-from-env", "value-from-env"), "path": ("/srv/powerflow/x", "/srv/powerflow/x"),
           "url": ("https://powerflow.example", "https://powerflow.example"), "flag": ("1", True),
           "rate": ("7 per hour", "7 per hour"), "secret": (SECRET, SECRET),
           "log_format": ("text", "text"), "ldap_url": ("ldap://127.0.0.1:389", "ldap://127.0.0.1:389")}
# Variables the README may name that are not app settings: the test run's own switches.
NOT_SETTINGS = {"POWERFLOW_INSTANCE_PATH", "POWERFLOW_REQUIRE_POSTGRES", "POWERFLOW_REQUIRE_BROWSER",
                "POWERFLOW_TEST_WORKERS", "POWERFLOW_TEST_PG_URL"}


def _sample(setting):
    if setting.kind in ("integer", "number"):
        value = setting.high if setting.high is not None else (setting.low or 0) + 5
        return str(int(value) if setting.kind == "integer" else value), value
    if setting.kind == "flag" and setting.default is True:
        return "0", False
    if setting.kind == "database":
        return "sqlite:////tmp/configured.sqlite", "sqlite:////tmp/configured.sqlite"
    return SAMPLES[setting.kind]


def test_the_configuration_reference_is_current():
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == reference(), "docs/configuration.md is stale: run .venv/bin/python scripts/configuration.py"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.variable)
def test_every_setting_is_read_from_its_variable(setting, tmp_path):
    text, value = _sample(setting)
    assert value != setting.default_for(tmp_path)
    assert load(tmp_path, {setting.variable: text})[setting.key] == value
    assert load(tmp_path, {})[setting.key] == setting.default_for(tmp_path)


@pytest.mark.parametrize("variable, value, says", [
    ("POWERFLOW_SMTP_PORT", "25x", "整数"), ("POWERFLOW_SMTP_PORT", "70000", "1 到 65535"),
    ("POWERFLOW_HTTPS", "maybe", "1 或 0"), ("POWERFLOW_LOGIN_RATE_LIMIT", "lots", "频率限制"),
    ("POWERFLOW_BASE_URL", "powerflow.example", "http://"), ("POWERFLOW_DATABASE_URL", "mysql://x", "postgresql"),
    ("POWERFLOW_SECRET_KEY", "short", "32"), ("POWERFLOW_SCRIPT_TIME_LIMIT", "soon", "数")])
def test_a_bad_value_stops_the_start_naming_the_setting(variable, value, says, tmp_path):
    with pytest.raises(ConfigurationError, match=re.escape(variable)) as refused:
        load(tmp_path, {variable: value})
    assert says in str(refused.value)


def test_the_instance_file_is_read_under_the_environment(tmp_path):
    (tmp_path / "powerflow.toml").write_text('POWERFLOW_SMTP_PORT = 2525\nPOWERFLOW_MAIL_FROM = "office@example"\n',
                                             encoding="utf-8")
    assert load(tmp_path, {})["SMTP_PORT"] == 2525
    overridden = load(tmp_path, {"POWERFLOW_SMTP_PORT": "587"})
    assert (overridden["SMTP_PORT"], overridden["MAIL_FROM"]) == (587, "office@example")


def test_the_instance_file_refuses_unknown_names_and_bad_toml(tmp_path):
    (tmp_path / "powerflow.toml").write_text('POWERFLOW_SMTP_HOTS = "mail"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="POWERFLOW_SMTP_HOTS") as refused:
        load(tmp_path, {})
    assert "powerflow.toml" in str(refused.value)
    (tmp_path / "powerflow.toml").write_text("POWERFLOW_SMTP_PORT = \n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="TOML"):
        load(tmp_path, {})


def test_database_url_is_still_read_without_the_prefix(tmp_path):
    assert load(tmp_path, {"DATABASE_URL": "sqlite:////tmp/a.sqlite"})["DATABASE_URL"] == "sqlite:////tmp/a.sqlite"
    both = {"DATABASE_URL": "sqlite:////tmp/a.sqlite", "POWERFLOW_DATABASE_URL": "sqlite:////tmp/b.sqlite"}
    assert load(tmp_path, both)["DATABASE_URL"] == "sqlite:////tmp/b.sqlite"


def test_the_readme_names_only_settings_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\bPOWERFLOW_[A-Z_]+[A-Z]\b", readme))
    known = {s.variable for s in SETTINGS} | NOT_SETTINGS
    assert named and named <= known, sorted(named - known)
    bare = set(re.findall(r"`([A-Z][A-Z_]+[A-Z])`", readme)) & {s.key for s in SETTINGS} - {"DATABASE_URL"}
    assert not bare, f"write these as their POWERFLOW_ variables: {sorted(bare)}"


def test_the_login_rate_limit_can_be_set(db, database_url, monkeypatch):
    monkeypatch.setenv("POWERFLOW_LOGIN_RATE_LIMIT", "2 per minute")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": SECRET})
    client = app.test_client()
    answers = [client.post("/api/v1/auth/token", json={"username": "nobody", "password": "wrong"}).status_code
               for _ in range(3)]
    app.extensions["powerflow"].db.dispose()
    assert answers == [401, 401, 429]
