"""Who holds a user task: Camunda's candidate groups, candidate users and assignee as our role and assignee."""
from __future__ import annotations

from engine.errors import Msg
from engine.process.importing.report import MAPPED, NOT_MAPPED, Context


def _names(value: str) -> list[str] | None:
    """A plain comma-separated list of names; None when it is an expression."""
    if "${" in value or "#{" in value or value.strip().startswith("="):
        return None
    return [n.strip() for n in value.split(",") if n.strip()]


def assign(ctx: Context, task, prefix: str, assignee: str | None, groups: str | None, users: str | None) -> None:
    """Map the three attributes of one task, each given as written (None when absent), and report each."""
    if groups is not None:
        _groups(ctx, task, f"{prefix}candidateGroups", groups)
    has_assignee = assignee is not None and assignee.strip() != ""
    if has_assignee:
        _assignee(ctx, task, f"{prefix}assignee", assignee.strip())
    if users is not None:
        _users(ctx, task, f"{prefix}candidateUsers", users, has_assignee)


def _groups(ctx: Context, task, attribute: str, value: str) -> None:
    names = _names(value)
    if names is None:
        ctx.add(task, attribute, value, NOT_MAPPED, why=Msg("import.role_expression"))
    elif len(names) != 1:
        ctx.add(task, attribute, value, NOT_MAPPED, why=Msg("import.several_roles", value=value))
    elif names[0] not in ctx.roles:
        ctx.add(task, attribute, value, NOT_MAPPED, why=Msg("import.unknown_role", value=names[0]))
    elif not ctx.set_property(task, "candidateRole", names[0]):
        ctx.add(task, attribute, value, NOT_MAPPED, why=Msg("import.already_set", property="candidateRole"))
    else:
        ctx.add(task, attribute, value, MAPPED, became=f"candidateRole = {names[0]}")


def _assignee(ctx: Context, task, attribute: str, value: str) -> None:
    names = _names(value)
    if names is None:
        ctx.add(task, attribute, value, NOT_MAPPED, why=Msg("import.assignee_expression"))
    elif len(names) != 1 or names[0] not in ctx.users:
        ctx.add(task, attribute, value, NOT_MAPPED, why=Msg("import.unknown_user", value=value))
    else:
        _to_assignee(ctx, task, attribute, value, names[0])


def _users(ctx: Context, task, attribute: str, value: str, has_assignee: bool) -> None:
    names = _names(value)
    if has_assignee:
        ctx.add(task, attribute, value, NOT_MAPPED, why=Msg("import.users_with_assignee"))
    elif names is None:
        ctx.add(task, attribute, value, NOT_MAPPED, why=Msg("import.assignee_expression"))
    elif len(names) != 1:
        ctx.add(task, attribute, value, NOT_MAPPED, why=Msg("import.several_users", value=value))
    elif names[0] not in ctx.users:
        ctx.add(task, attribute, value, NOT_MAPPED, why=Msg("import.unknown_user", value=names[0]))
    else:
        _to_assignee(ctx, task, attribute, value, names[0])


def _to_assignee(ctx: Context, task, attribute: str, value: str, username: str) -> None:
    expression = repr(username)  # our assignee is an expression that gives the username
    if ctx.set_property(task, "assignee", expression):
        ctx.add(task, attribute, value, MAPPED, became=f"assignee = {expression}")
    else:
        ctx.add(task, attribute, value, NOT_MAPPED, why=Msg("import.already_set", property="assignee"))
