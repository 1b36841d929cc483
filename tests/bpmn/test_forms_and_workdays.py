"""Form validation messages, option lists, and the working-day calendar (R4)."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from engine.errors import FormInvalid
from engine.bpmn.forms import ballot_fields, validate, with_options
from engine.committee.workdays import WorkdayCalendar
from tests.conftest import PROCESSES
from webui.http.formdata import parse

NOTICE = json.loads((PROCESSES / "forms" / "mt_send_notice.schema.json").read_text(encoding="utf-8"))
ATTENDANCE = json.loads((PROCESSES / "forms" / "mt_attendance.schema.json").read_text(encoding="utf-8"))
PUBLISH = json.loads((PROCESSES / "forms" / "md_publish.schema.json").read_text(encoding="utf-8"))


def test_options_come_from_the_directory_and_are_enforced():
    choices = {"role:常委": [("shuji", "张书记"), ("zhoucw", "周常委")], "topics:常委会": [("7", "议题七")]}
    designed = json.dumps(ATTENDANCE, sort_keys=True)
    schema = with_options(ATTENDANCE, lambda source: choices[source])
    assert json.dumps(ATTENDANCE, sort_keys=True) == designed  # the version's form itself is left as designed
    assert schema["properties"]["present"]["items"]["enum"] == ["shuji", "zhoucw"]
    assert schema["properties"]["emergency_topics"]["items"]["x-enum-labels"] == ["议题七"]
    assert validate(schema, {"present": ["shuji", "zhoucw"], "tellers": ["shuji", "zhoucw"], "extra": 1}) == \
        {"present": ["shuji", "zhoucw"], "tellers": ["shuji", "zhoucw"], "emergency_topics": [],
         "emergency_reason": None}  # every field defined
    with pytest.raises(FormInvalid) as caught:
        validate(schema, {"present": ["someone"], "tellers": ["shuji"], "emergency_topics": ["8"]})
    assert caught.value.errors == {"present": "请从给出的选项中选择", "tellers": "至少选择 2 项",
                                   "emergency_topics": "请从给出的选项中选择"}
    with pytest.raises(FormInvalid) as caught:
        validate(NOTICE, {"meeting_date": "2026-02-30", "notice_text": "定于某日开会"})
    assert caught.value.errors == {"meeting_date": "日期格式应为 YYYY-MM-DD"}


def test_html_form_values_are_typed_by_the_schema():
    from werkzeug.datastructures import MultiDict
    form = MultiDict([("publication_text", " 公示内容 "), ("publication_days", "7"), ("channel", "门户网站")])
    assert parse(PUBLISH, form) == {"publication_text": "公示内容", "publication_days": 7, "channel": "门户网站"}
    with pytest.raises(FormInvalid) as caught:
        validate(PUBLISH, parse(PUBLISH, MultiDict([("publication_days", "seven")])))
    assert caught.value.errors["publication_days"] == "类型不正确"
    assert caught.value.errors["publication_text"] == "此项必填"
    assert parse(ATTENDANCE, MultiDict([("present__present", "1")])) == {"present": []}


def test_ballot_fields_are_marked():
    vote = json.loads((PROCESSES / "forms" / "mt_item_vote.schema.json").read_text(encoding="utf-8"))
    assert ballot_fields(vote) == ["ballot"] and ballot_fields(PUBLISH) == []


def test_R4_working_days_follow_the_official_calendar():
    calendar = WorkdayCalendar()
    assert not calendar.is_workday(date(2026, 10, 1))  # National Day
    assert calendar.is_workday(date(2026, 11, 20)) and not calendar.is_workday(date(2026, 11, 21))
    # Two working days after Wednesday 30 September 2026: the holiday week is skipped.
    due = calendar.add_working_days(datetime(2026, 9, 30, 2, 0, tzinfo=timezone.utc), 2)
    assert due.date() == date(2026, 10, 9)
    assert calendar.working_days_between(date(2026, 11, 20), date(2026, 11, 24)) == 2


def test_years_without_official_data_fall_back_and_admin_entries_win():
    calendar = WorkdayCalendar()
    assert not calendar.is_workday(date(2027, 10, 1))  # fallback: holidays (CN)
    assert calendar.is_workday(date(2027, 10, 12))
    admin = WorkdayCalendar({date(2027, 10, 9): True, date(2027, 10, 8): False})
    assert admin.is_workday(date(2027, 10, 9)) and not admin.is_workday(date(2027, 10, 8))
