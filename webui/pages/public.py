"""The public portal (no login): the power catalog and its charts, what was published, the mailbox, and the
year's evaluation with its survey."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from engine.storage import idempotency
from engine.public import letters
from engine.process.catalog import load_catalog
from engine.errors import Conflict, FormInvalid
from engine.clock import utcnow
from engine.public.portal import Portal
from engine.committee.meetings import BODIES
from engine.committee.workdays import LOCAL_TZ
from engine.oversight.annual_report import AnnualReports
from engine.oversight.surveys import Surveys

from webui.http.services import services
from webui.http.errors import engine_text, field_errors
from webui.pages import report_files
from webui.pages.live_chart import chart_svg
from webui.http.params import page_number
from webui.http.rate_limits import limiter

bp = Blueprint("public", __name__, url_prefix="/public")


PUBLIC = "公开"  # the catalog's disclosure level shown to everyone


def _public_powers():
    return [p for p in load_catalog(services().processes_dir) if p.disclosure == PUBLIC]


@bp.get("/")
def catalog():
    powers = _public_powers()
    categories: dict[str, list] = {}
    for power in powers:
        categories.setdefault(power.category, []).append(power)
    recent = _portal().recent(5)
    return render_template("public_catalog.html", categories=categories, recent=recent)


def _public_power(process_key: str):
    power = next((p for p in _public_powers() if p.process == process_key), None)
    if power is None:
        abort(404)
    return power


@bp.get("/processes/<process_key>.svg")
def chart(process_key: str):
    _public_power(process_key)
    _process, svg = _portal().chart(process_key)
    return Response(chart_svg(svg), mimetype="image/svg+xml")


@bp.get("/processes/<process_key>")
def flowchart(process_key: str):
    """A public power's flowchart as a page: its title, basis, legend and the chart at a readable size."""
    power = _public_power(process_key)
    process, svg = _portal().chart(process_key)
    return render_template("public_flowchart.html", power=power, process=process, svg=svg)


@bp.get("/decisions")
def decisions():
    page = page_number()
    items = _portal().decisions(20, (page - 1) * 20)
    return render_template("public_decisions.html", items=items, page=page)


@bp.get("/decisions/<int:instance_id>")
def decision(instance_id: int):
    item = _portal().decision(instance_id)  # with the number of the minutes behind it (R11)
    return render_template("public_decision.html", item=item, now=utcnow(), values={}, errors={},
                           objected=request.args.get("objected") == "1", form_token=idempotency.new_token())


@bp.post("/decisions/<int:instance_id>/objections")
@limiter.limit(lambda: current_app.config["MAILBOX_RATE_LIMIT"])
def objection(instance_id: int):
    """An objection to the publication while its period runs (R16); after it, 409 naming the rule."""
    values = {k: request.form.get(k, "") for k in ("writer", "contact", "text")}
    now, token = utcnow(), request.form.get(idempotency.FIELD)
    try:
        _portal().object_to(instance_id, values["writer"], values["contact"], values["text"], now, token)
    except FormInvalid as invalid:
        errors, status = field_errors(invalid.errors), 422
    except Conflict as closed:
        errors, status = {"objection": engine_text(closed.msg)}, 409
    else:  # post/redirect/get: reloading the page files nothing again
        return redirect(url_for("public.decision", instance_id=instance_id, objected=1, _anchor="objection"))
    item = _portal().decision(instance_id)
    return render_template("public_decision.html", item=item, now=now, values=values, errors=errors, objected=False,
                           form_token=idempotency.usable(token) or idempotency.new_token()), status


def _portal() -> Portal:
    return Portal(services().db, services().charts)


@bp.route("/mailbox", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["MAILBOX_RATE_LIMIT"], methods=["POST"])
def mailbox():
    if request.method == "GET":
        return render_template("public_mailbox.html", values={}, errors={}, form_token=idempotency.new_token())
    values = {k: request.form.get(k, "") for k in ("writer", "contact", "content")}
    token = request.form.get(idempotency.FIELD)
    try:
        number = letters.write(services().runtime, **values, token=token)
    except FormInvalid as invalid:
        return render_template("public_mailbox.html", values=values, errors=field_errors(invalid.errors),
                               form_token=idempotency.usable(token) or idempotency.new_token()), 422
    # Post/redirect/get: reloading the confirmation shows the same number and files nothing.
    return redirect(url_for("public.letter_written", number=number))


@bp.get("/letters/<number>/written")
@limiter.limit(lambda: current_app.config["LOOKUP_RATE_LIMIT"])
def letter_written(number: str):
    found = _portal().letter(number)
    return render_template("public_letter_written.html", number=found.tracking_number)


@bp.get("/letters")
def find_letter():
    number = (request.args.get("number") or "").strip().upper()
    if not number:
        return render_template("public_letter_lookup.html")
    return redirect(url_for("public.letter", number=number))


@bp.route("/letters/<number>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOOKUP_RATE_LIMIT"])
def letter(number: str):
    errors, status = {}, 200
    if request.method == "POST":
        try:
            _portal().rate(number, request.form.get("rating", type=int), request.form.get("comment", ""))
        except FormInvalid as invalid:
            errors, status = field_errors(invalid.errors), 422
        except Conflict as conflict:
            errors, status = {"rating": engine_text(conflict.msg)}, 409
    found = _portal().letter(number)
    return render_template("public_letter.html", letter=found, errors=errors), status


@bp.route("/evaluation", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["MAILBOX_RATE_LIMIT"], methods=["POST"])
def evaluation():
    """效果评估: the year's figures in summary, and the public's satisfaction survey (R20)."""
    now = utcnow()
    values, errors, status, thanked = {}, {}, 200, False
    if request.method == "POST":
        scores, values = report_files.survey_form(request.form)
        try:
            Surveys(services().db).public_answer(values["body"], scores, values["comment"], now)
            values, thanked = {}, True
        except FormInvalid as invalid:
            errors, status = field_errors(invalid.errors), 422
    year = now.astimezone(LOCAL_TZ).year
    reports = AnnualReports(services().db, services().processes_dir)
    summaries = [reports.figures(body, year, now) for body in BODIES]
    questions = report_files.survey_questions()
    return render_template("public_evaluation.html", summaries=summaries, year=year, bodies=list(BODIES),
                           values=values, errors=errors, thanked=thanked, questions=questions,
                           labels=dict(questions)), status
