"""The auditors' pages (纪委, 监督员; read-only): every matter, exports, heatmaps, charts."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from engine.oversight import dashboard, exports, heatmap, statistics
from engine.oversight.service import Oversight
from engine.directory.people import AUDITOR_ROLES
from engine.clock import utcnow
from engine.committee.workdays import LOCAL_TZ
from engine.status import MatterStatus

from webui.http.services import services
from webui.pages import statistics_charts
from webui.http.errors import field_errors
from webui.http.auth import roles_required
from webui.http.params import page_number

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000

auditors_only = roles_required(AUDITOR_ROLES)  # the menu and a clear 403 early; the engine checks again


def _oversight() -> Oversight:
    return Oversight(services().db, services().charts)


@bp.get("/")
@auditors_only
def matters():
    matter_filter = dashboard.MatterFilter.from_args(request.args)
    page = page_number()
    found = _oversight().matters(current_user.username, matter_filter, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    total, rows, choices = found.total, found.rows, found.choices
    choices["status"] = [(status, _(label)) for status, label in choices["status"]]
    matter_filter.errors = field_errors(matter_filter.errors)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    query = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("audit_matters.html", rows=rows, total=total, page=page, pages=pages, query=query,
                           filters=matter_filter, choices=choices), 400 if matter_filter.errors else 200


@bp.get("/export.<fmt>")
@auditors_only
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    matter_filter = dashboard.MatterFilter.from_args(request.args)
    rows = _oversight().export(current_user.username, matter_filter, EXPORT_LIMIT)
    stamp = utcnow().astimezone(LOCAL_TZ).strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        body, mime = exports.to_csv(rows, _), "text/csv; charset=utf-8"
    else:
        body, mime = exports.to_xlsx(rows, _), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mime,
                    headers={"Content-Disposition": f'attachment; filename="matters-{stamp}.{fmt}"'})


def _heat_label(h: heatmap.StepHeat) -> str:
    days = "—" if h.median_days is None else _("%(days)g 天", days=h.median_days)
    return _("%(open)d 件在办 · 中位 %(days)s", open=h.open_matters, days=days)


@bp.get("/heatmap/<process_key>")
@auditors_only
def process_heatmap(process_key: str):
    heat = _oversight().heat(current_user.username, process_key, _heat_label)
    return render_template("audit_heatmap.html", svg=heat.svg, steps=heat.steps, name=heat.name,
                           process_key=process_key)


@bp.get("/charts")
@auditors_only
def charts():
    found = _oversight().statistics(current_user.username, utcnow())
    months, opened, closed = found.months, found.opened, found.closed
    cycles, kept, letters = found.cycles, found.kept, found.letters
    categories = sorted(letters)
    shown = [_(c) if c == statistics.UNCLASSIFIED else c for c in categories]
    svgs = [
        statistics_charts.bars(_("每月新发起与办结的事项"), months, {_("发起"): opened, _("办结"): closed}),
        statistics_charts.bars(_("各流程办结周期中位数（天）"), [c[0] for c in cycles], {_("中位天数"): [c[1] for c in cycles]}),
        statistics_charts.bars(_("按期办理的步骤占比"), [k[0] for k in kept], {_("按期占比"): [k[1] for k in kept]}, percent=True),
        statistics_charts.stacked(_("群众来信：类别与办理状态"), shown,
                          {label: [letters[c].get(status, 0) for c in categories]
                           for status, label in ((MatterStatus.RUNNING, _("办理中")), (MatterStatus.COMPLETED, _("已办结")),
                                                 (MatterStatus.ERROR, _("出错")))}),
    ]
    return render_template("audit_charts.html", svgs=svgs)
