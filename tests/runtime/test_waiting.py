"""A matter with no open step says what it waits for: the meeting and agenda item, on its page, in 我发起的, in the API."""
from __future__ import annotations

from tests.conftest import AuthActions
from tests.meeting_helpers import hold_meeting, meeting_day, submit_matter


def test_a_matter_waiting_for_the_meeting_names_the_meeting_and_its_agenda_item(app, api, database_url):
    title = "关于社区养老服务中心建设的决策"
    matter, topic = submit_matter(api, title)
    queued = api.instance(matter, "bangong")["waiting_for"]
    assert [(w["kind"], w["scheduled"], w["topic_title"], w["body"]) for w in queued] == [
        ("meeting", False, title, "常委会")]

    meeting, _ = hold_meeting(api, database_url, [topic], stop_at="item_vote", title="常委会第20次会议")
    [waiting] = api.instance(matter, "bangong")["waiting_for"]
    assert (waiting["meeting_id"], waiting["meeting_title"], waiting["topic_title"]) == (meeting, "常委会第20次会议", title)
    assert waiting["meeting_date"] == meeting_day(database_url) and waiting["meeting_steps"] == ["无记名表决"]
    assert api.instance(meeting, "bangong")["waiting_for"] == []  # the meeting itself has open steps

    client = app.test_client()
    AuthActions(client).login("bangong")
    page = client.get(f"/matters/{matter}").get_data(as_text=True)
    section = page[page.index("当前步骤</h2>"):]
    assert f'<a href="/matters/{meeting}">常委会第20次会议</a>' in section and f"「{title}」" in section
    assert "没有待办步骤" not in page
    listing = client.get("/matters").get_data(as_text=True)
    assert f'<a href="/matters/{meeting}">常委会第20次会议</a>' in listing

    # The meeting's timeline names every step, unnamed joins included, never by its id.
    history = api.instance(meeting, "bangong")["history"]
    named = [(e["element_id"], e["element_name"]) for e in history if e["element_id"]]
    assert ("gw_leave_done", "条件汇合") in named
    assert [pair for pair in named if pair[0] == pair[1]] == []
