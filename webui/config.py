"""Every setting of powerflow in one table: read from ``POWERFLOW_*`` variables or the instance file, checked at start.

``scripts/configuration.py`` writes the reference in docs/configuration.md (a test fails when it is stale).
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from limits import parse_many

from engine.system import DEFAULT_MAX_BYTES, DEFAULT_MEMORY_MB, DEFAULT_TIME_LIMIT

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_FILE = "powerflow.toml"
MIN_SECRET_KEY = 32
JSON_MAX_DEPTH = 64
LOG_FORMATS = ("json", "text")


class ConfigurationError(Exception):
    """The app cannot start safely with this configuration; the message names the setting and what to set."""


@dataclass(frozen=True)
class Setting:
    """One setting: its key in the app's config, how it is read and checked, and what it does."""

    key: str
    kind: str  # text, secret, path, url, database, integer, number, flag, rate, log_format, ldap_url
    default: object  # a value, or a function of the instance path
    doc: str
    low: float | None = None
    high: float | None = None
    alias: str | None = None  # an older variable still read when the POWERFLOW_ one is unset

    @property
    def variable(self) -> str:
        return f"POWERFLOW_{self.key}"

    def default_for(self, instance_path: Path):
        return self.default(instance_path) if callable(self.default) else self.default

    def parse(self, raw: object):
        """The value from its text (or a TOML value), or ConfigurationError naming the variable."""
        try:
            value = PARSERS[self.kind](raw if not isinstance(raw, str) else raw.strip())
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(f"{self.variable}: {exc}（{self.doc}）") from None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and (
                (self.low is not None and value < self.low) or (self.high is not None and value > self.high)):
            bound = f"在 {_shown(self.low)} 到 {_shown(self.high)} 之间" if self.high is not None \
                else f"不小于 {_shown(self.low)}"
            raise ConfigurationError(f"{self.variable} 必须{bound}，而不是 {raw}（{self.doc}）")
        return value


def _integer(raw) -> int:
    if isinstance(raw, bool) or not str(raw).lstrip("-").isdigit():
        raise ValueError(f"必须是整数，而不是 {raw!r}")
    return int(raw)


def _number(raw) -> float:
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"必须是数，而不是 {raw!r}") from None


def _flag(raw) -> bool:
    text = str(raw).lower()
    if text not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
        raise ValueError(f"必须是 1 或 0，而不是 {raw!r}")
    return text in {"1", "true", "yes", "on"}


def _starting_with(*prefixes: str) -> Callable[[object], str]:
    """A parser accepting text that starts with one of ``prefixes`` (an address's scheme)."""
    def parse(raw) -> str:
        if not str(raw).startswith(prefixes):
            raise ValueError(f"必须以 {' 或 '.join(prefixes)} 开头，而不是 {raw!r}")
        return str(raw)
    return parse


def _database(raw) -> str:
    if not str(raw).startswith(("sqlite:", "postgresql")):
        raise ValueError(f"必须是 SQLAlchemy 的 sqlite:/// 或 postgresql+psycopg:// 地址，而不是 {raw!r}")
    return str(raw)


def _secret(raw) -> str:
    if len(str(raw)) < MIN_SECRET_KEY:
        raise ValueError(f"太短：至少需要 {MIN_SECRET_KEY} 个字符（可用 python3 -c \"import secrets; "
                         f"print(secrets.token_hex(32))\" 生成）")
    return str(raw)


def _log_format(raw) -> str:
    if str(raw) not in LOG_FORMATS:
        raise ValueError(f"必须是 {' 或 '.join(LOG_FORMATS)}，而不是 {raw!r}")
    return str(raw)


def _rate(raw) -> str:
    try:
        parse_many(str(raw))
    except ValueError:
        raise ValueError(f"必须是频率限制，如 \"30 per minute\" 或 \"5 per hour;20 per day\"，而不是 {raw!r}") from None
    return str(raw)


PARSERS: dict[str, Callable] = {"text": str, "secret": _secret, "path": str, "url": _starting_with("http://", "https://"), "database": _database,
                                "integer": _integer, "number": _number, "flag": _flag, "rate": _rate,
                                "log_format": _log_format, "ldap_url": _starting_with("ldap://", "ldaps://")}

SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "database", lambda i: f"sqlite:///{i / 'powerflow.sqlite'}",
            "the database: the embedded SQLite file, or postgresql+psycopg://user@host:5432/name", alias="DATABASE_URL"),
    Setting("SECRET_KEY", "secret", None,
            "signs sessions and API tokens, at least 32 characters, the same on every node; required with "
            "PostgreSQL (on SQLite a random key is kept in instance/secret_key)"),
    Setting("PROCESSES_DIR", "path", str(PROJECT_ROOT / "processes"), "the BPMN, DMN and form files `deploy` reads"),
    Setting("NODE_MODULES", "path", str(PROJECT_ROOT / "node_modules"), "the front-end packages npm installed"),
    Setting("ATTACHMENTS_DIR", "path", lambda i: str(i / "attachments"), "where attached files are kept"),
    Setting("ATTACHMENT_MAX_BYTES", "integer", DEFAULT_MAX_BYTES, "the largest attached file, in bytes",
            1024, 512 * 1024 * 1024),
    Setting("TOKEN_MAX_AGE", "integer", 8 * 3600, "seconds an API token is valid", 1),
    Setting("SCRIPT_TIME_LIMIT", "number", DEFAULT_TIME_LIMIT, "seconds a designer's script may run", 0.05, 60),
    Setting("SCRIPT_MEMORY_MB", "integer", DEFAULT_MEMORY_MB, "memory of a script runner, in MB", 64, 4096),
    Setting("JSON_MAX_DEPTH", "integer", JSON_MAX_DEPTH, "how deeply a JSON request body may nest", 1, 10_000),
    Setting("HTTPS", "flag", False, "1 when served over HTTPS: secure cookies and HSTS"),
    Setting("TRUSTED_PROXIES", "integer", 0, "reverse proxies in front whose X-Forwarded-For is believed", 0, 10),
    Setting("RATELIMIT_STORAGE", "text", "memory://",
            "where rate-limit counts are kept; redis://host:6379 shares them between workers"),
    Setting("LOGIN_RATE_LIMIT", "rate", "30 per minute", "sign-ins (page and API) per client address"),
    Setting("MAILBOX_RATE_LIMIT", "rate", "5 per hour;20 per day", "letters to the public mailbox per address"),
    Setting("LOOKUP_RATE_LIMIT", "rate", "60 per hour", "public tracking-number lookups per address"),
    Setting("SMTP_HOST", "text", None, "the mail server; without it notifications stay in the app"),
    Setting("SMTP_PORT", "integer", 25, "the mail server's port", 1, 65535),
    Setting("SMTP_USERNAME", "text", None, "the mail server's user name"),
    Setting("SMTP_PASSWORD", "text", None, "the mail server's password"),
    Setting("SMTP_STARTTLS", "flag", False, "1 to use STARTTLS with the mail server"),
    Setting("MAIL_FROM", "text", "powerflow@localhost", "the sender address of notification mail"),
    Setting("LDAP_URL", "ldap_url", None,
            "the LDAP or Active Directory server people sign in with (ldap://host:389 or ldaps://host:636); "
            "accounts and roles come from it through DIRECTORY_MAPPING"),
    Setting("LDAP_BIND_DN", "text", None, "the read-only service account that looks people up, e.g. "
            "cn=powerflow,ou=services,dc=example,dc=gov,dc=cn"),
    Setting("LDAP_BIND_PASSWORD", "text", None, "the service account's password"),
    Setting("DIRECTORY_MAPPING", "path", lambda i: str(i / "directory-mapping.toml"),
            "the mapping file: where users and groups are, which groups give which roles and fields of charge "
            "(docs/directory-mapping.md)"),
    Setting("OIDC_ISSUER", "url", None,
            "the OpenID Connect provider people sign in with (its issuer URL; the rest is read from its discovery "
            "document); roles come from its claims through DIRECTORY_MAPPING"),
    Setting("OIDC_CLIENT_ID", "text", None, "powerflow's client id at the provider"),
    Setting("OIDC_CLIENT_SECRET", "text", None, "powerflow's client secret at the provider"),
    Setting("OIDC_SCOPES", "text", "openid profile email",
            "the scopes asked for; add the one that releases the groups claim, e.g. groups"),
    Setting("PASSWORD_SIGN_IN", "flag", True,
            "1: accounts created here sign in with their password; 0: only through the directory or the "
            "identity provider"),
    Setting("LOG_FORMAT", "log_format", "json",
            "how `serve` and `worker` write their logs on stderr: json (one object a line, for a log collector) "
            "or text; each line carries its request's id"),
    Setting("API_CHECK_RESPONSES", "flag", False,
            "1: every API answer is checked against the published OpenAPI document before it is sent, and one that "
            "differs is logged and refused with a 500 (the tests run so); 0: answers are sent as built"),
    Setting("BASE_URL", "url", "http://127.0.0.1:5000", "the address users open, for links in mail"),
)


def setting(key: str) -> Setting:
    """The setting with this key."""
    return next(s for s in SETTINGS if s.key == key)


def _instance_file(instance_path: Path) -> dict:
    """The settings in instance/powerflow.toml (keys are the POWERFLOW_ names), or none."""
    path = instance_path / INSTANCE_FILE
    if not path.is_file():
        return {}
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"{path}: 不是有效的 TOML（{exc}）") from None
    known = {s.variable for s in SETTINGS}
    if unknown := sorted(set(values) - known):
        raise ConfigurationError(f"{path}: 没有这些设置：{', '.join(unknown)}（见 docs/configuration.md）")
    return values


def load(instance_path: Path, environ: Mapping[str, str] | None = None) -> dict:
    """Every setting's value by key: the environment first, then the instance file, then the default."""
    environ = os.environ if environ is None else environ
    from_file = _instance_file(instance_path)
    config = {}
    for setting in SETTINGS:
        raw = environ.get(setting.variable) or (environ.get(setting.alias) if setting.alias else None)
        if raw is None or raw == "":
            raw = from_file.get(setting.variable)
        config[setting.key] = setting.default_for(instance_path) if raw is None or raw == "" else setting.parse(raw)
    return config


def _shown(bound: float) -> str:
    return str(int(bound)) if bound == int(bound) else f"{bound:g}"


def reference() -> str:
    """The settings reference in Markdown, as docs/configuration.md holds it."""
    lines = ["# Configuration", "",
             "<!-- generated by `.venv/bin/python scripts/configuration.py`; do not edit -->", "",
             "Each setting is read from its environment variable, else from `instance/powerflow.toml` (the same",
             "names as keys, e.g. `POWERFLOW_SMTP_HOST = \"mail.example\"`), else its default. Every value is",
             "checked when the app or a `powerflow` command starts; a bad one stops it with a message naming the",
             "variable. `POWERFLOW_INSTANCE_PATH` (default `instance/`) says where the instance folder is.", "",
             "| Variable | Kind | Default | What it does |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = {"DATABASE_URL": "`sqlite:///instance/powerflow.sqlite`", "ATTACHMENTS_DIR": "`instance/attachments`",
                   "PROCESSES_DIR": "`processes/`", "NODE_MODULES": "`node_modules/`",
                   "DIRECTORY_MAPPING": "`instance/directory-mapping.toml`"}.get(s.key)
        default = default or ("—" if s.default is None else f"`{int(s.default) if s.kind == 'flag' else s.default}`")
        bounds = f" ({_shown(s.low)}–{_shown(s.high)})" if s.high is not None \
            else f" (≥ {_shown(s.low)})" if s.low is not None else ""
        also = f"; `{s.alias}` is read when it is unset" if s.alias else ""
        lines.append(f"| `{s.variable}` | {s.kind}{bounds} | {default} | {s.doc}{also} |")
    return "\n".join(lines) + "\n"

