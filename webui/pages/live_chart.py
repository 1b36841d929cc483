"""A matter's live chart: the swimlane chart refreshed in place, and the "as drawn" BPMN with its states."""
from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, render_template
from flask_babel import gettext
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from engine.pages.matter_page import MatterPages
from engine.messages import N_

from webui.http.services import services

bp = Blueprint("live_chart", __name__)

# The fixed words the engine draws into a version's stored chart (engine/charts/flowchart.py: step markers) and writes
# into holder summaries (engine/charts/live_cache.py); read in the request's language wherever a chart or summary is shown.
MARKERS = (N_("（自动）"), N_("（多人分别办理）"), N_("（决策表）"), N_("（任一人）"))
_MORE = re.compile(r"(?<= )等(\d+)人")


def _localized(text: str, quote) -> str:
    for marker in MARKERS:
        if marker in text:
            text = text.replace(marker, quote(gettext(marker)))
    return _MORE.sub(lambda found: quote(gettext("等%(count)d人", count=int(found.group(1)))), text)


@bp.app_template_filter("chart_text")
def chart_text(text):
    """A holder summary (or other plain text) from the engine's charts, its fixed words in the request's language."""
    return _localized(text, str) if text else text


@bp.app_template_filter("chart_svg")
def chart_svg(svg):
    """An engine-drawn SVG chart, its fixed words in the request's language (as markup, ready to inline)."""
    return Markup(_localized(svg, lambda text: str(escape(text)))) if svg else svg


def _pages() -> MatterPages:
    return MatterPages(services().db, services().charts)


@bp.get("/matters/<int:instance_id>/chart")
@login_required
def fragment(instance_id: int):
    """The chart and its step list, for the page's periodic refresh."""
    chart = _pages().chart(instance_id, current_user.username)
    return render_template("_live_chart.html", chart=chart, refresh=True)


@bp.get("/matters/<int:instance_id>/diagram.bpmn")
@login_required
def bpmn(instance_id: int):
    """The BPMN of the matter's own process version, as its designer drew it."""
    return Response(_pages().drawing(instance_id, current_user.username), mimetype="application/xml")


@bp.get("/matters/<int:instance_id>/states.json")
@login_required
def states(instance_id: int):
    """Each element's state, the flows taken and who holds the current steps."""
    found = _pages().states(instance_id, current_user.username)
    return jsonify(found | {"holders": {element: chart_text(who) for element, who in found["holders"].items()}})