"""In Chromium: the office starts a major decision and the member in charge takes the next step."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import ProcessVersion
from tests.browser_helpers import ARTIFACTS, login


def test_office_starts_and_member_in_charge_consents_in_chromium(live_url, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    office = browser.new_page(viewport={"width": 1280, "height": 900})
    login(office, live_url, "bangong")
    office.click("text=流程目录")
    office.click("tr:has-text('重大决策') a.button:has-text('发起')")
    office.fill("#f-title", "关于城区老旧小区改造项目的决策")
    office.click("button:has-text('发起')")
    office.wait_for_selector("h1:has-text('登记议题')")
    office.click("button:has-text('提交办理')")  # empty form: errors appear beside the fields
    assert office.inner_text("#e-summary") == "此项必填"
    office.fill("#f-summary", "拟安排专项资金用于老旧小区改造，涉及12个小区。")
    office.select_option("#f-field", "城乡建设")
    office.select_option("#f-source", "职能部门提出")
    office.select_option("#f-topic_kind", "一般事项")
    office.click("button:has-text('提交办理')")
    office.wait_for_selector("text=实时流程图")
    assert "周常委" in office.inner_text("table.list")  # the next holder is the member in charge
    assert office.locator("#el_consent_topic").count() == 1
    office.screenshot(path=str(ARTIFACTS / "matter-after-filing.png"), full_page=True)

    member = browser.new_page(viewport={"width": 1280, "height": 900})
    login(member, live_url, "zhoucw")
    member.click("text=关于城区老旧小区改造项目的决策")
    member.wait_for_selector("h1:has-text('分管常委审核议题')")
    member.check("input[name=consent][value=true]")
    member.fill("#f-consent_opinion", "同意提交常委会审议。")
    member.click("button:has-text('提交办理')")
    # The member in charge prepares the materials next (R3): the browser goes straight to that task.
    member.wait_for_selector("h1:has-text('调查研究')")
    assert "关于城区老旧小区改造项目的决策" in member.inner_text("p.crumbs")
    member.screenshot(path=str(ARTIFACTS / "matter-after-consent.png"), full_page=True)


DRAW = """() => {
  // Drawing with bpmn-js's own modeling API, as the palette and context pad do.
  const m = window.powerflowModeler, reg = m.get('elementRegistry'), modeling = m.get('modeling');
  const factory = m.get('elementFactory'), pool = reg.get('lane_1').parent;
  const fill = modeling.appendShape(reg.get('start'), factory.createShape({type: 'bpmn:UserTask'}), {x: 330, y: 185}, pool);
  const review = modeling.appendShape(fill, factory.createShape({type: 'bpmn:UserTask'}), {x: 500, y: 185}, pool);
  modeling.appendShape(review, factory.createShape({type: 'bpmn:EndEvent'}), {x: 650, y: 185}, pool);
  return [fill.id, review.id];
}"""


def select_element(page, element_id: str) -> None:
    page.evaluate("id => { const m = window.powerflowModeler; m.get('selection').select(m.get('elementRegistry').get(id)); }",
                  element_id)
    page.wait_for_function("id => document.querySelector('#panel input[name=id]')?.value === id", arg=element_id)


def test_a_designer_draws_deploys_and_the_process_runs_in_chromium(web_app, live_url, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    login(page, live_url, "sheji")
    page.click("text=流程设计")
    page.click("text=新建流程")
    page.fill("#new-key", "leave_request")
    page.fill("#new-name", "请假审批")
    page.click("#create")
    page.wait_for_selector(".djs-element[data-element-id=start]")
    select_element(page, "lane_1")
    page.select_option("#panel select[name=lane_role]", "办公室")
    fill, review = page.evaluate(DRAW)

    page.click("#validate")  # tasks without forms: refused, the element named and marked
    page.wait_for_selector(f"#problems li[data-element='{fill}']")
    assert page.locator(f".djs-element.pf-error[data-element-id='{fill}']").count() == 1

    select_element(page, fill)
    page.fill("#panel input[name=name]", "填写申请")
    page.press("#panel input[name=name]", "Enter")
    page.fill("#panel input[name=assignee]", "started_by")
    page.press("#panel input[name=assignee]", "Enter")
    page.check("#panel input[name=any_role]")  # the starter fills it in whatever role they hold
    page.click("#edit-form")
    page.fill("#fe-file", "leave_fill.schema.json")
    page.fill("#fe-title", "请假申请")
    page.fill("#fe-fields tr:nth-child(1) .fe-name", "reason")
    page.fill("#fe-fields tr:nth-child(1) .fe-label", "请假事由")
    page.click("#fe-save")
    select_element(page, review)
    page.fill("#panel input[name=name]", "审批")
    page.press("#panel input[name=name]", "Enter")
    page.select_option("#panel select[name=form]", "leave_fill.schema.json")
    page.click("#deploy")
    page.wait_for_selector("#deployed")
    assert "请假审批 第 1 版" in page.inner_text("#status")
    with web_app.extensions["powerflow"].db.reader() as session:
        drawn = session.scalars(select(ProcessVersion.bpmn_xml).where(ProcessVersion.process_key == "leave_request")).one()
    assert '<spiffworkflow:property name="anyRole" value="true" />' in drawn
    page.screenshot(path=str(ARTIFACTS / "modeler-deployed.png"), full_page=True)

    office = browser.new_page(viewport={"width": 1280, "height": 900})
    login(office, live_url, "bangong")
    office.goto(f"{live_url}/processes/leave_request/start")
    office.fill("#f-title", "张三请假三天")
    office.click("button:has-text('发起')")
    office.wait_for_selector("h1:has-text('填写申请')")
    office.fill("#f-reason", "家中有事。")
    office.click("button:has-text('提交办理')")
    # The office also holds the next step (its lane's role), so the browser goes straight to it.
    office.wait_for_selector("h1:has-text('审批')")
    assert "张三请假三天" in office.inner_text("p.crumbs")
    review_url = office.url

    # The second holder sees the first holder's answer, labelled, with who gave it: no `show` was drawn.
    colleague = browser.new_page(viewport={"width": 1280, "height": 900})
    login(colleague, live_url, "bangong2")
    colleague.goto(review_url)
    file = colleague.locator("#matter-file")
    assert "填写申请" in file.inner_text() and "孙主任（办公室）" in file.inner_text()
    assert file.locator("dt", has_text="请假事由").count() == 1
    assert file.locator("dd.answer").first.inner_text() == "家中有事。"
    for page_ in (page, office, colleague):
        page_.close()


# dmn-js's minified bundle carries Inferno's development check, which reports itself with console.error
INFERNO_NOTICE = "It looks like you're using a minified copy of the development build of Inferno"


def test_pages_with_diagrams_run_under_the_content_security_policy(live_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    refused = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error"
            and not message.text.startswith(("Failed to load resource", INFERNO_NOTICE)) else None)
    page.on("response", lambda response: refused.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    login(page, live_url, "sheji")
    page.goto(f"{live_url}/modeler/dmn/large_fund.dmn")
    page.wait_for_selector(".tjs-table")  # dmn-js drew the decision table
    page.goto(f"{live_url}/processes/major_decision")
    page.wait_for_selector("#bpmn .djs-container")  # the BPMN viewer drew the diagram
    assert refused == []
