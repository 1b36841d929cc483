"""驳回, 撤回 and 加签 through the API, with their refusals."""
from __future__ import annotations

import json
from pathlib import Path

from engine.process.definitions import parse_bpmn
from engine.process.deployment import deploy_definitions
from tests.conftest import PROCESSES
from tests.meeting_helpers import MATTER, drive
from tests.runtime.test_task_actions import REGISTER, letter

CLASSIFY = {"category": "投诉", "handler_department": "bumen", "handle_days": 10}
REPORT = {"research_report": "材料已齐备，请审核。"}


def current(api, matter):
    return [(t["element_id"], t["assignee"]) for t in api.instance(matter)["current_tasks"]]


def history(api, matter, *actions):
    return [(e["action"], e["actor"], e["element_id"]) for e in api.instance(matter)["history"]
            if e["action"] in actions]


def test_return_sends_the_matter_back_to_the_previous_holder_with_the_reason(api):
    matter, register = letter(api)
    assert api.post(f"/tasks/{register['id']}/return", "bangong", {"reason": "无上一步"}).status_code == 409
    assert api.complete(register["id"], "bangong", REGISTER).status_code == 200
    classify = api.instance(matter)["current_tasks"][0]
    assert api.post(f"/tasks/{classify['id']}/return", "bangong2", {"reason": ""}).status_code == 422
    assert api.post(f"/tasks/{classify['id']}/return", "zhoucw", {"reason": "退回"}).status_code == 403
    targets = api.get(f"/tasks/{classify['id']}/return-targets", "bangong2").get_json()
    assert [(t["element_id"], t["holder"]) for t in targets] == [("register", "孙主任（办公室）")]

    back = api.post(f"/tasks/{classify['id']}/return", "bangong2", {"reason": "来信人联系方式不全"})
    assert back.status_code == 200, back.get_json()
    assert current(api, matter) == [("register", "bangong")]
    reopened = api.get(f"/tasks/{register['id']}", "bangong").get_json()
    assert reopened["note"] == "吴秘书（办公室） 驳回：来信人联系方式不全"
    assert any(n["title"].startswith("退回给您") for n in api.get("/notifications", "bangong").get_json())
    assert api.complete(classify["id"], "bangong2", CLASSIFY).status_code == 409  # the returned step is closed
    assert history(api, matter, "return") == [("return", "bangong2", "classify")]
    event = next(e for e in api.instance(matter)["history"] if e["action"] == "return")
    assert event["details"]["reason"] == "来信人联系方式不全" and event["details"]["to"] == "register"

    # The holder sees their earlier answer and sends it on again; the next step opens afresh.
    page = api.client.get(f"/tasks/{register['id']}")  # anonymous: the web page asks to log in
    assert page.status_code in (302, 401)
    assert api.complete(register["id"], "bangong", {**REGISTER, "contact": "13800000000"}).status_code == 200
    again = api.instance(matter)["current_tasks"]
    assert [t["element_id"] for t in again] == ["classify"] and again[0]["id"] != classify["id"]


def test_return_to_a_chosen_earlier_step_on_the_same_path(api):
    matter = api.start("关于退回重新调研的决策")
    drive(api, matter, MATTER, stop_at="argue")
    argue = api.instance(matter)["current_tasks"][0]
    targets = api.get(f"/tasks/{argue['id']}/return-targets", "zhoucw").get_json()
    assert [t["element_id"] for t in targets] == ["consult", "research", "consent_topic", "file_topic"]
    refused = api.post(f"/tasks/{argue['id']}/return", "zhoucw", {"reason": "重新调研", "to": "publish"})
    assert refused.status_code == 422 and "to" in refused.get_json()["errors"]
    assert api.post(f"/tasks/{argue['id']}/return", "zhoucw",
                    {"reason": "调研样本不足，请补充", "to": "research"}).status_code == 200
    assert current(api, matter) == [("research", "zhoucw")]
    research = api.instance(matter)["current_tasks"][0]
    form = api.get(f"/tasks/{research['id']}", "zhoucw").get_json()
    assert "调研样本不足" in form["note"]
    # Going on again walks the same steps, each answered anew.
    assert drive(api, matter, MATTER, stop_at="argue") == [("research", "zhoucw"), ("consult", "zhoucw")]


def deploy_parallel(db):
    forms = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (PROCESSES / "forms").glob("*.json")}
    source = (Path(__file__).parent.parent / "data" / "parallel_review.bpmn").read_bytes()
    with db.transaction() as session:
        deploy_definitions(session, parse_bpmn(source, "parallel_review.bpmn", forms))


def test_return_never_goes_into_a_parallel_branch_and_withdraw_stops_once_a_branch_acted(api, app):
    deploy_parallel(app.extensions["powerflow"].db)
    matter = api.post("/processes/parallel_review/instances", "bangong", {"title": "并行会审", "data": {}}).get_json()["id"]
    prepare = api.instance(matter)["current_tasks"][0]
    assert api.complete(prepare["id"], "bangong", REPORT).status_code == 200
    branches = {t["element_id"]: t for t in api.instance(matter)["current_tasks"]}
    assert sorted(branches) == ["review_a", "review_b"]
    review_a = branches["review_a"]["id"]
    assert api.get(f"/tasks/{review_a}/return-targets", "bangong2").get_json() == [
        {"blocked": "再往前是“split”（并行分支），不能退回"}]
    refused = api.post(f"/tasks/{review_a}/return", "bangong2", {"reason": "退回准备"})
    assert refused.status_code == 409 and "并行分支" in refused.get_json()["error"]

    # Nobody has acted in either branch yet: the preparer may take it back.
    assert api.post(f"/tasks/{prepare['id']}/withdraw", "bangong", {"reason": "材料漏了一份"}).status_code == 200
    assert current(api, matter) == [("prepare", "bangong")]
    assert api.complete(prepare["id"], "bangong", REPORT).status_code == 200
    branches = {t["element_id"]: t["id"] for t in api.instance(matter)["current_tasks"]}
    assert api.complete(branches["review_a"], "bangong2", REPORT).status_code == 200
    late = api.post(f"/tasks/{prepare['id']}/withdraw", "bangong", {"reason": "还想改"})
    assert late.status_code == 409 and "已有人办理" in late.get_json()["error"]
    assert api.complete(branches["review_b"], "bangong2", REPORT).status_code == 200
    conclude = api.instance(matter)["current_tasks"][0]
    assert conclude["element_id"] == "conclude"
    into_branch = api.post(f"/tasks/{conclude['id']}/return", "bangong", {"reason": "重审", "to": "review_a"})
    assert into_branch.status_code == 409 and "并行分支" in into_branch.get_json()["error"]
    assert current(api, matter) == [("conclude", None)]


def test_withdraw_takes_a_step_back_until_the_next_holder_acts(api):
    matter, register = letter(api)
    assert api.complete(register["id"], "bangong", REGISTER).status_code == 200
    assert api.post(f"/tasks/{register['id']}/withdraw", "bangong2", {"reason": "不是我的"}).status_code == 403
    assert api.post(f"/tasks/{register['id']}/withdraw", "bangong", {}).status_code == 422  # no reason
    taken = api.post(f"/tasks/{register['id']}/withdraw", "bangong", {"reason": "来信内容录错"})
    assert taken.status_code == 200
    assert current(api, matter) == [("register", "bangong")]
    form = api.get(f"/tasks/{register['id']}", "bangong").get_json()
    assert form["note"] == "已撤回：来信内容录错"
    assert api.complete(register["id"], "bangong", REGISTER).status_code == 200
    classify = api.instance(matter)["current_tasks"][0]
    assert api.post(f"/tasks/{classify['id']}/delegate", "bangong2",
                    {"to": "bangong", "reason": "请代为分类"}).status_code == 200  # the next holder acted
    refused = api.post(f"/tasks/{register['id']}/withdraw", "bangong", {"reason": "再改一次"})
    assert refused.status_code == 409 and "已有人办理" in refused.get_json()["error"]
    assert history(api, matter, "withdraw") == [("withdraw", "bangong", "register")]


def test_add_signer_before_holds_the_task_until_the_signer_answers(api):
    matter, register = letter(api)
    bad = api.post(f"/tasks/{register['id']}/add-signer", "bangong", {"to": "zhoucw", "position": "middle",
                                                                     "reason": "请把关"})
    assert bad.status_code == 422 and "position" in bad.get_json()["errors"]
    added = api.post(f"/tasks/{register['id']}/add-signer", "bangong",
                     {"to": "zhoucw", "position": "before", "reason": "涉及城建，请先把关"})
    assert added.status_code == 200
    sign = added.get_json()["next_tasks"][0]
    assert sign["kind"] == "sign" and sign["assignee"] == "zhoucw" and sign["name"] == "前加签：登记来信"
    assert api.complete(register["id"], "bangong", REGISTER).status_code == 409  # waits for the signer
    assert sign["id"] in [t["id"] for t in api.get("/tasks", "zhoucw").get_json()]
    form = api.get(f"/tasks/{sign['id']}", "zhoucw").get_json()
    assert form["form"]["properties"]["opinion"]["enum"] == ["同意", "不同意"]
    assert ["加签事由", "孙主任（办公室）：涉及城建，请先把关"] in form["context"]
    assert api.complete(sign["id"], "zhoucw", {"opinion": "不同意"}).status_code == 422  # a no needs a reason
    assert api.complete(sign["id"], "zhoucw", {"opinion": "同意", "comment": "按程序登记"}).status_code == 200
    back = api.get(f"/tasks/{register['id']}", "bangong").get_json()
    assert back["state"] == "ready" and back["note"] == "周常委 加签意见：同意。按程序登记"
    assert api.complete(register["id"], "bangong", REGISTER).status_code == 200
    assert history(api, matter, "add_sign", "sign", "complete") == [
        ("add_sign", "bangong", "register"), ("sign", "zhoucw", "register"), ("complete", "bangong", "register")]


def test_add_signer_after_completes_the_holders_answer_only_when_the_signer_agrees(api):
    matter, register = letter(api)
    incomplete = api.post(f"/tasks/{register['id']}/add-signer", "bangong",
                          {"to": "jiwei", "position": "after", "reason": "请纪委会签", "data": {}})
    assert incomplete.status_code == 422  # the holder's own answer must be valid first
    sign = api.post(f"/tasks/{register['id']}/add-signer", "bangong", {
        "to": "jiwei", "position": "after", "reason": "请纪委会签", "data": REGISTER}).get_json()["next_tasks"][0]
    context = dict(api.get(f"/tasks/{sign['id']}", "jiwei").get_json()["context"])
    assert context["拟办：来信内容"] == REGISTER["content"]
    assert api.complete(sign["id"], "jiwei", {"opinion": "不同意", "comment": "请核实来信人身份"}).status_code == 200
    assert current(api, matter) == [("register", "bangong")]
    assert "请核实来信人身份" in api.get(f"/tasks/{register['id']}", "bangong").get_json()["note"]

    sign = api.post(f"/tasks/{register['id']}/add-signer", "bangong", {
        "to": "jiwei", "position": "after", "reason": "已核实", "data": REGISTER}).get_json()["next_tasks"][0]
    done = api.complete(sign["id"], "jiwei", {"opinion": "同意", "comment": ""})
    assert done.status_code == 200 and [t["element_id"] for t in done.get_json()["next_tasks"]] == ["classify"]
    completed = [e for e in api.instance(matter)["history"] if e["action"] == "complete"]
    assert [(e["actor"], e["element_id"]) for e in completed] == [("bangong", "register")]


def test_the_pages_return_withdraw_and_add_signers(app, api):
    from tests.conftest import AuthActions, csrf_token
    matter, register = letter(api, "来信：井盖")
    clerk, colleague = app.test_client(), app.test_client()
    AuthActions(clerk).login("bangong")
    AuthActions(colleague).login("bangong2")
    page = clerk.get(f"/tasks/{register['id']}").get_data(as_text=True)
    assert "加签" in page and "驳回" not in page  # the first step has nowhere to go back to
    token = csrf_token(page)
    assert clerk.post(f"/tasks/{register['id']}", data={**REGISTER, "csrf_token": token}).status_code == 302

    done = clerk.get("/done").get_data(as_text=True)
    assert f'/tasks/{register["id"]}/withdraw' in done
    taken = clerk.post(f"/tasks/{register['id']}/withdraw", data={"reason": "", "csrf_token": token},
                       follow_redirects=True)
    assert "未能撤回：请说明理由" in taken.get_data(as_text=True)
    taken = clerk.post(f"/tasks/{register['id']}/withdraw", data={"reason": "地址写错", "csrf_token": token},
                       follow_redirects=True)
    assert "已撤回：地址写错" in taken.get_data(as_text=True) and "已撤回，请重新办理" in taken.get_data(as_text=True)
    clerk.post(f"/tasks/{register['id']}", data={**REGISTER, "csrf_token": token})

    classify = api.instance(matter)["current_tasks"][0]
    page = colleague.get(f"/tasks/{classify['id']}").get_data(as_text=True)
    assert '<option value="register">登记来信（孙主任（办公室））</option>' in page
    back = colleague.post(f"/tasks/{classify['id']}/return", data={"to": "register", "reason": "请补充来信人地址",
                                                                   "csrf_token": csrf_token(page)},
                          follow_redirects=True)
    assert "已驳回" in back.get_data(as_text=True)
    page = clerk.get(f"/tasks/{register['id']}").get_data(as_text=True)
    assert "吴秘书（办公室） 驳回：请补充来信人地址" in page and REGISTER["content"] in page  # the earlier answer

    signed = clerk.post(f"/tasks/{register['id']}/add-signer", data={
        **REGISTER, "position": "after", "sign_to": "zhoucw", "sign_reason": "请周常委把关", "csrf_token": token},
        follow_redirects=True)
    assert "已加签，等待对方意见" in signed.get_data(as_text=True)
    assert "正在等待加签人的意见" in clerk.get(f"/tasks/{register['id']}").get_data(as_text=True)
    sign = api.instance(matter)["current_tasks"]
    assert [(t["name"], t["assignee"]) for t in sign] == [("后加签：登记来信", "zhoucw")]
