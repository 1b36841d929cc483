"""A designer's diagram cannot reach the server: the issue's attacks, deployed by the designer through the API.

Scripts run in confined runner processes (engine.bpmn.sandbox); expressions in a data-only evaluator.
Each attack is refused at deploy, or runs without reaching anything outside the matter's data and
answers within the script's limit plus two seconds, while the server keeps answering others.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from engine.bpmn.sandbox.pool import shared_pool
from tests.conftest import ROOT
from tests.process.test_designs import FORMS, XML

LIMIT = 1.0  # the runtime's default script time limit


def with_script(script: str) -> str:
    """design_demo with a script task ``evil`` between the start and the first user task."""
    escaped = script.replace("&", "&amp;").replace("<", "&lt;")
    xml = XML.replace('<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fill" />',
                      '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="evil" />'
                      '<bpmn:sequenceFlow id="f0" sourceRef="evil" targetRef="fill" />')
    xml = xml.replace('<bpmn:userTask id="fill"', f'<bpmn:scriptTask id="evil" name="脚本"><bpmn:incoming>f1'
                      f'</bpmn:incoming><bpmn:outgoing>f0</bpmn:outgoing><bpmn:script>{escaped}</bpmn:script>'
                      '</bpmn:scriptTask><bpmn:userTask id="fill"')
    xml = xml.replace("<bpmn:flowNodeRef>fill</bpmn:flowNodeRef>",
                      "<bpmn:flowNodeRef>evil</bpmn:flowNodeRef><bpmn:flowNodeRef>fill</bpmn:flowNodeRef>")
    return xml.replace('<bpmndi:BPMNEdge id="f1_di"',
                       '<bpmndi:BPMNShape id="evil_di" bpmnElement="evil"><dc:Bounds x="290" y="140" width="100" '
                       'height="80" /></bpmndi:BPMNShape><bpmndi:BPMNEdge id="f0_di" bpmnElement="f0">'
                       '<di:waypoint x="340" y="140" /><di:waypoint x="400" y="115" /></bpmndi:BPMNEdge>'
                       '<bpmndi:BPMNEdge id="f1_di"')


def deploy(api, script: str):
    return api.post("/designs", "sheji", {"bpmn_xml": with_script(script), "forms": FORMS})


REFUSED_AT_DEPLOY = {
    "x = str.format('{0.__globals__[sys].modules[flask].current_app.config[SECRET_KEY]}', members_of)": ".format",
    "x = '{0.__globals__}'.format(members_of)": ".format",
    "g = (i for i in [1])\nx = g.gi_frame": "gi_frame",
    "f = lambda: 0\nx = f.__globals__": "__globals__",
    "import os": "import",
    "x = getattr(members_of, '__globals__')": "getattr",
}


@pytest.mark.parametrize("script", list(REFUSED_AT_DEPLOY))
def test_escape_scripts_are_refused_at_deploy_naming_the_element(api, script):
    response = deploy(api, script)
    assert response.status_code == 422, response.get_json()
    assert REFUSED_AT_DEPLOY[script] in response.get_json()["errors"]["evil"]


RUNAWAYS = {
    "x = max(range(10**11))": "超过 1 秒",  # one C call: no Python step to interrupt
    "while True:\n    pass": "超过 1 秒",
    "x = ''.ljust(10**9)": "内存",  # about 1 GB in one step
    "w = 10**9\nx = f'{1:>{w}}'": "内存",
    "x = '%(a)1000000000d' % {'a': 1}": "格式宽度过大",
    "x = 1 << 8*10**9": "内存",
}


@pytest.mark.parametrize("script", list(RUNAWAYS))
def test_runaway_scripts_stop_within_the_limit_while_the_server_answers_others(api, script):
    assert deploy(api, script).status_code == 201
    api.token("bangong"), api.token("jiwei")  # sign in before timing: only the action is measured
    answered, result = [], {}

    def start():
        began = time.monotonic()
        result["response"] = api.post("/processes/design_demo/instances", "bangong", {"title": "失控", "data": {}})
        result["seconds"] = time.monotonic() - began

    worker = threading.Thread(target=start)
    worker.start()
    while worker.is_alive():  # another user's requests meanwhile
        began = time.monotonic()
        assert api.get("/processes", "jiwei").status_code == 200
        answered.append(time.monotonic() - began)
        time.sleep(0.05)
    worker.join()
    response = result["response"]
    assert response.status_code == 201 and result["seconds"] < LIMIT + 2
    matter = api.instance(response.get_json()["id"])
    assert matter["status"] == "error" and matter["error"].startswith("[evil]")
    assert RUNAWAYS[script] in matter["error"]
    assert answered and min(answered) < 1.0


def test_a_script_reaches_no_secret_and_its_runner_holds_nothing_of_the_server(app, api):
    secret = app.config["SECRET_KEY"]
    assert deploy(api, "members = members_of('办公室')\ncount = len(members)").status_code == 201
    started = api.post("/processes/design_demo/instances", "bangong", {"title": "看看", "data": {}})
    matter = api.instance(started.get_json()["id"], "bangong")
    assert matter["status"] == "running", matter["error"]
    runner = shared_pool()._idle[-1].process
    assert Path(f"/proc/{runner.pid}/environ").read_bytes() == b""  # no environment, so no keys
    assert sorted(os.listdir(f"/proc/{runner.pid}/fd")) == ["0", "1", "2"]  # its pipes and /dev/null only
    assert secret not in Path(f"/proc/{runner.pid}/cmdline").read_text()
    assert "bangong" in str(api.get(f"/instances/{matter['id']}", "bangong").get_json())


CONFINED_ATTEMPTS = r'''
import os, socket, sys
sys.path.insert(0, sys.argv[1])
from engine.bpmn.sandbox.confine import confine
confine(256 * 1024 * 1024, 10)
attempts = {
    "read a file": lambda: open("/etc/hostname").read(),
    "write a file": lambda: open("/tmp/powerflow-escape", "w").write("x"),
    "open a socket": lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM),
    "start a process": lambda: os.fork(),
    "run a program": lambda: os.execv("/bin/true", ["true"]),
    "signal the server": lambda: os.kill(os.getppid(), 0),
    "raise its limits": lambda: __import__("resource").setrlimit(__import__("resource").RLIMIT_AS, (-1, -1)),
    "allocate 1 GB": lambda: bytearray(10**9),
}
for name, attempt in attempts.items():
    try:
        attempt()
        print("ALLOWED", name)
    except (OSError, MemoryError, ValueError) as exc:
        print("refused", name, type(exc).__name__)
'''


def test_a_runner_escaping_the_checker_still_reaches_no_file_socket_process_or_signal():
    """The second wall: what confine() leaves a process that runs arbitrary Python."""
    done = subprocess.run([sys.executable, "-I", "-c", CONFINED_ATTEMPTS, str(ROOT)], capture_output=True,
                          text=True, timeout=60, env={})
    lines = done.stdout.splitlines()
    assert len(lines) == 8 and all(line.startswith("refused") for line in lines), done.stdout + done.stderr
    assert not Path("/tmp/powerflow-escape").exists()


def test_a_runner_killed_at_its_limit_is_replaced(runtime):
    from prometheus_client import REGISTRY
    pool = shared_pool()
    from engine.bpmn.sandbox.pool import ScriptFailed

    def kills() -> float:  # what /metrics reports as powerflow_script_runner_kills_total{reason="time_limit"}
        return REGISTRY.get_sample_value("powerflow_script_runner_kills_total", {"reason": "time_limit"}) or 0.0

    before = kills()
    with pytest.raises(ScriptFailed, match="超过 0.3 秒"):
        pool.run("while True:\n    pass", {}, {}, 0.3)
    assert kills() == before + 1
    assert pool.run("y = x + 1", {"x": 1}, {}, 1.0) == {"x": 1, "y": 2}
    assert kills() == before + 1


def test_a_decision_table_entry_the_evaluator_refuses_is_refused_at_deploy_naming_it():
    from engine.process.definitions import read_directory
    from engine.errors import DefinitionError
    from tests.conftest import PROCESSES
    table = (PROCESSES / "large_fund.dmn").read_text(encoding="utf-8")
    original = '<inputEntry id="rule_plenary_amount"><text>&gt;= 1000</text></inputEntry>'
    assert original in table
    bad = table.replace(original, '<inputEntry id="rule_plenary_amount"><text>().__class__</text></inputEntry>')
    with pytest.raises(DefinitionError) as caught:
        read_directory(PROCESSES, dmn_override={"large_fund.dmn": bad.encode("utf-8")})
    assert caught.value.element == "rule_plenary_amount" and "__class__" in caught.value.message


@pytest.mark.parametrize("name, value", [("POWERFLOW_SCRIPT_TIME_LIMIT", "0"), ("POWERFLOW_SCRIPT_TIME_LIMIT", "soon"),
                                         ("POWERFLOW_SCRIPT_MEMORY_MB", "10"), ("POWERFLOW_JSON_MAX_DEPTH", "deep")])
def test_limits_out_of_range_refuse_to_start_naming_the_setting(monkeypatch, sqlite_url, name, value):
    from webui import ConfigurationError, create_app
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "k" * 32})


def test_the_configured_script_time_limit_is_the_one_enforced(monkeypatch, sqlite_url):
    from webui import create_app
    monkeypatch.setenv("POWERFLOW_SCRIPT_TIME_LIMIT", "0.3")
    app = create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "k" * 32})
    assert app.extensions["powerflow"].runtime.stepper.script_time_limit == 0.3
    app.extensions["powerflow"].db.dispose()


EXPRESSION_ATTACKS = {
    "str.format('{0.__globals__}', display_name)": ".format",
    "().__class__.__bases__[0].__subclasses__()": "不允许访问属性",
    "display_name.__globals__": "__globals__",
    "str(display_name)": "not defined",  # a function is called, never taken as a value
    "'%(a)1000000000d' % {'a': 1}": "% 格式化",
    "f'{1:>{w}}'": "格式宽度过大",
    "'x' * 10**9": "超过",
    "9 ** 9999999": "数值过大",
    "[x in big for x in big]": "超过 0.25 秒",  # slow steps, each small: stopped between them
}


@pytest.mark.parametrize("expression", list(EXPRESSION_ATTACKS))
def test_expressions_reach_only_data_and_stop_within_their_budget(expression):
    from engine.bpmn.sandbox.expressions import ExpressionRefused, evaluate
    data = {"w": 10**9, "big": [str(i) for i in range(200_000)]}
    began = time.monotonic()
    with pytest.raises(ExpressionRefused, match=re.escape(EXPRESSION_ATTACKS[expression])):
        evaluate(expression, data, {"display_name": lambda name: name})
    assert time.monotonic() - began < 1.0


def test_a_scripts_leading_calls_are_answered_with_it_each_once_and_in_order():
    calls = []

    def next_number(series):
        calls.append(series)
        return f"{series}第{len(calls)}号"
    script = "first = next_number(series)\nsecond = next_number(series)\nif first:\n    third = next_number('x')"
    result = shared_pool().run(script, {"series": "纪要"}, {"next_number": next_number}, 1.0)
    assert (result["first"], result["second"], result["third"]) == ("纪要第1号", "纪要第2号", "x第3号")
    assert calls == ["纪要", "纪要", "x"]  # the side effect happened once per call, in the script's order


def test_a_script_that_is_only_calls_leaves_what_a_runner_would_without_waking_one():
    from engine.bpmn.sandbox.pool import RunnerPool, ScriptFailed
    calls = []

    def next_number(series):
        calls.append(series)
        return f"{series}第{len(calls)}号"
    data = {"series": "纪要", "_note": "hidden from scripts' results", "items": [{"n": 1}], "pair": (1, 2)}
    only_calls = "first = next_number(series)\nseries = next_number('x')"
    pool = RunnerPool()
    settled = pool.run(only_calls, data, {"next_number": next_number}, 1.0)
    assert pool._idle == []  # no runner was started for it
    ran = pool.run(only_calls + "\npass", data, {"next_number": next_number}, 1.0)  # the same, run by a runner
    assert len(pool._idle) == 1
    assert settled == {"series": "x第2号", "items": [{"n": 1}], "pair": [1, 2], "first": "纪要第1号"}
    assert ran == {**settled, "series": "x第4号", "first": "纪要第3号"} and list(ran) == list(settled)
    with pytest.raises(ScriptFailed, match="_secret"):  # refused as before: the checker still judges it
        pool.run("_secret = next_number(series)", data, {"next_number": next_number}, 1.0)
    for runner in pool._idle:
        runner.kill()
