"""Property-based: expressions and scripts built from attribute chains, format strings, f-strings and
builtins never reach anything but data (hypothesis)."""
from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from engine.bpmn.sandbox.expressions import ExpressionRefused, _data, check_expression, evaluate
from engine.bpmn.sandbox.pool import ScriptFailed, shared_pool

NAMES = {"d": {"k": "v", "n": [1, 2]}, "s": "text", "n": 3, "l": ["a", "b"], "b": True}
LOOKUPS = {"display_name": lambda username: f"名字{username}"}
ATTRIBUTES = ["__class__", "__globals__", "__self__", "__dict__", "__subclasses__", "__mro__", "__bases__",
              "__init__", "__code__", "__builtins__", "__closure__", "gi_frame", "gi_code", "f_globals", "f_back",
              "f_locals", "tb_frame", "cr_frame", "ag_frame", "func_globals", "im_func", "mro", "format",
              "format_map", "lower", "upper", "get", "keys", "items", "join", "split", "ljust", "encode",
              "translate", "maketrans", "fromkeys", "copy", "pop", "append", "__getattribute__", "__reduce_ex__"]
# What a reached server object looks like once turned into text.
LEAK = re.compile(r"<(class|function|built-in|bound method|method|module|frame|generator|code|cell)\b|"
                  r" at 0x[0-9a-f]+|__builtins__|/work/|SECRET")

atoms = st.sampled_from(["d", "s", "n", "l", "b", "len", "str", "display_name", "''", "()", "[]", "{}", "1",
                         "(i for i in l)", "'{0}'", "lambda: 0", "type", "object", "vars", "globals"])


@st.composite
def chains(draw, depth=0):
    """An expression: an atom followed by attributes, calls and subscripts, maybe wrapped."""
    text = draw(atoms) if depth > 1 or draw(st.booleans()) else draw(chains(depth + 1))
    for _ in range(draw(st.integers(0, 4))):
        step = draw(st.sampled_from(["attr", "call", "call_arg", "index", "key"]))
        text = {"attr": lambda: f"({text}).{draw(st.sampled_from(ATTRIBUTES))}", "call": lambda: f"{text}()",
                "call_arg": lambda: f"{text}({draw(atoms)})", "index": lambda: f"{text}[0]",
                "key": lambda: f"{text}['k']"}[step]()
    wrap = draw(st.sampled_from([
        "{x}", "'{{0.__class__}}'.format({x})", "'{{0.__globals__}}'.format({x})", "'{{0!r}}'.format({x})",
        "f'{{{x}}}'", "f'{{{x}!r}}'", "f'{{{x}:>{{n}}}}'", "str({x})", "repr({x})", "[{x} for i in l]",
        "{x} if b else s", "len({x})", "'%s' % ({x},)", "sorted({x})", "max({x})", "{{'a': {x}}}"]))
    return wrap.format(x=text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chains())
def test_no_expression_reaches_a_non_data_object(expression):
    refused_at_deploy = check_expression(expression) is not None
    try:
        result = evaluate(expression, NAMES, LOOKUPS)
    except (ExpressionRefused, Exception):  # refused, or the designer's own error on plain data
        return
    assert not refused_at_deploy, f"deploy refuses {expression!r} but it evaluates"
    assert _data(result), (expression, result)
    assert not LEAK.search(json.dumps(result, ensure_ascii=False, default=str)), (expression, result)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chains(), chains())
def test_no_script_reaches_the_server(first, second):
    script = f"x = {first}\ny = {second}\ntext = str(x) + str(y)"
    try:
        result = shared_pool().run(script, dict(NAMES), LOOKUPS, 2.0)
    except ScriptFailed:
        return
    text = json.dumps(result, ensure_ascii=False)
    assert not re.search(r"<(module|frame|code|cell)\b|__builtins__|/work/|SECRET", text), (script, text)
