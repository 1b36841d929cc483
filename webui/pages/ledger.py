"""The accountability ledger (R21): every official's and body's entry for 纪委 and 监督员, one's own entry for anyone
else signed in — with the inquiries put to them and the accountability cases naming them; its export (CSV, XLSX) and
chart."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.clock import utcnow
from engine.committee.workdays import LOCAL_TZ
from engine.errors import FormInvalid
from engine.oversight import ledger_exports
from engine.oversight.ledger import Ledger, LedgerQuery, LedgerView, hours, split_delay

from webui.http.errors import field_errors, respond
from webui.http.services import services
from webui.pages import statistics_charts

bp = Blueprint("ledger", __name__, url_prefix="/ledger")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _read(query: LedgerQuery) -> LedgerView:
    """The entry or entries the query string asks for, as the signed-in reader may read them."""
    ledger, reader, now = Ledger(services().db), current_user.username, utcnow()
    if query.official:
        return ledger.official(reader, query.official, query.year, now)
    if query.body:
        return ledger.body(reader, query.body, query.year, now)
    return ledger.overview(reader, query.year, now)


def delay(delta: timedelta) -> str:
    """How late, in the reader's language: 2 天 3 小时, 3 小时 20 分, 45 分钟."""
    days, whole_hours, minutes = split_delay(delta)
    if days:
        return _("%(days)d 天 %(hours)d 小时", days=days, hours=whole_hours)
    if whole_hours:
        return _("%(hours)d 小时 %(minutes)d 分", hours=whole_hours, minutes=minutes)
    return _("%(minutes)d 分钟", minutes=minutes)


def _chart(view: LedgerView, single: bool) -> str:
    """The whole ledger: each official's late steps, late or missing reports, urgings and inquiries answered late or
    not at all; one entry: how late each step was, and each report or answer not made (one made late is one of the
    late steps)."""
    if single:
        entry = (view.officials or view.bodies)[0]
        late = [(s.step, s.late_by) for s in entry.records.late_steps]
        late += [(_("%(step)s（逾期未报）", step=r.step), r.late_by) for r in entry.records.reports if r.missing]
        late += [(_("%(step)s（逾期未答复）", step=i.step), i.late_by) for i in entry.records.inquiries
                 if i.late and i.unanswered]
        return statistics_charts.horizontal_bars(_("逾期时长（小时）"), [label for label, _late in late],
                                                 {_("逾期（小时）"): [hours(by) for _label, by in late]})
    shown = [e for e in view.officials if e.late_steps or e.records.reports or e.urgings or e.inquiries_late]
    return statistics_charts.horizontal_bars(_("逾期、报告与催办（按人员）"), [e.name for e in shown],
                                             {_("逾期办理的步骤"): [e.late_steps for e in shown],
                                              _("逾期或未报的报告"): [len(e.records.reports) for e in shown],
                                              _("收到催办"): [e.urgings for e in shown],
                                              _("答复逾期的询问和质询"): [e.inquiries_late for e in shown]})


@bp.get("/")
@login_required
def page():
    try:
        query = LedgerQuery.from_args(request.args)
        view = _read(query)
    except FormInvalid as invalid:
        return render_template("ledger.html", view=None, args=request.args, errors=field_errors(invalid.errors)), 400
    single = bool(query.official or query.body or not view.everyone)
    return render_template("ledger.html", view=view, args=request.args, errors={}, single=single, delay=delay,
                           entry=(view.officials or view.bodies)[0] if single else None, chart=_chart(view, single))


@bp.get("/export.<fmt>")
@login_required
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    try:
        view = _read(LedgerQuery.from_args(request.args))
    except FormInvalid as invalid:
        return respond(400, _("请求有误"), field_errors(invalid.errors))
    stamp = utcnow().astimezone(LOCAL_TZ).strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        body, mime = ledger_exports.to_csv(view, _), "text/csv; charset=utf-8"
    else:
        body, mime = ledger_exports.to_xlsx(view, _), XLSX
    disposition = f'attachment; filename="ledger-{stamp}.{fmt}"'
    return Response(body, mimetype=mime, headers={"Content-Disposition": disposition})
