"""R20 satisfaction surveys: the public rates through the portal (with its abuse limit), each supervisor once a
year, and both reach the year's figures and the public summary."""
from __future__ import annotations

from engine.clock import utcnow
from engine.committee.workdays import LOCAL_TZ
from engine.oversight.annual_report import AnnualReports
from tests.conftest import PROCESSES, AuthActions, csrf_token

YEAR = utcnow().astimezone(LOCAL_TZ).year
QUESTIONS = ("openness", "timeliness", "responsiveness", "overall")


def scores(openness, timeliness, responsiveness, overall) -> dict[str, str]:
    """The survey form's four answers, as the browser sends them."""
    return {f"score_{code}": str(value) for code, value in zip(QUESTIONS, (openness, timeliness, responsiveness, overall))}


def _figures(app):
    return AnnualReports(app.extensions["powerflow"].db, PROCESSES).figures("常委会", YEAR, utcnow()).survey


def test_R20_the_public_rates_a_body_and_a_bad_answer_changes_nothing(web_app, client):
    """Each question is scored; a missing or out-of-range score is named beside its question and keeps what was
    typed; answers reach the averages per question; the portal's rate limit holds."""
    web_app.config["MAILBOX_RATE_LIMIT"] = "3 per minute"
    form = client.get("/public/evaluation").get_data(as_text=True)
    assert all(f'name="score_{code}"' in form for code in QUESTIONS) and "公开及时" in form
    token = csrf_token(form)
    refused = client.post("/public/evaluation", data={"csrf_token": token, "body": "常委会", **scores(4, 3, 9, 4),
                                                      "comment": "希望公开更及时。"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert page.count("请选择 1 到 5 分") == 1 and "希望公开更及时。" in page  # the one reason; nothing typed is lost
    assert 'name="score_timeliness" value="3" checked' in page
    assert _figures(web_app).public_count == 0
    answered = client.post("/public/evaluation", data={"csrf_token": token, "body": "常委会", **scores(4, 3, 5, 4)})
    assert answered.status_code == 200 and "感谢您的测评。" in answered.get_data(as_text=True)
    survey = _figures(web_app)
    assert (survey.public, survey.public_count, survey.supervisor_count) == (4.0, 1, 0)
    assert {q.code: q.public for q in survey.questions} == {"openness": 4.0, "timeliness": 3.0, "responsiveness": 5.0,
                                                            "overall": 4.0}
    summary = client.get("/public/evaluation").get_data(as_text=True)
    assert "4.00" in summary and "群众测评：公开及时" in summary and "3.00 分" in summary
    assert client.post("/public/evaluation", data={"csrf_token": token, "body": "常委会",
                                                   **scores(5, 4, 4, 5)}).status_code == 200
    assert {q.code: q.public for q in _figures(web_app).questions}["timeliness"] == 3.5
    flooded = client.post("/public/evaluation", data={"csrf_token": token, "body": "常委会", **scores(1, 1, 1, 1)})
    assert flooded.status_code == 429 and _figures(web_app).public_count == 2  # the portal's limit holds


def test_R20_each_supervisor_rates_a_body_once_a_year(web_app, client):
    auth = AuthActions(client)
    auth.login("zhoucw")
    page = client.get("/reports/annual").get_data(as_text=True)
    refused = client.post("/reports/survey", data={"csrf_token": csrf_token(page), "body": "常委会", **scores(3, 3, 3, 3)})
    assert refused.status_code == 403  # a member is rated, and does not rate
    auth.logout()
    auth.login("jiandu")
    page = client.get("/reports/annual").get_data(as_text=True)
    assert 'id="survey"' in page and 'name="score_responsiveness"' in page
    token = csrf_token(page)
    missing = client.post("/reports/survey", data={"csrf_token": token, "body": "常委会", "score_overall": "5"})
    assert missing.status_code == 422 and missing.get_data(as_text=True).count("请选择 1 到 5 分") == 3
    assert client.post("/reports/survey", data={"csrf_token": token, "body": "常委会", **scores(5, 4, 3, 5),
                                                "comment": "公开及时。"}).status_code == 302
    again = client.post("/reports/survey", data={"csrf_token": token, "body": "常委会", **scores(1, 1, 1, 1),
                                                 "comment": "改主意了"})
    assert again.status_code == 409 and "改主意了" in again.get_data(as_text=True)
    assert "您今年已对该机构作出测评" in again.get_data(as_text=True)
    survey = _figures(web_app)
    assert (survey.supervisors, survey.supervisor_count) == (5.0, 1)
    assert [(q.code, q.supervisors) for q in survey.questions] == [("openness", 5.0), ("timeliness", 4.0),
                                                                   ("responsiveness", 3.0), ("overall", 5.0)]
    report = client.get("/reports/annual").get_data(as_text=True)
    assert "测评：意见建议得到回应" in report and "监督员 3.00 分" in report
