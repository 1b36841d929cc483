"""Every message the engine gives a user has a stable code in the catalog, so English mode can show English."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import engine
from engine import errors
from engine.messages import MESSAGES

ENGINE = Path(engine.__file__).parent
USER_ERRORS = {name for name, kind in vars(errors).items()
               if inspect.isclass(kind) and issubclass(kind, errors.PowerflowError)}


def _engine_trees():
    for path in sorted(ENGINE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(ENGINE.parent), ast.parse(path.read_text(encoding="utf-8"))


def _subclasses(trees) -> set[str]:
    """Names of the engine's error classes, following subclasses defined in any module (BackupError, …)."""
    names, grew = set(USER_ERRORS), True
    classes = [node for _, tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    while grew:
        grew = False
        for node in classes:
            if node.name not in names and any(getattr(b, "id", getattr(b, "attr", None)) in names for b in node.bases):
                names.add(node.name)
                grew = True
    return names


# Where the message is among the positional arguments, for errors whose first arguments say where it happened.
MESSAGE_ARGUMENT = {"DefinitionError": 2, "ImportRefused": 1}


def _message_argument(call: ast.Call) -> ast.expr | None:
    index = MESSAGE_ARGUMENT.get(_called(call), 0)
    keyword = next((k.value for k in call.keywords if k.arg == "message"), None)
    return call.args[index] if len(call.args) > index else keyword


def _called(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)


def _uncoded(node: ast.expr) -> str | None:
    """Why this first argument is not a code: literal text not in the catalog, or text built in place."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value not in MESSAGES:
        return f"text {node.value!r} is not a code in engine/messages"
    if isinstance(node, (ast.JoinedStr, ast.BinOp)):
        return "message built in place instead of a code with parameters"
    return None


def test_every_user_error_the_engine_raises_names_a_code_in_the_catalog():
    trees = list(_engine_trees())
    kinds = _subclasses(trees)
    found = []
    for path, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _called(node.exc) in kinds \
                    and (message := _message_argument(node.exc)) is not None and (why := _uncoded(message)):
                found.append(f"{path}:{node.lineno} {why}")
    assert kinds >= {"NotFound", "Forbidden", "Conflict", "BackupError", "DesignRejected"}
    assert found == []


def test_every_message_object_names_a_code_in_the_catalog():
    found = [f"{path}:{node.lineno} {why}" for path, tree in _engine_trees() for node in ast.walk(tree)
             if isinstance(node, ast.Call) and _called(node) == "Msg" and node.args
             and (why := _uncoded(node.args[0]))]
    assert found == []


def test_a_code_renders_its_catalog_text_with_its_parameters():
    message = errors.Msg("task.missing", task_id=7)
    assert (message.code, message.params) == ("task.missing", {"task_id": 7})
    assert str(message) == MESSAGES["task.missing"].format(task_id=7)
    assert errors.NotFound("task.missing", task_id=7).code == "task.missing"
