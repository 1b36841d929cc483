"""The auditors' charts speak the page's language even when there is nothing to draw."""
from __future__ import annotations

from flask_babel import force_locale

from webui.pages import statistics_charts


def test_an_empty_chart_says_so_in_the_pages_language(web_app):
    with web_app.test_request_context():
        with force_locale("zh"):
            chinese = statistics_charts.bars("每月新发起与办结的事项", [], {"发起": [], "办结": []})
        with force_locale("en"):
            english = statistics_charts.bars("Matters opened and closed per month", [], {"Opened": [], "Closed": []})
    assert "暂无数据" in chinese and "No data" not in chinese
    assert "No data" in english and "暂无数据" not in english
