"""转办, 委派 and 抄送 through the API, with their refusals, and the 已办 / 抄送我的 lists."""
from __future__ import annotations

from tests.meeting_helpers import MATTER

FILE = MATTER["file_topic"]
REGISTER = {"writer": "王某", "contact": "138", "channel": "书记信箱", "content": "小区门口路灯损坏已一月未修。"}


def letter(api, title="来信：路灯"):
    """A public_feedback matter whose first step is open to every office clerk (bangong, bangong2)."""
    matter = api.post("/processes/public_feedback/instances", "bangong", {"title": title, "data": {}}).get_json()["id"]
    return matter, api.instance(matter)["current_tasks"][0]


def test_reassign_hands_the_task_to_a_colleague_of_the_same_role_with_the_reason_on_record(api):
    matter, task = letter(api)
    refused = api.post(f"/tasks/{task['id']}/reassign", "bangong", {"to": "zhoucw", "reason": "出差"})
    assert refused.status_code == 422 and "办公室" in refused.get_json()["errors"]["to"]
    assert api.post(f"/tasks/{task['id']}/reassign", "bangong", {"to": "bangong2"}).status_code == 422  # no reason
    assert api.post(f"/tasks/{task['id']}/reassign", "zhaocw",
                    {"to": "bangong2", "reason": "代办"}).status_code == 403  # not the holder
    moved = api.post(f"/tasks/{task['id']}/reassign", "bangong", {"to": "bangong2", "reason": "本周出差"})
    assert moved.status_code == 200 and moved.get_json()["assignee"] == "bangong2"
    assert api.complete(task["id"], "bangong", REGISTER).status_code == 403
    assert api.complete(task["id"], "bangong2", REGISTER).status_code == 200
    event = next(e for e in api.instance(matter)["history"] if e["action"] == "reassign")
    assert event["actor"] == "bangong" and event["details"] == {"to": "bangong2", "reason": "本周出差"}
    assert any("转办给您" in n["title"] for n in api.get("/notifications", "bangong2").get_json())
    done = api.get("/tasks/done?q=路灯", "bangong2").get_json()
    assert [(d["name"], d["instance_id"]) for d in done] == [("登记来信", matter)]
    assert api.get("/tasks/done?q=噪音", "bangong2").get_json() == []


def test_delegation_returns_the_delegates_answer_to_the_holder_who_completes_it(api):
    matter, task = letter(api)
    delegated = api.post(f"/tasks/{task['id']}/delegate", "bangong", {"to": "bangong2", "reason": "请代为登记"})
    assert delegated.status_code == 200 and delegated.get_json()["delegated_by"] is True
    assert api.post(f"/tasks/{task['id']}/delegate", "bangong2", {"to": "bangong", "reason": "再委派"}).status_code == 409
    assert api.post(f"/tasks/{task['id']}/reassign", "bangong2", {"to": "bangong", "reason": "转走"}).status_code == 409
    answered = api.complete(task["id"], "bangong2", REGISTER)
    assert answered.status_code == 200
    after = api.instance(matter)
    # The workflow has not moved: the same step is back with the holder, filled in by the delegate.
    assert [(t["id"], t["assignee"]) for t in after["current_tasks"]] == [(task["id"], "bangong")]
    form = api.get(f"/tasks/{task['id']}", "bangong").get_json()
    assert form["delegated_by"] is False
    assert api.complete(task["id"], "bangong", REGISTER).status_code == 200
    history = [(e["action"], e["actor"]) for e in api.instance(matter)["history"] if e["element_id"] == "register"]
    assert history == [("delegate", "bangong"), ("delegate_done", "bangong2"), ("complete", "bangong")]
    assert api.instance(matter)["current_tasks"][0]["element_id"] == "classify"


def test_a_secret_ballot_cannot_be_delegated(api, database_url):
    from tests.meeting_helpers import MEETING, agenda, drive, meeting_day, submit_matter
    _, topic = submit_matter(api, "关于委派表决的决策")
    meeting = api.post("/processes/committee_meeting/instances", "bangong", {"title": "会议", "data": {}}).get_json()["id"]
    drive(api, meeting, {**MEETING, **agenda(meeting_day(database_url), [topic])}, stop_at="item_vote")
    vote = next(t for t in api.instance(meeting)["current_tasks"] if t["assignee"] == "wangcw")
    refused = api.post(f"/tasks/{vote['id']}/delegate", "wangcw", {"to": "zhaocw", "reason": "请代投"})
    assert refused.status_code == 409 and "R8" in refused.get_json()["error"]


def test_copy_to_lets_readers_see_the_matter_and_lists_it_for_them(api):
    matter = api.start("关于抄送的决策")
    assert api.get(f"/instances/{matter}", "liucw").status_code == 404
    assert api.post(f"/instances/{matter}/copies", "liucw", {"to": ["yangcw"]}).status_code == 404  # can't see it
    assert api.post(f"/instances/{matter}/copies", "bangong", {"to": ["nobody"]}).status_code == 422
    copied = api.post(f"/instances/{matter}/copies", "bangong", {"to": ["liucw", "yangcw"], "note": "请知悉"})
    assert copied.status_code == 201 and copied.get_json() == {"copied_to": ["liucw", "yangcw"]}
    assert api.post(f"/instances/{matter}/copies", "bangong", {"to": ["liucw"]}).get_json() == {"copied_to": []}
    assert api.get(f"/instances/{matter}", "liucw").status_code == 200
    listed = api.get("/copies?q=抄送", "liucw").get_json()
    assert [(c["instance_id"], c["copied_by"], c["note"]) for c in listed] == [(matter, "孙主任（办公室）", "请知悉")]
    task = api.instance(matter)["current_tasks"][0]
    assert api.complete(task["id"], "liucw", FILE).status_code == 403  # readers read, never act
    assert any(n["title"] == "抄送：关于抄送的决策" for n in api.get("/notifications", "yangcw").get_json())


def test_the_task_and_matter_pages_hand_over_and_copy(app, api):
    from tests.conftest import AuthActions, csrf_token
    matter, task = letter(api, "来信：噪音")
    client = app.test_client()
    AuthActions(client).login("bangong")
    page = client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "转办或委派" in page and 'value="bangong2"' in page and 'value="mailbox"' not in page
    token = csrf_token(page)
    refused = client.post(f"/tasks/{task['id']}/hand-over", data={"to": "bangong2", "reason": "", "action": "delegate",
                                                                  "csrf_token": token}, follow_redirects=True)
    assert "未能交办：请说明理由" in refused.get_data(as_text=True)
    done = client.post(f"/tasks/{task['id']}/hand-over", data={"to": "bangong2", "reason": "请代为登记",
                                                               "action": "delegate", "csrf_token": token},
                       follow_redirects=True)
    assert "已委派给吴秘书（办公室）" in done.get_data(as_text=True)
    copied = client.post(f"/matters/{matter}/copies", data={"to": ["jiandu"], "note": "请监督", "csrf_token": token},
                         follow_redirects=True)
    assert "已抄送 1 人" in copied.get_data(as_text=True)
    reader = app.test_client()
    AuthActions(reader).login("jiandu")
    assert "来信：噪音" in reader.get("/copied").get_data(as_text=True)
    other = app.test_client()
    AuthActions(other).login("bangong2")
    client_done = other.get("/done").get_data(as_text=True)
    assert "没有已办的步骤" in client_done


def test_todo_and_started_lists_are_searchable_and_paged(app, api):
    from tests.conftest import AuthActions
    for title in ("来信：路灯不亮", "来信：噪音扰民", "来信：路面破损"):
        letter(api, title)
    todo = api.get("/tasks?q=路", "bangong2").get_json()
    assert [t["instance_title"] for t in todo] == ["来信：路灯不亮", "来信：路面破损"]
    second = api.get("/tasks?q=路&limit=1&offset=1", "bangong2").get_json()
    assert [t["instance_title"] for t in second] == ["来信：路面破损"]
    started = api.get("/instances/started?q=噪音", "bangong").get_json()
    assert [(m["title"], m["process"], m["status"]) for m in started] == [("来信：噪音扰民", "群众来信办理", "running")]
    assert api.get("/instances/started?q=%25", "bangong").get_json() == []  # % is a character, not a pattern
    client = app.test_client()
    AuthActions(client).login("bangong2")
    page = client.get("/tasks?q=噪音").get_data(as_text=True)
    assert "来信：噪音扰民" in page and "来信：路灯不亮" not in page
    assert '<small class="count">3</small>' in page  # the count is of everything waiting, not of this search
    assert "没有标题含“井盖”的待办" in client.get("/tasks?q=井盖").get_data(as_text=True)
    AuthActions(client).login("bangong")
    mine = client.get("/matters?q=路面").get_data(as_text=True)
    assert "来信：路面破损" in mine and "来信：噪音扰民" not in mine
