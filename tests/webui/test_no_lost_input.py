"""No typed text is lost (refused uploads, 413) and nothing is filed twice (reload, double submit);
withdraw offered only where it works, notifications lead to the task, each role's landing page, XLSX layout."""
from __future__ import annotations

import io
import re

import sqlalchemy as sa
from openpyxl import load_workbook

from engine.models import Comment
from engine.models import Instance
from engine.models import Letter
from tests.browser_helpers import ARTIFACTS, login
from tests.conftest import AuthActions, csrf_token
from tests.runtime.test_task_actions import REGISTER, letter

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
MB = 1024 * 1024


def count(app, column) -> int:
    with app.extensions["powerflow"].db.reader() as session:
        return session.scalar(sa.select(sa.func.count(column)))


def form(client, path: str) -> dict:
    page = client.get(path).get_data(as_text=True)
    return {"csrf_token": csrf_token(page), "form_token": TOKEN.search(page).group(1)}


def test_a_second_post_with_the_same_token_creates_nothing_new(app, api):
    """Reload or double submit of the mailbox, the start form and the comment form files once (both databases)."""
    client = app.test_client()
    fields = form(client, "/public/mailbox") | {"content": "楼道灯坏了一个月，请尽快修理。"}
    first = client.post("/public/mailbox", data=fields)
    again = client.post("/public/mailbox", data=fields)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]  # the same tracking number
    assert count(app, Letter.tracking_number) == 1
    other = client.post("/public/mailbox", data=form(client, "/public/mailbox") | {"content": "另一封来信，反映噪音问题。"})
    assert other.headers["Location"] != first.headers["Location"] and count(app, Letter.tracking_number) == 2

    AuthActions(client).login("bangong")
    before = count(app, Instance.id)
    fields = form(client, "/processes/major_decision/start") | {"title": "关于双击只发起一次的决策"}
    started, restarted = client.post("/processes/major_decision/start", data=fields), \
        client.post("/processes/major_decision/start", data=fields)
    assert started.status_code == restarted.status_code == 302
    assert started.headers["Location"] == restarted.headers["Location"] and "/tasks/" in started.headers["Location"]
    assert count(app, Instance.id) == before + 1

    matter, _ = letter(api, "来信：重复提交")
    fields = form(client, f"/matters/{matter}") | {"body": "只应出现一次的意见"}
    posted, reposted = (client.post(f"/matters/{matter}/comments", data=fields, content_type="multipart/form-data")
                        for _ in range(2))
    assert posted.headers["Location"] == reposted.headers["Location"]
    assert count(app, Comment.id) == 1
    page = client.get(reposted.headers["Location"]).get_data(as_text=True)
    assert page.count("只应出现一次的意见") == 1
    # A token is one person's: someone else's reuse of it files nothing under the first person's name.
    other = app.test_client()
    AuthActions(other).login("bangong2")
    stolen = other.post(f"/matters/{matter}/comments", content_type="multipart/form-data",
                        data=fields | {"csrf_token": csrf_token(other.get(f"/matters/{matter}").get_data(as_text=True))})
    assert stolen.status_code == 409 and count(app, Comment.id) == 1


def test_a_refused_comment_and_a_request_too_large_keep_the_user_on_a_helpful_page(web_app, client, auth):
    api_client = web_app.test_client()
    from tests.conftest import Api
    matter, _ = letter(Api(api_client), "来信：附件过大")
    auth.login("bangong")
    fields = form(client, f"/matters/{matter}")
    refused = client.post(f"/matters/{matter}/comments", content_type="multipart/form-data", data=fields | {
        "body": "我写了很长的意见", "files": [(io.BytesIO(b"MZ\x90\x00"), "setup.exe"), (io.BytesIO(b"not pdf"), "a.pdf")]})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and ">我写了很长的意见</textarea>" in page
    assert "“setup.exe”的类型不允许" in page and "“a.pdf”的内容与扩展名 .pdf 不符" in page and "请重新选择附件" in page

    web_app.config["ATTACHMENT_MAX_BYTES"] = 100 * 1024  # the whole comment request may then carry 1.3 MB
    huge = client.post(f"/matters/{matter}/comments", content_type="multipart/form-data", data=fields | {
        "body": "文字", "files": [(io.BytesIO(b"x" * 2 * MB), "scan.pdf")]})
    page = huge.get_data(as_text=True)
    assert huge.status_code == 413 and 'id="comment-form"' in page and "来信：附件过大" in page
    assert "超过上限 1.3 MB" in page and "每个附件不超过 0.1 MB" in page

    big_form = client.post("/processes/major_decision/start", data={"title": "x" * 3 * MB},
                           headers={"Referer": "http://localhost/processes/major_decision/start"})
    page = big_form.get_data(as_text=True)
    assert big_form.status_code == 413 and "超过上限 2 MB" in page
    assert 'href="/processes/major_decision/start" id="error-back"' in page
    assert count(web_app, Comment.id) == 0


def test_withdraw_is_offered_only_where_it_would_succeed(web_app, client, auth):
    from tests.conftest import Api
    api = Api(web_app.test_client())
    matter, register = letter(api, "来信：撤回检查")
    assert api.complete(register["id"], "bangong", REGISTER).status_code == 200
    auth.login("bangong")
    assert f"/tasks/{register['id']}/withdraw" in client.get("/done").get_data(as_text=True)
    classify = api.instance(matter)["current_tasks"][0]
    assert api.complete(classify["id"], "bangong", {"category": "投诉", "handler_department": "bumen",
                                                    "handle_days": 10}).status_code == 200
    done = client.get("/done").get_data(as_text=True)
    # The later step may be taken back; the earlier one no longer (the next step was done) and the list says so.
    assert f"/tasks/{classify['id']}/withdraw" in done and f"/tasks/{register['id']}/withdraw" not in done
    assert api.post(f"/tasks/{register['id']}/withdraw", "bangong", {"reason": "试试"}).status_code == 409
    handle = api.instance(matter)["current_tasks"][0]
    assert api.complete(handle["id"], "bumen", {"handling_result": "已安排维修，路灯于三日内修复。"}).status_code == 200  # another acted
    assert "/withdraw" not in client.get("/done").get_data(as_text=True)


def test_a_notification_opens_the_task_and_each_role_lands_where_its_work_is(web_app, client, auth):
    from tests.conftest import Api
    api = Api(web_app.test_client())
    matter, register = letter(api, "来信：转办通知")
    assert api.post(f"/tasks/{register['id']}/reassign", "bangong", {"to": "bangong2", "reason": "出差"}).status_code == 200
    auth.login("bangong2")
    assert client.get("/").headers["Location"].endswith("/tasks")  # a pending task comes first
    page = client.get("/notifications").get_data(as_text=True)
    assert f'href="/tasks/{register["id"]}">转办给您' in page
    auth.logout()
    for user, landing in (("jiwei", "/audit/"), ("jiandu", "/audit/"), ("sheji", "/modeler/"), ("shangji", "/tasks")):
        response = auth.login(user)
        assert response.headers["Location"] == "/", user
        assert client.get("/").headers["Location"].endswith(landing), user
        auth.logout()


def test_the_xlsx_export_has_a_frozen_header_and_fitting_widths(client, auth):
    from tests.conftest import Api
    auth.login("jiwei")
    Api(client).start("关于一个标题相当长的重大事项以便检验导出的列宽是否足以容纳")
    response = client.get("/audit/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    width = {name: sheet.column_dimensions[chr(ord("A") + n)].width for n, name in enumerate(header)}
    assert width["标题"] >= 60 > width["编号"] and width["发起时间"] >= 16


def test_a_refused_upload_keeps_the_text_in_the_browser(web_app, live_url, browser):
    """upload.js stops an oversized file before it is sent; the server's refusal also keeps the text."""
    from tests.conftest import Api
    matter, _ = letter(Api(web_app.test_client()), "来信：浏览器附件")
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, live_url, "bangong")
    page.goto(f"{live_url}/matters/{matter}")
    text = "这是我认真写下的一大段意见，不能因为附件被拒就丢失。"
    page.fill("#comment-body", text)
    big = {"name": "扫描件.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * (11 * MB)}
    page.set_input_files("#comment-files", big)
    message = page.locator("#e-comment-files")
    assert message.is_visible() and "扫描件.pdf" in message.inner_text() and "10 MB" in message.inner_text()
    page.click("#comment-form button")
    assert page.url.endswith(f"/matters/{matter}") and page.input_value("#comment-body") == text  # never sent
    page.screenshot(path=str(ARTIFACTS / "upload-refused-in-browser-1280.png"), full_page=False)

    page.evaluate("document.querySelector('#comment-files').removeAttribute('data-max-bytes')")  # bypass upload.js
    page.set_input_files("#comment-files", {"name": "伪装.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00"})
    with page.expect_navigation():
        page.click("#comment-form button")
    assert page.input_value("#comment-body") == text
    assert "“伪装.pdf”的内容与扩展名 .pdf 不符" in page.inner_text("#e-comment-files")
    page.set_viewport_size({"width": 375, "height": 800})
    page.locator("#comments").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "upload-refused-by-server-375.png"), full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert count(web_app, Comment.id) == 0
    page.close()


def test_reloading_the_letter_confirmation_files_no_second_letter(web_app, live_url, browser):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{live_url}/public/mailbox")
    page.fill("#f-content", "小区路灯坏了一个月，晚上出行很不方便。")
    page.click("form button")
    number = page.inner_text("#tracking-number")
    assert count(web_app, Letter.tracking_number) == 1
    page.reload()
    assert page.inner_text("#tracking-number") == number and count(web_app, Letter.tracking_number) == 1
    page.screenshot(path=str(ARTIFACTS / "mailbox-confirmation-reloaded-375.png"), full_page=True)
    page.close()
