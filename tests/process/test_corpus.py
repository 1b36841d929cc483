"""Issue 17 part 2: our own BPMN corpus (tests/corpus/, outcomes in tests/corpus_cases.py) through the JSON API.

Each file is either accepted by POST /api/v1/designs/validate, deployed, started and driven through the API to
its end or to a documented wait — or refused at validation naming the offending element (and its name).
Never a 5xx, never a hang: the app is served on a loopback port and every request has a time limit.
"""
from __future__ import annotations

import json
import re
import subprocess
import threading

import pytest
import requests
from lxml import etree

from engine.ops import demo
from engine.storage.database import Database
from engine.directory.people import Directory
from engine.runtime.worker import TimerWorker
from tests.api_client import Api
from tests.conftest import ROOT, make_app
from tests.corpus_cases import ANSWERS, CASES, CORPUS, FORMS

REQUEST_TIMEOUT = 15  # seconds; the script time limit is 1 s, so anything near this is a hang
ROLE_HOLDER = {"办公室": "bangong", "书记": "shuji", "组织部": "zuzhi"}


class _Http:
    """The subset of Flask's test client that tests.api_client.Api uses, over real HTTP with a timeout."""

    def __init__(self, base: str):
        self.base, self.session = base, requests.Session()

    def _call(self, method: str, path: str, **kwargs):
        try:
            response = self.session.request(method, self.base + path, timeout=REQUEST_TIMEOUT, **kwargs)
        except requests.Timeout:
            raise AssertionError(f"hang: {method} {path} gave no answer within {REQUEST_TIMEOUT} s") from None
        assert response.status_code < 500, (method, path, response.status_code, response.text[:2000])
        response.get_json = lambda: response.json() if "json" in response.headers.get("Content-Type", "") else None
        return response

    def get(self, path: str, headers=None):
        return self._call("GET", path, headers=headers)

    def post(self, path: str, json=None, headers=None):
        return self._call("POST", path, json=json, headers=headers)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One SQLite database and one app for the whole corpus, served on a free loopback port."""
    from werkzeug.serving import make_server
    url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'corpus.sqlite'}"
    db = Database(url)  # roles and demo people; the shipped processes are not needed here
    db.migrate()
    with db.transaction() as session:
        Directory(session).ensure_roles()
        demo.create_people(session)
    db.dispose()
    app = make_app(url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, Api(_Http(f"http://127.0.0.1:{server.server_port}"))
    server.shutdown()
    app.extensions["powerflow"].db.dispose()


def _text(path) -> str:
    """The file as the modeler would send it: text, read per its declared encoding."""
    data = path.read_bytes()
    declared = re.match(rb'<\?xml[^>]*encoding="([^"]+)"', data)
    return data.decode(declared.group(1).decode() if declared else "utf-8")


def _names(path) -> dict[str, str]:
    """Each element's name by id, where the file can be read at all (no entities expanded)."""
    try:
        root = etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return {}
    names: dict[str, str] = {}
    for e in root.iter():
        if isinstance(e.tag, str) and e.get("id") and e.get("name"):
            names.setdefault(e.get("id"), e.get("name"))  # of duplicates, the first
    return names


def _fire_due_timers(app) -> int:
    """One round of the timer worker (`powerflow worker`), bounded in time like a request."""
    worker, fired = TimerWorker(app.extensions["powerflow"].runtime), []
    thread = threading.Thread(target=lambda: fired.append(worker.run_once()), daemon=True)  # a hang holds no exit
    thread.start()
    thread.join(REQUEST_TIMEOUT)
    assert not thread.is_alive(), f"hang: a timer round took over {REQUEST_TIMEOUT} s"
    assert fired, "the timer round failed (see the log)"
    return fired[0]


def _answer(api, task: dict, holder: str) -> dict:
    form = api.get(f"/tasks/{task['id']}", holder).get_json()["form"] or {}
    return {k: v for k, v in ANSWERS.items() if k in (form.get("properties") or {})}


def _drive(app, api, instance_id: int) -> dict:
    """Fire due timers and complete open tasks, each as its holder, until the matter ends or waits."""
    for _ in range(40):
        _fire_due_timers(app)
        matter = api.instance(instance_id)
        if matter["status"] != "running" or not matter["current_tasks"]:
            return matter
        task = matter["current_tasks"][0]
        assert task["candidates"], f"nobody holds {task['element_id']} “{task['name']}”"
        holder = task["candidates"][0]
        inbox = [t["id"] for t in api.get("/tasks", holder).get_json()]
        assert task["id"] in inbox, f"{holder} does not see {task['element_id']} in 待办"
        done = api.complete(task["id"], holder, _answer(api, task, holder))
        assert done.status_code == 200, (task["element_id"], done.get_json())
    raise AssertionError("the matter neither ended nor settled into a wait after 40 steps")


def _refused(api, file: str, body: dict, ids: list[str], words: dict[str, str]) -> None:
    names = _names(CORPUS / file)
    for path in ("/designs/validate",):  # deployment runs the same check (tests/process/test_validation_regressions.py)
        response = api.post(path, "sheji", body)
        assert response.status_code in (413, 422), (path, response.status_code, response.get_json())
        answer = response.get_json()
        errors = answer.get("errors") or {}
        missing = [element for element in ids if element not in errors]
        assert not missing, f"{path}: {missing} not named; problems: {errors}"
        for element in ids:
            name = names.get(element)
            if name and len(name) <= 200:
                named = name in errors[element] or any(
                    d.get("element") == element and d.get("name") == name for d in answer.get("problems") or [])
                assert named, f"{path}: the name “{name}” of {element} is not given: {errors[element]}"
            assert words.get(element, "") in errors[element], f"{path}: {element}: {errors[element]}"


def _ran_through(matter: dict) -> set[str]:
    return {e["element_id"] for e in matter["history"] if e["action"] in ("complete", "auto") and e.get("element_id")}


@pytest.mark.parametrize("file", sorted(CASES))
def test_corpus_file(served, file):
    app, api = served
    outcome, extras = CASES[file]
    body = {"filename": file, "bpmn_xml": _text(CORPUS / file), "forms": FORMS}
    kind, _, what = outcome.partition(":")
    if kind == "refused":
        _refused(api, file, body, what.split("|"), extras.get("words", {}))
        return
    validated = api.post("/designs/validate", "sheji", body)
    assert validated.status_code == 200, validated.get_json()
    key = extras.get("process", "corpus_" + file.removesuffix(".bpmn"))
    assert key in validated.get_json()["processes"]
    deployed = api.post("/designs", "sheji", body)
    assert deployed.status_code == 201, deployed.get_json()
    listed = {p["key"]: p for p in api.get("/processes", "sheji").get_json()}
    if "name" in extras:
        assert listed[key]["name"] == extras["name"]
    starter = ROLE_HOLDER.get(listed[key]["start_role"], "bangong")
    started = api.post(f"/processes/{key}/instances", starter, {"title": f"语料 {file}", "data": extras.get("data", {})})
    assert started.status_code == 201, started.get_json()
    matter = _drive(app, api, started.get_json()["id"])
    ran = _ran_through(matter)
    assert set(extras.get("visits", [])) <= ran, (sorted(ran), matter.get("error"))
    assert not set(extras.get("avoids", [])) & ran, sorted(ran)
    if kind == "completes":
        assert matter["status"] == "completed", (matter["status"], matter.get("error"))
    elif kind == "waits":
        wait_kind, element = what.split(":")
        assert matter["status"] == "running" and not matter["current_tasks"], (matter["status"], matter.get("error"))
        assert any(w["kind"] == wait_kind and w["element_id"] == element for w in matter["waiting_for"]), matter["waiting_for"]
    else:
        assert kind == "stops", outcome
        assert matter["status"] == "error" and what in (matter.get("error") or ""), (matter["status"], matter.get("error"))


def test_every_corpus_file_has_its_expected_outcome():
    assert sorted(p.name for p in CORPUS.glob("*.bpmn")) == sorted(CASES)


MODDLE = """
import { readFileSync } from 'node:fs';
import { BpmnModdle } from './node_modules/bpmn-moddle/dist/index.js';
const moddle = new BpmnModdle(), out = {};
for (const f of JSON.parse(process.argv[1])) {
  const { warnings } = await moddle.fromXML(readFileSync(f, 'utf8'));
  out[f] = warnings.map(w => w.message.split('\\n')[0]);
}
console.log(JSON.stringify(out));
"""


def test_the_common_executable_files_open_in_bpmn_moddle_as_saved():
    """What bpmn-js and Camunda Modeler read with: every reference resolves, nothing is unparsable."""
    files = sorted(str(p.relative_to(ROOT)) for p in CORPUS.glob("ce_*.bpmn"))
    run = subprocess.run(["node", "--input-type=module", "-e", MODDLE, json.dumps(files)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {f: [] for f in files}
