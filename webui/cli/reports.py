"""`powerflow report`: the annual report (总结完善, R20) as a PDF or DOCX file for reporting upward."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from engine.clock import utcnow
from engine.committee.workdays import LOCAL_TZ
from engine.errors import FormInvalid
from engine.oversight.annual_report import AnnualReports

from webui.cli.common import fail, services
from webui.pages import minutes_files, report_files


@click.command("report")
@click.option("--body", default="常委会", show_default=True, help="决策机构：常委会或全委会")
@click.option("--year", default=None, help="年度，默认为今年（北京时间）")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="输出文件（.pdf 或 .docx），默认为 annual-report-<年度>.pdf")
@with_appcontext
def report_command(body: str, year: str | None, output: str | None):
    """生成年度权力公开透明运行情况报告（指标、图表、决策、公示、来信、问责）。"""
    year = year or str(utcnow().astimezone(LOCAL_TZ).year)
    target = Path(output or f"annual-report-{year}.pdf")
    if target.suffix not in (".pdf", ".docx"):
        raise click.BadParameter(f"{target.name}：文件名须以 .pdf 或 .docx 结尾", param_hint="--output")
    try:
        report = AnnualReports(services().db, current_app.config["PROCESSES_DIR"]).build(body, year, utcnow())
    except FormInvalid as invalid:
        fail(invalid)
    with current_app.test_request_context():  # the document's words come from the translations, in Chinese
        content = report_files.blocks(report)
        try:
            data = report_files.pdf(content) if target.suffix == ".pdf" else report_files.docx(content)
        except minutes_files.FontMissing as missing:
            raise click.ClickException(f"未安装中文字体 {missing}，请运行 scripts/install") from None
    target.write_bytes(data)
    click.echo(f"已生成 {target}：{report.number}，决定 {sum(report.indicators.decisions_by_kind.values())} 项，"
               f"公示 {len(report.publications)} 项，问责案件 {len(report.cases)} 件")
