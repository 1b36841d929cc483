"""The modeler in Chromium: labels in the page's language, only what the engine runs, every problem listed
by name, an empty canvas answered, a draft kept across a reload, and version times in Beijing time."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from tests.browser_helpers import ARTIFACTS, designer_page, login

CJK = re.compile(r"[\u4e00-\u9fff]")
DRAW = """() => {
  const m = window.powerflowModeler, reg = m.get('elementRegistry'), modeling = m.get('modeling');
  const factory = m.get('elementFactory'), pool = reg.get('lane_1').parent;
  const fill = modeling.appendShape(reg.get('start'), factory.createShape({type: 'bpmn:UserTask'}), {x: 330, y: 185}, pool);
  modeling.updateLabel(fill, '填写申请');
  const review = modeling.appendShape(fill, factory.createShape({type: 'bpmn:UserTask'}), {x: 500, y: 185}, pool);
  modeling.appendShape(review, factory.createShape({type: 'bpmn:EndEvent'}), {x: 650, y: 185}, pool);
  return [fill.id, review.id];
}"""
TITLES = """selector => [...document.querySelectorAll(selector)]
  .map(e => (e.getAttribute('aria-label') || e.title || e.textContent || '').trim()).filter(Boolean)"""


def select_element(page, element_id: str) -> None:
    page.evaluate("id => { const m = window.powerflowModeler; m.get('selection').select(m.get('elementRegistry').get(id)); }",
                  element_id)
    page.wait_for_function("id => document.querySelector('#panel input[name=id]')?.value === id", arg=element_id)


def untranslated(page, selector: str, english: bool = False) -> list[str]:
    labels = page.evaluate(TITLES, selector)
    assert labels, f"nothing under {selector}"
    return [t for t in labels if bool(CJK.search(t)) == english]


def test_a_designer_sees_chinese_labels_every_problem_and_keeps_a_draft(live_url, browser):
    page, failures = designer_page(browser, live_url)
    for button in ("#validate", "#deploy"):  # nothing drawn yet: an answer, not a spinner
        page.click(button)
        page.wait_for_function("() => document.querySelector('#status').textContent.includes('画布是空的')")
    page.fill("#new-key", "leave_check")
    page.fill("#new-name", "请假核对")
    page.click("#create")
    page.wait_for_selector(".djs-element[data-element-id=start]")
    fill, review = page.evaluate(DRAW)

    assert untranslated(page, ".djs-palette .entry") == []
    palette = " ".join(page.evaluate(TITLES, ".djs-palette .entry"))
    assert "创建用户任务" in palette and "数据" not in palette  # data objects are not run by the engine
    page.click(f".djs-element[data-element-id={fill}]")
    page.wait_for_selector(".djs-context-pad .entry")
    assert untranslated(page, ".djs-context-pad .entry") == []
    page.click(".djs-context-pad .entry[data-action=replace]")
    page.wait_for_selector(".djs-popup .entry")
    assert untranslated(page, ".djs-popup .entry") == []
    offered = " ".join(page.evaluate(TITLES, ".djs-popup .entry"))
    assert "脚本任务" in offered and "服务任务" not in offered and "人工任务" not in offered
    page.keyboard.press("Escape")

    page.click("#validate")  # two tasks without forms, one of them unnamed: both listed at once
    page.wait_for_selector(f"#problems li[data-element='{review}']")
    items = page.locator("#problems li").all_inner_texts()
    assert any(t.startswith("填写申请：") for t in items) and any(t.startswith(review + "：") for t in items)
    assert page.locator(".djs-element.pf-error").count() >= 2
    page.click(f"#problems li[data-element='{review}']")
    page.wait_for_function("id => document.querySelector('#panel input[name=id]')?.value === id", arg=review)

    select_element(page, fill)
    page.click("#edit-form")
    assert re.fullmatch(r"[a-z0-9_]+\.schema\.json", page.input_value("#fe-file"))
    page.fill("#fe-fields tr:nth-child(1) .fe-name", "days")
    page.select_option("#fe-fields tr:nth-child(1) .fe-type", "integer")
    page.fill("#fe-fields tr:nth-child(1) .fe-min", "5")
    page.fill("#fe-fields tr:nth-child(1) .fe-max", "1")
    page.click("#fe-save")
    assert "最小值大于最大值" in page.inner_text("#fe-error")
    page.fill("#fe-fields tr:nth-child(1) .fe-min", "1")
    page.fill("#fe-fields tr:nth-child(1) .fe-max", "30")
    page.click("#fe-save")
    page.wait_for_selector("#form-editor", state="hidden")
    page.click("#validate")
    page.wait_for_function("() => document.querySelectorAll('#problems li').length >= 1 && "
                           "!document.querySelector('#status').textContent.includes('正在')")
    assert not any(t.startswith("填写申请：") for t in page.locator("#problems li").all_inner_texts())
    page.screenshot(path=str(ARTIFACTS / "modeler-problems-1280.png"), full_page=True)

    page.wait_for_function("() => localStorage.getItem('powerflow.modeler.draft.new') !== null")
    warned = []
    page.on("dialog", lambda dialog: (warned.append(dialog.type), dialog.accept()))
    page.reload()
    assert warned == ["beforeunload"]
    page.wait_for_selector("#draft-bar:not([hidden])")
    page.click("#draft-restore")
    page.wait_for_selector(f".djs-element[data-element-id='{review}']")
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "modeler-375.png"), full_page=True)
    page.evaluate("() => localStorage.clear()")
    page.goto(f"{live_url}/modeler/dmn/large_fund.dmn")  # the decision table editor speaks Chinese too
    page.wait_for_selector(".tjs-table")
    assert "命中策略" in page.inner_text("#dmn") and "Hit policy" not in page.inner_text("#dmn")
    assert failures == []
    page.close()


def test_version_history_shows_beijing_time_and_its_buttons_in_english(live_url, web_app, browser):
    from engine.process import designs
    from engine.directory.people import Directory
    from engine.models import ProcessVersion
    db = web_app.extensions["powerflow"].db
    from tests.conftest import PROCESSES
    xml = (PROCESSES / "major_decision.bpmn").read_text(encoding="utf-8").replace('name="议题退回"', 'name="议题已退回"')
    with db.transaction() as session:  # a second version, whose change is one step's name
        designs.deploy(session, designs.Design("major_decision.bpmn", xml.encode("utf-8"), {}), PROCESSES,
                       Directory(session).user("sheji"))
    with db.reader() as session:
        published = [v.deployed_at for v in session.query(ProcessVersion).filter_by(process_key="major_decision")
                     .order_by(ProcessVersion.version)]
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

    def beijing(moment, english: bool) -> str:
        t = moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Shanghai"))
        return f"{t.day} {months[t.month - 1]} {t.year}, {t:%H:%M}" if english else f"{t:%Y年%m月%d日 %H:%M}"

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, live_url, "sheji")
    page.goto(f"{live_url}/modeler/edit/major_decision")
    history = page.inner_text("section.card:has(h2:text-is('版本'))")
    assert all(beijing(t, False) in history for t in published)
    for button in page.locator("button.pf-link").all():  # roll back, migrate: readable on the white card
        assert button.is_visible()
        color = button.evaluate("b => getComputedStyle(b).color")
        assert color not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    assert page.locator("button.pf-link").count() >= 1

    page.goto(f"{live_url}/language/en?next=/modeler/edit/major_decision")
    page.wait_for_selector(".djs-palette .entry")
    history = page.inner_text("section.card:has(h2:text-is('Version'))")
    assert all(beijing(t, True) in history for t in published), history
    assert untranslated(page, ".djs-palette .entry", english=True) == []
    page.screenshot(path=str(ARTIFACTS / "modeler-history-en-1280.png"), full_page=True)
    page.close()
