"""The functions a designer's expressions and scripts may call, and the unknown ones a source calls.

Validation refuses a call to any other function: at run time it would stop the matter with a NameError.
"""
from __future__ import annotations

import ast

from engine.errors import Msg
from engine.bpmn.sandbox import checker, expressions

SCRIPT_FUNCTIONS = ("members_of", "display_name", "member_in_charge_of", "ballot_tally", "seal_ballot_box",
                    "tally_opened", "next_number",
                    "working_days_from_now", "submit_topic", "schedule_agenda", "send_notice", "quorum_check",
                    "defer_topic", "record_decision", "task_overdue", "notify_role", "topic_titles", "vote_result",
                    "link_case")
# Functions that only read: expressions (conditions, shown values, timers) may call these too.
LOOKUP_FUNCTIONS = ("members_of", "display_name", "topic_titles", "working_days_from_now", "task_overdue",
                    "tally_opened")
# Functions that change something outside the matter: a step that called one is never replayed (engine.runtime.rewind).
SIDE_EFFECT_FUNCTIONS = ("seal_ballot_box", "next_number", "submit_topic", "schedule_agenda", "send_notice",
                         "defer_topic", "record_decision", "notify_role", "link_case")

EXPRESSION_CALLABLE = frozenset(expressions.BUILTINS) | frozenset(LOOKUP_FUNCTIONS)
SCRIPT_CALLABLE = frozenset(checker.BUILTINS) | frozenset(SCRIPT_FUNCTIONS)


def _called(tree: ast.AST) -> list[str]:
    """Names called as functions (``f(x)``, not ``x.f()``), in order of appearance."""
    return list(dict.fromkeys(node.func.id for node in ast.walk(tree)
                              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)))


def _defined(tree: ast.AST) -> set[str]:
    """Names a script binds itself (assignments, loop targets, its own functions and their parameters)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)):
            if isinstance(node, ast.FunctionDef):
                names.add(node.name)
            names |= {a.arg for a in node.args.args + node.args.kwonlyargs}
    return names


def _refusal(unknown: list[str], offered: tuple[str, ...]) -> Msg | None:
    if not unknown:
        return None
    return Msg("expression.unknown_function", names="、".join(unknown), known="、".join(sorted(offered)))


def unknown_in_expression(source: str) -> Msg | None:
    """Why an expression (already syntax-checked) calls a function it cannot, or None."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return None  # the syntax check says why
    return _refusal([n for n in _called(tree) if n not in EXPRESSION_CALLABLE], LOOKUP_FUNCTIONS)


def unknown_in_script(source: str) -> Msg | None:
    """Why a script (already checked) calls a function that no runner offers, or None."""
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError:
        return None
    own = _defined(tree)
    return _refusal([n for n in _called(tree) if n not in SCRIPT_CALLABLE and n not in own], SCRIPT_FUNCTIONS)
