"""English mode: no Chinese left on any page outside user data; every time shown in Beijing time."""
from __future__ import annotations

import json
import re
import tomllib
from datetime import datetime, timezone
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from lxml import etree
from sqlalchemy import select

from engine.ops import demo
from engine.models import Comment
from engine.messages import MESSAGES
from engine.models import (AuditEvent, CalendarDay, Decision, Field, HumanTask, Instance, ProcessVersion,
                           Role, Topic, User)
from engine.models import Copy, Letter, Publication
from engine.directory.people import candidates
from tests.browser_helpers import ARTIFACTS, login
from tests.conftest import PROCESSES, ROOT, AuthActions, csrf_token

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ROLE_USERS = ["bangong", "shuji", "fushuji", "zhoucw", "jiwei", "jiandu", "zuzhi", "bumen", "shangji", "daibiao",
              "sheji", "admin", "qianwy"]
SHOWN_ATTRIBUTES = {"placeholder", "aria-label", "title", "alt", "data-label"}
# Stored as the engine wrote them (in Chinese) and shown as stored: listed in the report as not yet translated.
STORED_ENGINE_TEXT = [(Instance, "error")]  # notifications are stored with codes and read in English


class _Visible(HTMLParser):
    """The text a user reads: text nodes (not scripts or styles) and the attributes browsers show."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._svg_text: list[str] | None = None
        self._groups: list[list[str]] = []  # graphviz wraps a label over several <text>: read a node whole

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "text":
            self._svg_text = []
        elif tag == "g":
            self._groups.append([])
        attrs = dict(attrs)
        self.parts += [v for k, v in attrs.items() if k in SHOWN_ATTRIBUTES and v]
        if tag in ("input", "button") and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
        if tag == "text" and self._svg_text is not None:
            (self._groups[-1] if self._groups else self.parts).append("".join(self._svg_text))
            self._svg_text = None
        elif tag == "g" and self._groups:
            lines = self._groups.pop()
            if lines:
                self.parts.append("".join(lines))

    def handle_data(self, data):
        if self._svg_text is not None:
            self._svg_text.append(data.strip())
        elif not self._skip and data.strip():
            self.parts.append(data)


def _strings(value):
    """Every string inside a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def user_data(db) -> list[str]:
    """What users and designers wrote: names, titles, processes, forms, typed text; longest first."""
    found: set[str] = {"中文"}  # the language switch names each language in itself
    columns = [(User, "display_name"), (Role, "name"), (Field, "name"), (ProcessVersion, "name"),
               (ProcessVersion, "start_role"), (Instance, "title"), (Instance, "body"), (HumanTask, "name"),
               (HumanTask, "subject"), (HumanTask, "lane"), (HumanTask, "candidate_role"), (HumanTask, "note"),
               (HumanTask, "draft"), (AuditEvent, "element_name"), (AuditEvent, "details"), (Topic, "title"),
               (Topic, "body"), (Topic, "emergency_reason"), (Topic, "deferred_reason"), (Topic, "choices"),
               (Decision, "body"), (Decision, "chosen"), (Decision, "ruling"), (Comment, "body"),
               (Publication, "title"), (Publication, "text"), (Publication, "channel"),
               (Publication, "objection_contact"), (Letter, "rating_comment"), (Copy, "note"), (CalendarDay, "note"), (ProcessVersion, "forms"),
               *STORED_ENGINE_TEXT]
    with db.reader() as session:
        for model, column in columns:
            for value in session.scalars(select(getattr(model, column))):
                found.update(_strings(value))
    for path in PROCESSES.rglob("*"):
        if path.suffix in (".bpmn", ".dmn"):
            for element in etree.parse(str(path)).iter():
                found.update(v for v in element.attrib.values())
                found.update(t for t in (element.text,) if t)
        elif path.suffix == ".json":
            found.update(_strings(json.loads(path.read_text())))
        elif path.suffix == ".toml":
            found.update(_strings(tomllib.loads(path.read_text())))
    found.update(s for answer in demo.ANSWERS.values() if isinstance(answer, dict) for s in _strings(answer))
    return sorted((s.strip() for s in found if s and HAN.search(s)), key=len, reverse=True)


def chinese_left(text: str, data: list[str]) -> list[str]:
    """The pieces of ``text`` that still hold Chinese once every piece of user data is taken out."""
    left = []
    for part in text.split("\n"):
        if not HAN.search(part):
            continue
        for item in data:
            if item in part:
                part = part.replace(item, "\x00")
        if HAN.search(part):
            left.append(part.strip().replace("\x00", "…"))
    return left


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


def _links(html: str) -> set[str]:
    """Same-site pages linked from the header navigation."""
    nav = html.split("<nav", 1)[1].split("</nav>", 1)[0] if "<nav" in html else ""
    return {href for href in re.findall(r'href="(/[^"]*)"', nav) if not href.startswith("/language/")}


def _english_client(app, username: str | None):
    client = app.test_client()
    client.user = username
    client.get("/language/en")
    if username:
        assert AuthActions(client).login(username).status_code == 302
    return client


def _check(client, path: str, known: list[str], problems: dict, method: str = "get", **kwargs):
    response = getattr(client, method)(path, follow_redirects=True, **kwargs)
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html, f"{path} is not in English mode"
    if left := chinese_left(visible(html), known):
        problems[f"{path} ({client.user})"] = left
    return html


def test_every_page_is_english_in_english_mode(web_app):
    services = web_app.extensions["powerflow"]
    matters = demo.create_matters(services.db, services.runtime)
    data = user_data(services.db)
    with services.db.reader() as session:
        ready = session.scalars(select(HumanTask).where(HumanTask.state == "ready", HumanTask.kind == "task")
                                .order_by(HumanTask.id)).first()
        holder = candidates(session, ready)[0].username
        task_id, key = ready.id, session.get(Instance, ready.instance_id).process_key
    problems: dict[str, list[str]] = {}

    anonymous = _english_client(web_app, None)
    for path in ("/login", "/public/", "/public/decisions", *(f"/public/decisions/{m}" for m in matters),
                 "/public/mailbox", "/public/letters", "/public/processes/major_decision", "/matters/999999"):
        _check(anonymous, path, data, problems)
    seen: set[str] = set()
    for username in ROLE_USERS:
        client = _english_client(web_app, username)
        home = _check(client, "/", data, problems)
        for path in sorted(_links(home)):
            if (username, path) not in seen:
                seen.add((username, path))
                _check(client, path, data, problems)
        _check(client, "/notifications/settings", data, problems)
    auditor = _english_client(web_app, "jiwei")
    for path in ("/audit/", "/audit/charts", f"/audit/heatmap/{key}", "/audit/?status=nonsense",
                 *(f"/matters/{m}" for m in matters)):
        _check(auditor, path, data, problems)
    designer = _english_client(web_app, "sheji")
    for path in ("/modeler/", f"/modeler/edit/{key}", "/processes", f"/processes/{key}"):
        _check(designer, path, data, problems)
    owner = _english_client(web_app, holder)
    page = _check(owner, f"/tasks/{task_id}", data, problems)
    token = csrf_token(page)
    refused = _check(owner, f"/tasks/{task_id}/return", data, problems, method="post",
                     data={"csrf_token": token, "reason": ""})  # flashed: the reason is missing
    assert "Could not send back" in refused and "Give a reason" in refused
    invalid = owner.post(f"/tasks/{task_id}", data={"csrf_token": token}, follow_redirects=True)
    if left := chinese_left(visible(invalid.get_data(as_text=True)), data):
        problems["task form errors"] = left
    outsider = _english_client(web_app, "daibiao")
    forbidden = outsider.get(f"/tasks/{task_id}")
    assert forbidden.status_code in (403, 404)
    if left := chinese_left(visible(forbidden.get_data(as_text=True)), data):
        problems["refused task"] = left
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_engine_errors_carry_a_code_and_read_in_the_request_language(api):
    refused = api.get("/tasks/987654", "bangong")
    assert refused.status_code == 404
    body = refused.get_json()
    assert body["code"] == "task.missing" and body["params"] == {"task_id": 987654}
    assert body["error"] == MESSAGES["task.missing"].format(task_id=987654)  # Chinese by default
    english = api.client.get("/api/v1/tasks/987654", headers={"Authorization": f"Bearer {api.token('bangong')}",
                                                             "Accept-Language": "en-GB,en;q=0.9"})
    assert english.get_json() == body | {"error": "Task 987654 does not exist"}


def test_api_errors_name_each_field_by_code_in_the_request_language(api):
    english = api.client.post("/api/v1/auth/token", json={"username": "bangong"},
                              headers={"Accept-Language": "en"})
    assert english.status_code == 422
    body = english.get_json()
    assert body["code"] == "form.invalid" and body["params"] == {}
    assert body["fields"] == {"password": "This field is required"}
    chinese = api.client.post("/api/v1/auth/token", json={"username": "bangong"}).get_json()
    assert chinese["fields"] == {"password": MESSAGES["form.required"]} and chinese["code"] == "form.invalid"
    unknown = api.client.get("/api/v1/no-such-route", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404
    assert unknown.get_json() | {"error": None} == {"error": None, "code": "http.404", "params": {}, "fields": {}}
    assert unknown.get_json()["error"].isascii()


def test_chart_markers_and_holder_summaries_read_in_the_request_language(app):
    from webui.pages.live_chart import chart_svg, chart_text
    drawn = '<svg><text>审核</text><text>（自动）</text><text>（多人分别办理）</text><text>常委（任一人）</text></svg>'
    with app.test_request_context("/api/v1/instances", headers={"Accept-Language": "en"}):
        assert chart_text("甲、乙、丙 等5人") == "甲、乙、丙 and others (5 in all)"
        assert chart_text("常委（任一人）") == "常委 (anyone)"
        assert str(chart_svg(drawn)) == ('<svg><text>审核</text><text>(automatic)</text><text>(each separately)</text>'
                                         '<text>常委 (anyone)</text></svg>')
    with app.test_request_context("/api/v1/instances"):
        assert chart_text("甲、乙、丙 等5人") == "甲、乙、丙 等5人" and str(chart_svg(drawn)) == drawn


def test_a_refused_design_reads_in_english(api, app):
    from tests.process.test_designs import FORMS, XML, designer_client
    no_form = XML.replace('<spiffworkflow:property name="formJsonSchemaFilename" value="dd_review.schema.json" />', "")
    cut = no_form.replace('<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />', "")
    english = {"Authorization": f"Bearer {api.token('sheji')}", "Accept-Language": "en"}
    refused = api.client.post("/api/v1/designs/validate", json={"bpmn_xml": no_form, "forms": FORMS}, headers=english)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["errors"]["review"] == "The user task has no form property formJsonSchemaFilename"
    assert body["error"] == "design_demo.bpmn [review]: The user task has no form property formJsonSchemaFilename"
    chinese = api.post("/designs/validate", "sheji", {"bpmn_xml": no_form, "forms": FORMS}).get_json()
    assert chinese["errors"]["review"] == "用户任务缺少表单属性 formJsonSchemaFilename"

    client, headers = designer_client(app)
    client.get("/language/en")
    listed = client.post("/modeler/validate", json={"bpmn_xml": cut, "forms": FORMS}, headers=headers).get_json()
    messages = [p["message"] for p in listed["problems"]] + list(listed["errors"].values())
    assert "The user task has no form property formJsonSchemaFilename" in messages
    assert any("No end event can be reached" in m for m in messages)
    assert not [m for m in messages if HAN.search(m)], messages
    for body, words in (({"bpmn_xml": ""}, "The diagram XML is missing"),
                        ({"bpmn_xml": "<not-closed"}, "The XML is malformed")):
        answer = client.post("/modeler/validate", json=body, headers=headers).get_json()
        assert words in answer["problems"][0]["message"], answer


def _sandbox_refused_design() -> str:
    from tests.process.test_designs import XML
    script = ('<bpmn:scriptTask id="sneaky" name="脚本"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f2b</bpmn:outgoing>'
              '<bpmn:script>import os</bpmn:script></bpmn:scriptTask>'
              '<bpmn:sequenceFlow id="f2b" sourceRef="sneaky" targetRef="review" />')
    return (XML.replace('<bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="review" />',
                        '<bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="sneaky" />' + script)
               .replace('<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>',
                        '<bpmn:incoming>f2b</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>')
               .replace('name="dueInWorkingDays" value="2"', 'name="dueInWorkingDays" value="_secret + 1"'))


def test_sandbox_refusals_read_in_english(api, app):
    from tests.process.test_designs import FORMS, designer_client
    xml = _sandbox_refused_design()
    english = {"Authorization": f"Bearer {api.token('sheji')}", "Accept-Language": "en"}
    refused = api.client.post("/api/v1/designs/validate", json={"bpmn_xml": xml, "forms": FORMS}, headers=english)
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]
    assert errors["sneaky"].split("; ")[0] == "Script refused (line 1): import is not allowed", errors  # then: no DI
    assert errors["review"] == ("dueInWorkingDays must be a non-negative whole number or an expression: "
                                "Expressions may not use the name _secret"), errors
    assert not [m for m in errors.values() if HAN.search(m)], errors

    client, headers = designer_client(app)
    client.get("/language/en")
    listed = client.post("/modeler/validate", json={"bpmn_xml": xml, "forms": FORMS}, headers=headers).get_json()
    messages = [p["message"] for p in listed["problems"]] + list(listed["errors"].values())
    assert any("Script refused (line 1): import is not allowed" in m for m in messages), messages
    assert any("Expressions may not use the name _secret" in m for m in messages), messages
    assert not [m for m in messages if HAN.search(m)], messages


def test_sandbox_refusals_read_as_before_in_chinese(api):
    from tests.process.test_designs import FORMS
    xml = _sandbox_refused_design()
    errors = api.post("/designs/validate", "sheji", {"bpmn_xml": xml, "forms": FORMS}).get_json()["errors"]
    assert errors["sneaky"].split("；")[0] == "脚本被拒绝（第 1 行）：不允许 import", errors
    assert errors["review"] == "dueInWorkingDays 须是非负整数或表达式：表达式不允许使用名称 _secret", errors


def test_script_failures_from_the_runner_keep_their_code(app):
    from engine.bpmn.sandbox.pool import ScriptFailed, shared_pool
    from engine.bpmn.scripting import SandboxedEnvironment
    from engine.errors import ScriptRefused
    from webui.http.errors import engine_text
    environment = SandboxedEnvironment({"lookup": lambda key: {}[key]})
    failures = {}
    for script in ("x = [1] * 10 ** 7", "x = lookup('a')"):
        try:
            environment.execute(script, {})
        except ScriptRefused as exc:
            failures[script] = exc.msg
    assert failures["x = [1] * 10 ** 7"].code == "sandbox.result_too_large"
    assert failures["x = [1] * 10 ** 7"] == "脚本被拒绝：结果超过 1000000 项"
    assert failures["x = lookup('a')"] == "第 1 行 ScriptError: lookup()：'a'"
    with app.test_request_context("/api/v1/instances", headers={"Accept-Language": "en"}):
        assert engine_text(failures["x = [1] * 10 ** 7"]) == "Script refused: the result would have more than 1000000 items"
        assert engine_text(failures["x = lookup('a')"]) == "Line 1: ScriptError: lookup(): 'a'"
    with pytest.raises(ScriptFailed) as refused:
        shared_pool().run("import os", {}, {}, 2.0)
    assert refused.value.args[0].code == "sandbox.line_import" and refused.value.args[0].params == {"line": 1}


def test_english_catalog_covers_every_engine_message():
    from babel.messages.pofile import read_po
    catalog = read_po((ROOT / "webui/translations/en/LC_MESSAGES/messages.po").open("rb"))
    translated = {m.id for m in catalog if m.id and m.string}
    assert set(MESSAGES.values()) <= translated, sorted(set(MESSAGES.values()) - translated)


def test_done_list_shows_beijing_time_in_chromium(live_url, web_app, browser):
    services = web_app.extensions["powerflow"]
    late_evening_utc = datetime(2026, 11, 22, 17, 35, tzinfo=timezone.utc)  # already the 23rd in Beijing
    services.runtime.clock = lambda: late_evening_utc
    matter = services.runtime.start("major_decision", "关于时区显示的决策", {}, "bangong").instance_id
    demo.advance(services.db, services.runtime, matter, 1)
    with services.db.reader() as session:
        done = session.scalars(select(HumanTask).where(HumanTask.instance_id == matter,
                                                       HumanTask.state == "completed")).one()
        stored = done.completed_at
    beijing = stored.astimezone(ZoneInfo("Asia/Shanghai"))
    page = browser.new_page(viewport={"width": 375, "height": 800})
    login(page, live_url, "bangong")
    page.goto(f"{live_url}/done")
    cell = page.locator("tr:has-text('关于时区显示的决策') td[data-label='办理时间']").inner_text()
    assert cell == beijing.strftime("%Y年%m月%d日 %H:%M") == "2026年11月23日 01:35"
    page.goto(f"{live_url}/language/en?next=/done")
    cell = page.locator("tr:has-text('关于时区显示的决策') td[data-label='Done at']").inner_text()
    assert cell == "23 Nov 2026, 01:35"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "done-beijing-time.png"), full_page=True)
    page.close()


def test_charts_and_live_flowchart_read_in_english_in_chromium(live_url, web_app, browser):
    services = web_app.extensions["powerflow"]
    matters = demo.create_matters(services.db, services.runtime)
    data = user_data(services.db)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_url}/language/en?next=/login")
    login(page, live_url, "jiwei")
    problems = {}
    for path in (f"/matters/{matters[0]}", "/audit/heatmap/major_decision", "/audit/charts"):
        page.goto(f"{live_url}{path}")
        page.wait_for_load_state("networkidle")
        if left := chinese_left(visible(page.content()), data):  # the DOM as scripts left it
            problems[path] = left
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "english-heatmap.png"), full_page=True)
    page.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_notifications_read_in_the_readers_language(app, api):
    matter = api.start("老旧小区改造资金安排", as_user="bangong")
    task = api.instance(matter)["current_tasks"][0]
    api.post(f"/tasks/{task['id']}/reassign", "bangong", {"to": "bangong2", "reason": "请代为登记"})
    english = _english_client(app, "bangong2")
    assert "Handed over to you: 登记议题 (老旧小区改造资金安排)" in english.get("/notifications").get_data(as_text=True)
    chinese = app.test_client()
    AuthActions(chinese).login("bangong2")
    assert "转办给您：登记议题（老旧小区改造资金安排）" in chinese.get("/notifications").get_data(as_text=True)
    listed = api.get("/notifications", "bangong2").get_json()[0]
    assert listed["message"]["title"] == {"code": "notice.reassigned",
                                          "params": {"step": "登记议题", "matter": "老旧小区改造资金安排"}}


def test_exports_read_in_the_auditors_language(web_app):
    import io

    from openpyxl import load_workbook
    english = _english_client(web_app, "jiwei")
    sheet = load_workbook(io.BytesIO(english.get("/audit/export.xlsx").data)).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert not any(re.search(r"[\u4e00-\u9fff]", str(h)) for h in header), header
    chinese = web_app.test_client()
    AuthActions(chinese).login("jiwei")
    assert chinese.get("/audit/export.csv").get_data(as_text=True).lstrip("\ufeff").startswith("编号,流程,标题")
