"""Every page and API route, for every kind of visitor: the public sees only what is published,
members see matters they take part in, auditors see everything and act on nothing, nobody else gets in.

A route added without a row here fails the test, so the matrix cannot fall behind the app.
"""
from __future__ import annotations

import io
import re

import pytest

from engine.ops import demo
from tests.conftest import Api, csrf_token

PEOPLE = ["anonymous", "bangong", "zhoucw", "zhaocw", "jiwei", "jiandu", "sheji"]
# bangong started the matter, zhoucw holds its step, zhaocw has nothing to do with it, jiwei and
# jiandu are auditors, sheji is the process designer (an outsider to the matter).


def expect(anonymous, bangong, zhoucw, zhaocw, jiwei, jiandu=None, sheji=None):
    """Accepted statuses per visitor (a number or a set); jiandu as jiwei, sheji as zhaocw unless given."""
    row = dict(zip(PEOPLE, (anonymous, bangong, zhoucw, zhaocw, jiwei, jiwei if jiandu is None else jiandu,
                            zhaocw if sheji is None else sheji)))
    return {k: v if isinstance(v, set) else {v} for k, v in row.items()}


def everyone(status):
    return expect(*[status] * 7)


LOGGED_IN = expect(302, 200, 200, 200, 200)
AUDIT = expect(302, 403, 403, 403, 200)
MATTER = expect(302, 200, 200, 404, 200)
API_MATTER = expect(401, 200, 200, 404, 200)
HOLDER_ONLY = expect(302, 403, 200, 403, 403)
DESIGN = expect(302, 403, 403, 403, 403, 403, 200)
DESIGN_API = expect(401, 403, 403, 403, 403, 403, 422)  # the designer's empty upload is refused as invalid
URGE = expect(302, {302, 409}, 403, 403, {302, 409})  # 督办: the starter and auditors remind, nobody else

# (method, endpoint) -> (path, JSON or form body or None, accepted statuses)
ROUTES = {
    ("GET", "index"): ("/", None, expect(302, 302, 302, 302, 302)),
    ("GET", "auth.login"): ("/login", None, expect(200, {200, 302}, {200, 302}, {200, 302}, {200, 302})),
    ("POST", "auth.login"): ("/login", {"username": "nobody", "password": "x"}, everyone(400)),  # wrong password
    ("POST", "auth.logout"): ("/logout", {}, expect(302, 302, 302, 302, 302)),
    ("GET", "language.choose"): ("/language/zh?next=/tasks", None, everyone(302)),
    ("GET", "static"): ("/static/app.css", None, everyone(200)),
    ("GET", "vendor.asset"): ("/vendor/htmx.org/dist/htmx.min.js", None, everyone(200)),
    ("GET", "inbox.todo"): ("/tasks", None, LOGGED_IN),
    ("GET", "inbox.mine"): ("/matters", None, LOGGED_IN),
    ("GET", "notifications.listing"): ("/notifications", None, LOGGED_IN),
    ("GET", "processes.catalog"): ("/processes", None, LOGGED_IN),
    ("GET", "processes.show"): ("/processes/major_decision", None, LOGGED_IN),
    ("GET", "processes.bpmn"): ("/processes/major_decision/diagram.bpmn", None, LOGGED_IN),
    ("GET", "matters.start"): ("/processes/major_decision/start", None, LOGGED_IN),
    ("POST", "matters.start"): ("/processes/major_decision/start", {"title": "矩阵测试发起的事项"},
                                expect(302, 302, 403, 403, 403)),
    ("GET", "matters.show"): ("/matters/{matter}", None, MATTER),
    ("GET", "matters.flowchart"): ("/matters/{matter}/flowchart.svg", None, MATTER),
    ("GET", "live_chart.fragment"): ("/matters/{matter}/chart", None, MATTER),
    ("GET", "live_chart.bpmn"): ("/matters/{matter}/diagram.bpmn", None, MATTER),
    ("GET", "live_chart.states"): ("/matters/{matter}/states.json", None, MATTER),
    ("GET", "tasks.show"): ("/tasks/{task}", None, HOLDER_ONLY),
    ("POST", "tasks.complete"): ("/tasks/{task}", {"consent_opinion": ""}, expect(302, 403, 422, 403, 403)),
    ("POST", "tasks.urge"): ("/tasks/{task}/urge", {}, URGE),
    ("GET", "audit.matters"): ("/audit/", None, AUDIT),
    ("GET", "audit.export"): ("/audit/export.xlsx", None, AUDIT),
    ("GET", "audit.process_heatmap"): ("/audit/heatmap/major_decision", None, AUDIT),
    ("GET", "audit.charts"): ("/audit/charts", None, AUDIT),
    # R21: 纪委 and 监督员 read everyone's ledger entry; any other signed-in user only their own (zhoucw here).
    ("GET", "ledger.page"): ("/ledger/?official=zhoucw", None, expect(302, 403, 200, 403, 200, 200, 403)),
    ("GET", "ledger.export"): ("/ledger/export.xlsx?official=zhoucw", None, expect(302, 403, 200, 403, 200, 200, 403)),
    ("GET", "public.catalog"): ("/public/", None, everyone(200)),
    ("GET", "api_webhooks.webhooks"): ("/api/v1/webhooks", None, expect(401, 403, 403, 403, 403, 403, 403)),
    ("POST", "api_webhooks.subscribe"): ("/api/v1/webhooks", {"url": "http://127.0.0.1:9/", "events": ["task.created"]},
                                         expect(401, 403, 403, 403, 403, 403, 403)),  # the administrators only
    ("DELETE", "api_webhooks.switch_off"): ("/api/v1/webhooks/1", None, expect(401, 403, 403, 403, 403, 403, 403)),
    ("GET", "sso.start"): ("/login/sso", None, everyone(302)),  # no provider configured here: back to /login
    ("GET", "sso.callback"): ("/login/sso/callback", None, everyone(302)),
    ("GET", "observability.healthz"): ("/healthz", None, everyone(200)),
    ("GET", "observability.readyz"): ("/readyz", None, everyone(503)),  # no worker has run in this test
    ("GET", "observability.scrape"): ("/metrics", None, everyone(200)),  # nginx keeps it to the monitoring network
    ("GET", "public.chart"): ("/public/processes/major_decision.svg", None, everyone(200)),
    ("GET", "public.flowchart"): ("/public/processes/major_decision", None, everyone(200)),
    ("GET", "public.decisions"): ("/public/decisions", None, everyone(200)),
    ("GET", "public.decision"): ("/public/decisions/{matter}", None, everyone(404)),  # not yet published
    ("POST", "public.objection"): ("/public/decisions/{matter}/objections", {"text": "对公示内容有异议，请核实。"},
                                   everyone(404)),  # nothing published to object to
    ("GET", "public.mailbox"): ("/public/mailbox", None, everyone(200)),
    ("POST", "public.mailbox"): ("/public/mailbox", {"content": "路灯"}, everyone(422)),
    ("GET", "public.find_letter"): ("/public/letters", None, everyone(200)),
    ("GET", "public.letter"): ("/public/letters/{letter}", None, everyone(200)),
    ("GET", "public.letter_written"): ("/public/letters/{letter}/written", None, everyone(200)),
    ("POST", "public.letter"): ("/public/letters/{letter}", {"rating": "5"}, everyone(409)),  # no reply yet
    ("GET", "public.evaluation"): ("/public/evaluation", None, everyone(200)),
    ("POST", "public.evaluation"): ("/public/evaluation", {"body": "常委会", "score": "9"}, everyone(422)),
    ("POST", "api.token"): ("/api/v1/auth/token", {"username": "nobody", "password": "x"}, everyone(401)),
    ("POST", "api.revoke"): ("/api/v1/auth/revoke", {}, expect(401, 200, 200, 200, 200)),  # signs out: runs last
    ("POST", "api.revoke_user_tokens"): ("/api/v1/users/zhaocw/revoke-tokens", {}, expect(401, 403, 403, 403, 403)),
    ("GET", "api.openapi"): ("/api/v1/openapi.json", None, everyone(200)),
    ("GET", "api.processes"): ("/api/v1/processes", None, expect(401, 200, 200, 200, 200)),
    ("POST", "api.start"): ("/api/v1/processes/major_decision/instances", {"title": "接口发起", "data": {}},
                            expect(401, 201, 403, 403, 403)),
    ("GET", "api.instance"): ("/api/v1/instances/{matter}", None, API_MATTER),
    ("GET", "api.flowchart"): ("/api/v1/instances/{matter}/flowchart.svg", None, API_MATTER),
    # A matter without a ballot box: 404 for those who may see it (nothing to verify), 404 for those who may not.
    ("GET", "api.ballots"): ("/api/v1/instances/{matter}/ballots", None, expect(401, 404, 404, 404, 404)),
    ("GET", "api.tasks"): ("/api/v1/tasks", None, expect(401, 200, 200, 200, 200)),
    ("GET", "api.task"): ("/api/v1/tasks/{task}", None, expect(401, 403, 200, 403, 403)),
    ("POST", "api.complete"): ("/api/v1/tasks/{task}/complete", {"data": {}}, expect(401, 403, 422, 403, 403)),
    ("POST", "api.urge"): ("/api/v1/tasks/{task}/urge", {}, expect(401, {200, 409}, 403, 403, {200, 409})),
    ("GET", "modeler.index"): ("/modeler/", None, DESIGN),
    ("GET", "modeler.new"): ("/modeler/new", None, DESIGN),
    ("GET", "modeler.edit"): ("/modeler/edit/major_decision", None, DESIGN),
    ("POST", "modeler.validate"): ("/modeler/validate", {}, expect(302, 403, 403, 403, 403, 403, 422)),
    ("POST", "modeler.import_design"): ("/modeler/import", {}, expect(302, 403, 403, 403, 403, 403, 422)),
    ("POST", "modeler.deploy"): ("/modeler/deploy", {}, expect(302, 403, 403, 403, 403, 403, 422)),
    ("GET", "modeler.table"): ("/modeler/dmn/large_fund.dmn", None, DESIGN),
    ("POST", "modeler.deploy_table"): ("/modeler/dmn/large_fund.dmn", {}, expect(302, 403, 403, 403, 403, 403, 422)),
    ("POST", "modeler.rollback"): ("/modeler/edit/major_decision/rollback", {"version": 1},
                                   expect(302, 403, 403, 403, 403, 403, 302)),
    ("POST", "modeler.migrate"): ("/modeler/migrate/{matter}", {"version": 1}, expect(302, 403, 403, 403, 403, 403, 302)),
    ("POST", "api_designs.validate"): ("/api/v1/designs/validate", {}, DESIGN_API),
    ("POST", "api_import.import_design"): ("/api/v1/designs/import", {}, DESIGN_API),
    ("POST", "api_designs.deploy"): ("/api/v1/designs", {}, DESIGN_API),
    ("GET", "api_designs.version_list"): ("/api/v1/processes/major_decision/versions", None,
                                          expect(401, 200, 200, 200, 200)),
    ("POST", "api_designs.rollback"): ("/api/v1/processes/major_decision/rollback", {"version": 1},
                                       expect(401, 403, 403, 403, 403, 403, 201)),
    ("POST", "api_designs.migrate"): ("/api/v1/instances/{matter}/migrate", {"version": 1},
                                      expect(401, 403, 403, 403, 403, 403, 409)),  # already on version 1
    ("GET", "actions.done"): ("/done?q=矩阵", None, LOGGED_IN),
    ("GET", "actions.copied"): ("/copied", None, LOGGED_IN),
    ("POST", "actions.hand_over"): ("/tasks/{task}/hand-over", {"to": "nobody", "reason": "矩阵测试"},
                                    expect(302, 403, 302, 403, 403, 403, 403)),  # the holder: refused with a message
    ("POST", "actions.copy"): ("/matters/{matter}/copies", {"note": "矩阵"}, expect(302, 302, 302, 404, 403, 403, 404)),
    ("POST", "api_actions.reassign"): ("/api/v1/tasks/{task}/reassign", {"to": "nobody", "reason": "矩阵测试"},
                                       expect(401, 403, 422, 403, 403)),  # the holder: no such colleague
    ("POST", "api_actions.delegate"): ("/api/v1/tasks/{task}/delegate", {"to": "nobody", "reason": "矩阵测试"},
                                       expect(401, 403, 422, 403, 403)),
    ("POST", "flow.return_task"): ("/tasks/{task}/return", {"reason": ""},
                                   expect(302, 403, 302, 403, 403)),  # the holder: refused with a message
    ("POST", "flow.withdraw"): ("/tasks/{task}/withdraw", {"reason": "矩阵测试"}, expect(302, 403, 403, 403, 403)),
    ("POST", "flow.add_signer"): ("/tasks/{task}/add-signer", {"sign_to": "nobody", "position": "before",
                                                               "sign_reason": "矩阵测试"},
                                  expect(302, 403, 302, 403, 403)),
    ("GET", "api_actions.return_targets"): ("/api/v1/tasks/{task}/return-targets", None,
                                            expect(401, 403, 200, 403, 403)),
    ("POST", "api_actions.return_task"): ("/api/v1/tasks/{task}/return", {"reason": ""},
                                          expect(401, 403, 422, 403, 403)),  # the holder: a reason is needed
    ("POST", "api_actions.withdraw"): ("/api/v1/tasks/{task}/withdraw", {"reason": "矩阵测试"},
                                       expect(401, 403, 403, 403, 403)),  # nobody completed this step yet
    ("POST", "api_actions.add_signer"): ("/api/v1/tasks/{task}/add-signer",
                                         {"to": "nobody", "position": "before", "reason": "矩阵测试"},
                                         expect(401, 403, 422, 403, 403)),
    ("POST", "api_actions.copy"): ("/api/v1/instances/{matter}/copies", {"to": ["nobody"]},
                                   expect(401, 422, 422, 404, 403, 403, 404)),  # auditors read, never share
    ("GET", "api_actions.done"): ("/api/v1/tasks/done", None, expect(401, 200, 200, 200, 200)),
    ("GET", "api_actions.started"): ("/api/v1/instances/started?q=矩阵", None, expect(401, 200, 200, 200, 200)),
    ("GET", "api_actions.copies"): ("/api/v1/copies", None, expect(401, 200, 200, 200, 200)),
    ("GET", "discussion.download"): ("/matters/{matter}/attachments/{attachment}", None, MATTER),
    ("POST", "discussion.add"): ("/matters/{matter}/comments", {"body": ""}, expect(302, 422, 422, 404, 422)),
    ("POST", "discussion.follow"): ("/matters/{matter}/follow", {"on": "0"}, expect(302, 302, 302, 404, 302)),
    ("GET", "notifications.settings"): ("/notifications/settings", None, LOGGED_IN),
    ("POST", "notifications.settings"): ("/notifications/settings", {"email": "bad"}, expect(302, 422, 422, 422, 422)),
    ("GET", "api_discussion.comment_list"): ("/api/v1/instances/{matter}/comments", None, API_MATTER),
    ("GET", "api.objections"): ("/api/v1/instances/{matter}/objections", None, API_MATTER),
    ("POST", "api_discussion.comment_add"): ("/api/v1/instances/{matter}/comments", {"body": ""},
                                             expect(401, 422, 422, 404, 422)),
    ("GET", "api_discussion.attachment"): ("/api/v1/instances/{matter}/attachments/{attachment}", None, API_MATTER),
    ("POST", "api_discussion.follow"): ("/api/v1/instances/{matter}/follow", {"follow": False},
                                        expect(401, 200, 200, 404, 200)),
    ("GET", "api_discussion.settings"): ("/api/v1/notifications/settings", None, expect(401, 200, 200, 200, 200)),
    ("PUT", "api_discussion.save_settings"): ("/api/v1/notifications/settings", {"email": "bad"},
                                              expect(401, 422, 422, 422, 422)),
    ("GET", "api.notification_list"): ("/api/v1/notifications", None, expect(401, 200, 200, 200, 200)),
    ("GET", "minutes.listing"): ("/minutes?body=常委会&year=2026", None, expect(302, 200, 403, 403, 200)),
    # The matter is no meeting, so it has no minutes: 404 for everyone (test_minutes covers a meeting's).
    ("GET", "minutes.pdf"): ("/minutes/{matter}.pdf", None, expect(302, 404, 404, 404, 404)),
    ("GET", "minutes.docx"): ("/minutes/{matter}.docx", None, expect(302, 404, 404, 404, 404)),
    ("GET", "reports.annual"): ("/reports/annual?body=常委会&year=2026", None, expect(302, 200, 200, 200, 200, 200, 403)),
    ("GET", "reports.annual_pdf"): ("/reports/annual.pdf?body=常委会&year=2026", None, expect(302, 200, 200, 200, 200, 200, 403)),
    ("GET", "reports.annual_docx"): ("/reports/annual.docx?year=2026", None, expect(302, 200, 200, 200, 200, 200, 403)),
    ("POST", "reports.supervisor_survey"): ("/reports/survey", {"body": "常委会", "score": "9"},
                                            expect(302, 403, 403, 403, 403, 422)),  # supervisors only
}


def test_every_route_is_in_the_matrix(web_app):
    routes = {(method, rule.endpoint) for rule in web_app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == set(ROUTES), f"missing: {routes - set(ROUTES)}; stale: {set(ROUTES) - routes}"


@pytest.fixture
def world(web_app):
    """A matter bangong started, waiting at zhoucw's consent, and a letter written to the mailbox."""
    api = Api(web_app.test_client())
    matter = api.start("矩阵测试事项")
    task = api.instance(matter)["current_tasks"][0]["id"]
    api.complete(task, "bangong", {"summary": "拟安排专项资金用于老旧小区改造。", "field": "城乡建设",
                                   "source": "职能部门提出", "topic_kind": "一般事项", "basis": "改造实施意见"})
    task = api.instance(matter)["current_tasks"][0]
    assert task["candidates"] == ["zhoucw"]
    client = web_app.test_client()
    token = csrf_token(client.get("/public/mailbox").get_data(as_text=True))
    written = client.post("/public/mailbox", data={"content": "矩阵测试来信：反映噪音扰民问题。", "csrf_token": token},
                          follow_redirects=True)
    letter = re.search(r'id="tracking-number">(\w+)<', written.get_data(as_text=True)).group(1)
    attached = api.client.post(f"/api/v1/instances/{matter}/comments", content_type="multipart/form-data",
                               headers={"Authorization": f"Bearer {api.token('bangong')}"},
                               data={"body": "矩阵附件", "files": [(io.BytesIO(b"matrix\n"), "a.txt")]})
    return {"matter": matter, "task": task["id"], "letter": letter,
            "attachment": attached.get_json()["attachments"][0]["id"]}


@pytest.mark.parametrize("person", PEOPLE)
def test_each_visitor_gets_exactly_what_the_matrix_says(web_app, world, person):
    client = web_app.test_client()
    headers = {}
    if person != "anonymous":
        token = csrf_token(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": person, "password": demo.DEMO_PASSWORD, "csrf_token": token})
        api_token = client.post("/api/v1/auth/token", json={"username": person, "password": demo.DEMO_PASSWORD})
        headers = {"Authorization": f"Bearer {api_token.get_json()['token']}"}
    wrong = []
    # Logging out and signing out everywhere end the session and the token, so they go last.
    for (method, endpoint), (path, body, accepted) in sorted(ROUTES.items(),
                                                             key=lambda r: r[0][1] in ("auth.logout", "api.revoke")):
        url = path.format(**world)
        if method == "GET":
            response = client.get(url, headers=headers if url.startswith("/api/") else {})
        elif url.startswith("/api/"):
            response = client.open(url, method=method, json=body, headers=headers if endpoint != "api.token" else {})
        else:
            page = client.get("/public/mailbox").get_data(as_text=True)  # any page carries this session's token
            response = client.post(url, data={**body, "csrf_token": csrf_token(page)})
        if response.status_code not in accepted[person]:
            wrong.append(f"{method} {url}: {response.status_code}, expected {sorted(accepted[person])}")
        if response.status_code == 302 and person == "anonymous" and endpoint not in ("index", "auth.logout",
                                                                                       "language.choose"):
            assert "/login" in response.headers["Location"], url
    assert not wrong, "\n".join(wrong)
