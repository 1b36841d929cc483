"""The committee's arithmetic rules as pure functions: no database, no app, checked over every small case.

R4 notice, R5 quorum, R9 majority of those who should attend, R17 a competitive vote, R11 numbers.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings, strategies as st

from engine.committee.meetings import chosen, earliest_meeting_day, notice_refusal, passes, quorum
from engine.committee.numbering import format_number
from engine.committee.workdays import LOCAL_TZ, WorkdayCalendar

SIZES = st.integers(min_value=1, max_value=60)


@given(should=SIZES, data=st.data())
def test_R9_an_item_passes_exactly_when_agree_votes_exceed_half_of_those_who_should_attend(should, data):
    agree = data.draw(st.integers(min_value=0, max_value=should))
    assert passes(agree, should) == (agree > should / 2)


def test_R9_half_is_not_enough_whatever_the_turnout():
    assert not passes(5, 10) and passes(6, 10) and passes(5, 9) and not passes(4, 9)


@given(should=SIZES, data=st.data(), personnel=st.booleans())
def test_R5_quorum_is_more_than_half_or_two_thirds_for_personnel(should, data, personnel):
    present = data.draw(st.integers(min_value=0, max_value=should))
    refused = bool(quorum(should, present, personnel, member_in_charge_present=True))
    enough = present >= should * 2 / 3 if personnel else present > should / 2
    assert refused != enough


def test_R5_the_member_in_charge_must_attend_even_with_everyone_else_there():
    assert quorum(9, 8, personnel=False, member_in_charge_present=False) == ["分管该议题的常委未到会"]
    assert quorum(9, 8, personnel=False, member_in_charge_present=None) == []  # no member in charge named


def test_R17_the_candidate_with_a_majority_of_those_who_should_attend_is_chosen_and_a_tie_chooses_nobody():
    assert chosen({"甲": 6, "乙": 3}, ["甲", "乙"], 9) == "甲"
    assert chosen({"甲": 4, "乙": 3}, ["甲", "乙"], 9) is None  # the most votes, but not a majority of 应到
    assert chosen({"甲": 2, "乙": 2}, ["甲", "乙"], 3) is None
    assert chosen({}, [], 9) is None


@settings(max_examples=60, deadline=None)  # the first call loads the holiday tables: not a timing test
@given(start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31)),
       days=st.integers(min_value=1, max_value=15))
def test_R4_adding_working_days_lands_on_a_working_day_with_exactly_that_many_in_between(start, days):
    calendar = WorkdayCalendar()
    begin = start.replace(tzinfo=LOCAL_TZ)
    end = calendar.add_working_days(begin, days)
    assert calendar.is_workday(end.date())
    assert calendar.working_days_between(begin.date(), end.date()) == days
    assert end.timetz() == begin.timetz()  # the same local time of day


def test_R4_a_notice_is_refused_before_its_earliest_day_and_accepted_on_it():
    calendar = WorkdayCalendar()
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=LOCAL_TZ)
    earliest = earliest_meeting_day(calendar, monday)
    assert earliest == date(2026, 12, 2)
    assert notice_refusal(calendar, monday, earliest) is None
    refusal = notice_refusal(calendar, monday, earliest - timedelta(days=1))
    assert refusal is not None and refusal.code == "rule.r4_notice" and refusal.params["earliest"] == earliest


def test_R4_admin_entered_days_override_the_libraries_in_both_directions():
    saturday, friday = date(2031, 1, 4), date(2031, 1, 3)
    calendar = WorkdayCalendar({saturday: True, friday: False})
    assert calendar.is_workday(saturday) and not calendar.is_workday(friday)
    assert not WorkdayCalendar().is_workday(saturday)  # 2031: beyond chinese-calendar, `holidays` and weekdays


def test_R11_numbers_are_written_in_the_official_style():
    assert format_number("常委会纪要", 2026, 7) == "常委会纪要〔2026〕第7号"
