"""Chinese by default, English on request, Beijing time in the Chinese convention; the catalog is complete."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import ROOT, AuthActions
from tests.runtime.test_task_actions import letter


def test_chinese_by_default_and_english_on_request(app, api):
    matter, task = letter(api, "来信：语言")
    client = app.test_client()
    AuthActions(client).login("bangong")
    page = client.get("/tasks").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and ">待办<" in page and "提交办理" not in page
    assert "年" in page.split(task["name"])[1][:200]  # 2026年11月22日 14:05: the Chinese convention
    switched = client.get("/language/en?next=/tasks", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="en">' in switched and ">To do<" in switched and ">Log out<" in switched
    task_page = client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert ">Submit<" in task_page and "Reassign or delegate" in task_page
    assert client.get("/language/zh?next=https://evil.example/").headers["Location"] == "/"  # no open redirect
    assert ">待办<" in client.get("/tasks").get_data(as_text=True)


def test_times_are_beijing_time(app, api):
    matter, task = letter(api, "来信：时区")
    arrived = api.instance(matter)["current_tasks"][0]["created_at"]  # UTC, ISO 8601
    from datetime import datetime, timedelta
    utc = datetime.fromisoformat(arrived)
    beijing = (utc + timedelta(hours=8)).strftime("%Y年%m月%d日 %H:%M")
    client = app.test_client()
    AuthActions(client).login("bangong")
    assert beijing in client.get("/tasks").get_data(as_text=True)


def test_every_message_in_the_interface_has_an_english_translation():
    webui = ROOT / "webui"
    method_map = [("templates/**.html", "jinja2"), ("**.py", "python")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}  # the lazy forms too (the HTTP error texts)
    used = {message for _, _, message, _, _ in extract_from_dir(str(webui), method_map, keywords=keywords)}
    used = {m if isinstance(m, str) else m[0] for m in used}
    catalog = read_po((webui / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb"))
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and all(m.string)}
    assert used and used <= translated, f"untranslated: {sorted(used - translated)}"
    assert Path(webui / "translations" / "en" / "LC_MESSAGES" / "messages.mo").exists()  # compiled at install
