"""Scripts and conditions in BPMN run restricted: deploying a diagram is not running arbitrary Python."""
from __future__ import annotations

import json
import time

import pytest

from engine.process.definitions import parse_bpmn
from engine.errors import DefinitionError, ScriptRefused
from engine.bpmn.scripting import SandboxedEnvironment
from tests.conftest import PROCESSES

FORMS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (PROCESSES / "forms").glob("*.json")}
ATTACKS = {
    "import os": "不允许 import",
    "import os\nos.system('id')": "不允许 import",
    "data = open('/etc/passwd').read()": "不允许使用 open",
    "x = ().__class__.__base__.__subclasses__()": "__subclasses__",
    "x = eval('1+1')": "不允许使用 eval",
    "x = getattr(member_in_charge, 'upper')": "不允许使用 getattr",
}


def bpmn_with_script(script: str) -> bytes:
    source = (PROCESSES / "major_decision.bpmn").read_text(encoding="utf-8")
    original = "<bpmn:script>member_in_charge = member_in_charge_of(field)</bpmn:script>"
    assert original in source
    escaped = script.replace("&", "&amp;").replace("<", "&lt;")
    return source.replace(original, f"<bpmn:script>{escaped}</bpmn:script>").encode("utf-8")


@pytest.mark.parametrize("script", list(ATTACKS))
def test_dangerous_scripts_are_refused_at_deploy_naming_file_and_element(script):
    with pytest.raises(DefinitionError) as caught:
        parse_bpmn(bpmn_with_script(script), "major_decision.bpmn", FORMS)
    error = caught.value
    assert error.filename == "major_decision.bpmn" and error.element == "assign_member"
    assert ATTACKS[script] in error.message


@pytest.mark.parametrize("script", list(ATTACKS))
def test_dangerous_scripts_are_refused_when_run(script):
    with pytest.raises(ScriptRefused):
        SandboxedEnvironment().execute(script, {"member_in_charge": "x"})


def test_dangerous_condition_is_refused_at_deploy():
    source = (PROCESSES / "major_decision.bpmn").read_text(encoding="utf-8")
    bad = source.replace("<bpmn:conditionExpression>consent</bpmn:conditionExpression>",
                         "<bpmn:conditionExpression>__import__('os').system('id')</bpmn:conditionExpression>")
    with pytest.raises(DefinitionError) as caught:
        parse_bpmn(bad.encode("utf-8"), "major_decision.bpmn", FORMS)
    assert caught.value.element == "f_consent_yes"


def test_runaway_script_is_stopped_by_the_time_limit():
    environment = SandboxedEnvironment(time_limit=0.2)
    started = time.monotonic()
    with pytest.raises(ScriptRefused, match="超过"):
        environment.execute("while True:\n    pass", {})
    assert time.monotonic() - started < 5


def test_ordinary_scripts_work_and_write_back_task_data():
    data = {"attendees": ["a", "b"], "committee_size": 3}
    environment = SandboxedEnvironment({"members_of": lambda role: ["a", "b", "c"]})
    environment.execute("committee = members_of('常委')\n"
                        "absentees = [m for m in committee if m not in attendees]\n"
                        "quorum = len(attendees) * 2 > len(committee)", data)
    assert data == {"attendees": ["a", "b"], "committee_size": 3, "committee": ["a", "b", "c"],
                    "absentees": ["c"], "quorum": True}
    assert environment.evaluate("quorum and len(absentees) == 1", data) is True


def test_data_field_that_shadows_a_function_is_refused():
    with pytest.raises(ScriptRefused, match="重名"):
        SandboxedEnvironment({"members_of": lambda r: []}).execute("x = 1", {"members_of": 1})


ESCAPES = {
    "g = (i for i in [1])\nframe = g.gi_frame": "gi_frame",  # frames lead to globals
    "f = lambda: 0\nglobs = f.__globals__": "__globals__",
    "x = [].__class__.__mro__": "__class__",
    "x = 'a' * 10**10": "超过 1000000 项",  # allocations that would exhaust memory in one step
    "x = [0] * 10**9": "超过 1000000 项",
    "x = 10 ** 10 ** 8": "数值过大",
    "x = list(range(10**9))": "超过 1000000 项",
    "x = '%0999999999d' % 1": "格式宽度过大",
    "x = f'{1:>999999999}'": "格式宽度过大",
    "s = 'a'\ns *= 10**9": "超过 1000000 项",
}


@pytest.mark.parametrize("script", list(ESCAPES))
def test_escapes_and_huge_allocations_are_refused_before_they_run(script):
    with pytest.raises(ScriptRefused, match=ESCAPES[script]):  # the guard's message: refused, not attempted
        SandboxedEnvironment().execute(script, {})


def test_ordinary_arithmetic_and_formatting_still_work():
    context = {"amount": 120}
    SandboxedEnvironment().execute("doubled = amount * 2\nsquare = amount ** 2\nlabel = '%05d' % amount\n"
                                    "line = '-' * 20\nrest = amount % 7\nshown = f'{amount:>8}'", context)
    assert (context["doubled"], context["square"], context["label"], context["line"], context["rest"],
            context["shown"]) == (240, 14400, "00120", "-" * 20, 1, "     120")


def test_time_spent_in_engine_functions_is_not_charged_to_the_script():
    def slow_database_call():
        # Like a database driver's wait loop under load: Python calls for longer than the limit. Interrupting
        # it half-way would leave the connection mid-command ("another command is already in progress").
        def poll():
            return time.monotonic()
        end = poll() + 0.3
        while poll() < end:
            pass
        return 1

    context = {}
    SandboxedEnvironment({"lookup": slow_database_call}, time_limit=0.2).execute(
        "total = lookup() + lookup()", context)
    assert context["total"] == 2
    with pytest.raises(ScriptRefused, match="超过 0.2 秒"):
        SandboxedEnvironment({"lookup": slow_database_call}, time_limit=0.2).execute(
            "n = lookup()\nwhile True:\n    n = n + 1", {})
