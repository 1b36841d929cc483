"""Pages a user works with: login, 待办, the task form, starting a matter, the matter page."""
from __future__ import annotations

import re

from engine.models import Instance
from tests.conftest import csrf_token


def test_pages_require_login_and_login_logout_work(client, auth):
    assert client.get("/tasks").status_code == 302
    wrong = auth.login("bangong", "not-the-password")
    assert wrong.status_code == 400 and "用户名或密码不正确" in wrong.get_data(as_text=True)
    response = auth.login("bangong")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert "孙主任" in client.get("/tasks").get_data(as_text=True)
    assert auth.logout().status_code == 302
    assert client.get("/tasks").status_code == 302


def test_forms_without_csrf_token_are_refused(client, auth):
    assert client.post("/login", data={"username": "bangong", "password": "demo"}).status_code == 400
    auth.login("bangong")
    refused = client.post("/processes/major_decision/start", data={"title": "无令牌"})
    assert refused.status_code == 400 and "表单已过期" in refused.get_data(as_text=True)
    assert "无令牌" not in client.get("/matters").get_data(as_text=True)


def start_matter(client, title: str) -> str:
    page = client.get("/processes/major_decision/start").get_data(as_text=True)
    response = client.post("/processes/major_decision/start", data={"title": title, "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    return response.headers["Location"]


def submit(client, task_url: str, data: dict):
    token = csrf_token(client.get(task_url).get_data(as_text=True))
    return client.post(task_url, data={**data, "csrf_token": token})


def test_office_starts_a_matter_and_each_holder_completes_it_in_the_browser(web_app, client, auth):
    auth.login("bangong")
    untitled = client.post("/processes/major_decision/start",
                           data={"title": "", "csrf_token": csrf_token(client.get("/processes/major_decision/start")
                                                                        .get_data(as_text=True))})
    assert untitled.status_code == 422 and "请填写标题" in untitled.get_data(as_text=True)

    task_url = start_matter(client, "关于网页办理的决策")
    assert re.fullmatch(r"/tasks/\d+", task_url)
    page = client.get(task_url).get_data(as_text=True)
    assert "登记议题" in page and "议题内容" in page and "城乡建设（周常委）" in page

    bad = submit(client, task_url, {"summary": "太短", "source": "常委提出"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert 'maxlength="4000">太短</textarea>' in html  # what the user typed is kept
    assert '<p class="error" id="e-summary">至少 10 个字符</p>' in html
    assert '<p class="error" id="e-field">此项必填</p>' in html
    assert 'value="常委提出" selected' in html

    done = submit(client, task_url, {"summary": "拟安排专项资金用于老旧小区改造。", "field": "城乡建设", "source": "常委提出",
                                      "topic_kind": "一般事项"})
    assert done.status_code == 302 and done.headers["Location"].startswith("/matters/")
    matter_url = done.headers["Location"]
    matter = client.get(matter_url).get_data(as_text=True)
    assert "分管常委审核议题" in matter and "周常委" in matter and "<svg" in matter

    auth.logout()
    auth.login("zhoucw")
    inbox = client.get("/tasks").get_data(as_text=True)
    assert "关于网页办理的决策" in inbox and "分管常委审核议题" in inbox
    consent_url = re.search(r'href="(/tasks/\d+)">关于网页办理的决策', inbox).group(1)
    after = submit(client, consent_url, {"consent": "true", "consent_opinion": "同意提交。"})
    assert after.status_code == 302
    with web_app.extensions["powerflow"].db.reader() as session:
        instance = session.get(Instance, int(matter_url.rsplit("/", 1)[1]))
        assert instance.chart_state["elements"]["consent_topic"] == "completed"
        assert instance.chart_state["elements"]["research"] == "current"
    assert "调查研究" in client.get("/tasks").get_data(as_text=True)


def test_matter_page_shows_live_chart_holder_and_timeline(client, auth):
    auth.login("bangong")
    start_matter(client, "关于流程图页面的决策")
    matter_url = "/matters/1"
    page = client.get(matter_url).get_data(as_text=True)
    assert "<title>关于流程图页面的决策 · 权力公开透明运行</title>" in page
    assert "实时流程图" in page and "当前步骤" in page and "办理经过" in page
    assert "#el_file_topic polygon" in page  # current step styled
    assert 'class="holder"' in page and "孙主任" in page
    assert "发起" in page
    svg = client.get(f"{matter_url}/flowchart.svg")
    assert svg.mimetype == "image/svg+xml" and b"lane_lane_office" in svg.data


def test_people_outside_a_matter_cannot_open_it(client, auth):
    auth.login("bangong")
    start_matter(client, "关于他人不可见事项的决策")
    auth.logout()
    auth.login("daibiao")
    response = client.get("/matters/1")
    assert response.status_code == 404 and "关于他人不可见事项的决策" not in response.get_data(as_text=True)
    assert client.get("/tasks/1").status_code == 403
    assert client.get("/processes/major_decision/start").status_code == 200
    assert "只有“办公室”可以发起" in client.get("/processes/major_decision/start").get_data(as_text=True)


def test_catalog_chart_and_front_end_packages(client, auth):
    auth.login("jiandu")
    catalog = client.get("/processes").get_data(as_text=True)
    assert "重大决策" in catalog and "第 1 版" in catalog
    page = client.get("/processes/major_decision").get_data(as_text=True)
    assert "<svg" in page and "bpmn-navigated-viewer" in page
    bpmn = client.get("/processes/major_decision/diagram.bpmn")
    assert bpmn.status_code == 200 and b"bpmndi:BPMNDiagram" in bpmn.data
    # Installed from npm at setup, served from node_modules.
    assert client.get("/vendor/htmx.org/dist/htmx.min.js").status_code == 200
    assert client.get("/vendor/bpmn-js/dist/bpmn-navigated-viewer.production.min.js").status_code == 200
    assert client.get("/vendor/../package.json").status_code == 404
    assert client.get("/vendor/bpmn-js/package.json").status_code == 404


def test_unknown_pages_and_methods_get_friendly_errors(client, auth):
    auth.login("bangong")
    missing = client.get("/matters/424242")
    assert missing.status_code == 404 and "事项不存在或您无权查看" in missing.get_data(as_text=True)
    assert client.delete("/tasks").status_code == 405


def test_auditor_urges_from_the_matter_page_and_the_holder_reads_it_in_notifications(client, auth):
    auth.login("bangong")
    start_matter(client, "关于网页催办的决策")
    auth.logout()
    auth.login("jiwei")
    page = client.get("/matters/1").get_data(as_text=True)
    assert "催办" in page
    urged = client.post(re.search(r'action="(/tasks/\d+/urge)"', page).group(1), data={"csrf_token": csrf_token(page)})
    assert urged.status_code == 302
    assert "已催办，通知了 1 人" in client.get("/matters/1").get_data(as_text=True)
    auth.logout()
    auth.login("bangong")
    header = client.get("/tasks").get_data(as_text=True)
    assert 'aria-label="未读 1 条"' in header
    listing = client.get("/notifications").get_data(as_text=True)
    assert "催办：关于网页催办的决策「登记议题」（冯书记（纪委））" in listing
    assert "未读" not in client.get("/tasks").get_data(as_text=True)  # read once seen
