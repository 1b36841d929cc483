"""The directory mapping file: where users and groups are in LDAP, and which groups (or OpenID Connect
claims) give which powerflow roles and fields of charge. TOML; every mistake names the file and the key."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import DefinitionError, Msg


@dataclass(frozen=True)
class DirectoryMapping:
    """A checked mapping file (docs/directory-mapping.md describes each key)."""

    user_base: str = ""
    user_filter: str = "(uid={username})"
    all_users: str = "(objectClass=inetOrgPerson)"
    username: str = "uid"
    display_name: str = "cn"
    email: str = "mail"
    group_base: str = ""
    member: str = "member"
    group_name: str = "cn"
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group (or claim value) -> roles
    fields: dict[str, str] = field(default_factory=dict)  # group (or claim value) -> field of charge
    claim: str = "groups"  # OpenID Connect: the claim listing the user's groups (or roles)
    oidc_username: str = "preferred_username"
    oidc_display_name: str = "name"
    oidc_email: str = "email"

    def roles_of(self, groups: list[str]) -> list[str]:
        """The roles the user's groups give, each once, in the file's order."""
        return list(dict.fromkeys(role for group, roles in self.roles.items() if group in groups for role in roles))

    def fields_of(self, groups: list[str]) -> list[str]:
        """The fields of charge the user's groups give."""
        return [name for group, name in self.fields.items() if group in groups]


_TEXT = {"users": ("base", "filter", "all", "username", "display_name", "email"),
         "groups": ("base", "member", "name"), "oidc": ("claim", "username", "display_name", "email")}
_FIELD_NAMES = {("users", "base"): "user_base", ("users", "filter"): "user_filter", ("users", "all"): "all_users",
                ("groups", "base"): "group_base", ("groups", "name"): "group_name", ("oidc", "username"): "oidc_username",
                ("oidc", "display_name"): "oidc_display_name", ("oidc", "email"): "oidc_email"}


def _fail(path: Path, key: str | None, code: str, **params):
    raise DefinitionError(str(path), key, Msg(code, **params))


def load_mapping(path: str | Path) -> DirectoryMapping:
    """Read and check the mapping file; DefinitionError naming the file and the key when it is wrong."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        _fail(path, None, "mapping.not_found")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        _fail(path, None, "mapping.bad_toml", error=str(exc))
    values: dict = {}
    for table, keys in _TEXT.items():
        section = data.get(table, {})
        if not isinstance(section, dict):
            _fail(path, table, "mapping.not_table")
        for key in section:
            if key not in keys:
                _fail(path, f"{table}.{key}", "mapping.unknown_key", known=", ".join(keys))
            if not isinstance(section[key], str) or not section[key].strip():
                _fail(path, f"{table}.{key}", "mapping.empty_text")
            values[_FIELD_NAMES.get((table, key), key)] = section[key].strip()
    if "{username}" not in values.get("user_filter", "(uid={username})"):
        _fail(path, "users.filter", "mapping.no_username", placeholder="{username}")
    roles = data.get("roles", {})
    if not isinstance(roles, dict) or not all(
            isinstance(v, list) and v and all(isinstance(r, str) and r for r in v) for v in roles.values()):
        _fail(path, "roles", "mapping.bad_roles")
    fields = data.get("fields", {})
    if not isinstance(fields, dict) or not all(isinstance(v, str) and v for v in fields.values()):
        _fail(path, "fields", "mapping.bad_fields")
    if unknown := sorted(set(data) - {*_TEXT, "roles", "fields"}):
        _fail(path, unknown[0], "mapping.unknown_table")
    return DirectoryMapping(**values, roles={k: tuple(v) for k, v in roles.items()}, fields=dict(fields))
