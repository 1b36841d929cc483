"""Live flowcharts in Chromium: readable labels, zoom, the current step in view, phones, "as drawn", public page."""
from __future__ import annotations

from engine.ops import demo
from tests.browser_helpers import ARTIFACTS, login

LABEL_HEIGHTS = "() => Array.from(document.querySelectorAll('.chart svg text'))" \
                ".map(t => t.getBoundingClientRect().height).filter(h => h > 0)"
SCROLL = "() => { const c = document.querySelector('.chart'); " \
         "return {left: c.scrollLeft, wide: c.scrollWidth > c.clientWidth, tall: c.scrollHeight > c.clientHeight}; }"


def test_live_chart_is_readable_zoomable_and_shows_states_as_drawn(web_app, live_url, browser):
    services = web_app.extensions["powerflow"]
    _, _, housing, _, meeting = demo.create_matters(services.db, services.runtime)
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    login(page, live_url, "jiwei")
    page.goto(f"{live_url}/matters/{meeting}")
    heights = page.evaluate(LABEL_HEIGHTS)
    assert len(heights) > 30 and min(heights) >= 10, heights  # at its natural size, not squeezed to the page
    assert page.evaluate(SCROLL)["left"] > 0  # the vote, far right, was brought into view
    width = page.evaluate("() => document.querySelector('.chart svg').getBoundingClientRect().width")
    page.click("button[data-zoom=in]")
    assert page.inner_text(".zoom-level") == "125%"
    assert page.evaluate("() => document.querySelector('.chart svg').getBoundingClientRect().width") > width * 1.2
    page.click("button[data-zoom=fit]")
    assert page.evaluate("() => { const c = document.querySelector('.chart'); return c.scrollWidth <= c.clientWidth; }")
    page.screenshot(path=str(ARTIFACTS / "live-chart-1280.png"), full_page=True)
    page.click("#tab-as-drawn")
    page.wait_for_selector(".as-drawn .djs-element.pf-current")
    assert page.locator(".as-drawn .djs-element.pf-completed").count() > 10
    assert "陈常委" in page.inner_text(".as-drawn .pf-holder")
    page.screenshot(path=str(ARTIFACTS / "live-chart-as-drawn-1280.png"))
    page.goto(f"{live_url}/audit/charts")  # statistics: tooltips as SVG titles, no script for the CSP to refuse
    assert page.locator("figure.chart svg g.bar title").count() > 0
    page.close()

    phone = browser.new_page(viewport={"width": 375, "height": 740})
    phone.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    login(phone, live_url, "bangong")
    phone.goto(f"{live_url}/matters/{meeting}")
    scroll = phone.evaluate(SCROLL)
    assert scroll["wide"] and scroll["tall"]  # pannable both ways
    assert phone.locator("details.steps").evaluate("d => d.open")
    assert "当前步骤" in phone.inner_text(".step-list li.current:has-text('无记名表决')")
    phone.screenshot(path=str(ARTIFACTS / "live-chart-375.png"), full_page=True)
    phone.goto(f"{live_url}/matters/{housing}")
    phone.click(".waiting-for a:has-text('常委会第13次会议')")  # waiting says for what, and leads there
    phone.wait_for_url(f"{live_url}/matters/{meeting}")
    phone.goto(f"{live_url}/public/processes/major_decision")
    assert "重大问题决策" in phone.inner_text("h1")
    assert phone.locator(".legend.shapes li").count() >= 6 and phone.is_visible("nav.tabs.public")
    assert min(phone.evaluate(LABEL_HEIGHTS)) >= 10
    phone.screenshot(path=str(ARTIFACTS / "public-flowchart-375.png"), full_page=True)
    phone.close()
    assert [p for p in problems if not p.startswith("Failed to load resource")] == []
