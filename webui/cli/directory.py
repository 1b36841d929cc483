"""`powerflow users` and `powerflow calendar`: the directory and the official calendar."""
from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import with_appcontext

from engine.errors import PowerflowError

from webui.cli.common import admin, fail, services




@click.group()
def users():
    """管理用户、角色和分管领域。"""


@users.command("list")
@with_appcontext
def users_list():
    """列出用户及其角色。"""
    for user in admin().accounts():
        flag = "" if user.active else "（已停用）"
        click.echo(f"{user.username:12} {user.display_name}{flag}  {'、'.join(user.roles)}")


@users.command("add")
@click.argument("username")
@click.option("--name", "display_name", help="显示名")
@click.option("--password", help="密码（新用户必填）")
@click.option("--role", "roles", multiple=True, help="角色，可重复；给出时替换原有角色")
@with_appcontext
def users_add(username: str, display_name: str | None, password: str | None, roles: tuple[str, ...]):
    """新建用户，或修改已有用户的显示名、密码、角色。"""
    try:
        user = admin().save_account(username, display_name, password, list(roles) if roles else None)
        click.echo(f"已保存 {user.username}：{'、'.join(user.roles)}")
    except PowerflowError as error:
        fail(error)


@users.command("sync")
@with_appcontext
def users_sync():
    """从 LDAP 目录同步用户：新建、更新、停用；停用者的待办提示转办。"""
    from engine.ops.directory_sync import sync_directory
    engine = services()
    if engine.directory is None:
        click.echo("错误：未配置目录服务（POWERFLOW_LDAP_URL），没有可同步的用户", err=True)
        sys.exit(1)
    try:
        report = sync_directory(engine.db, engine.directory, engine.runtime.clock())
    except PowerflowError as error:
        fail(error)
    click.echo(f"新建 {len(report.created)}，更新 {len(report.updated)}，停用 {len(report.deactivated)}")
    for label, names in (("新建", report.created), ("更新", report.updated), ("停用", report.deactivated)):
        if names:
            click.echo(f"  {label}：{'、'.join(names)}")
    if report.unknown_roles:
        click.echo(f"警告：映射给出了本系统没有的角色，已忽略：{'、'.join(report.unknown_roles)}", err=True)
    for handover in report.handovers:
        click.echo(f"需转办：任务 {handover.task_id}「{handover.name}」（事项 #{handover.instance_id}），"
                   f"原办理人 {handover.holder}")


@users.command("deactivate")
@click.argument("username")
@with_appcontext
def users_deactivate(username: str):
    """停用用户（保留其办理记录）。"""
    try:
        admin().deactivate(username)
        click.echo(f"已停用 {username}")
    except PowerflowError as error:
        fail(error)


@users.command("revoke-tokens")
@click.argument("username")
@with_appcontext
def users_revoke_tokens(username: str):
    """撤销用户的全部 API 令牌并结束其网页登录（手机丢失、令牌泄露时）。"""
    try:
        admin().revoke(username)
        click.echo(f"已撤销 {username} 的全部令牌和登录会话")
    except PowerflowError as error:
        fail(error)


@users.command("field")
@click.argument("field")
@click.argument("username")
@with_appcontext
def users_field(field: str, username: str):
    """指定某分管领域的分管常委（每个领域只有一位）。"""
    try:
        admin().set_field(field, username)
        click.echo(f"{field} 的分管常委：{username}")
    except PowerflowError as error:
        fail(error)


@click.group()
def calendar():
    """维护官方工作日安排（节假日与调休上班日），覆盖 chinese-calendar 与 holidays 的数据。"""


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"日期应为 YYYY-MM-DD：{text}") from None


@calendar.command("set")
@click.argument("day")
@click.option("--holiday", "kind", flag_value="holiday", help="法定节假日（不上班）")
@click.option("--workday", "kind", flag_value="workday", help="调休上班日")
@click.option("--note", default="", help="说明，如“国庆节”")
@with_appcontext
def calendar_set(day: str, kind: str | None, note: str):
    """登记一天为节假日或调休上班日。"""
    if kind is None:
        raise click.UsageError("请指定 --holiday 或 --workday")
    entry = admin().enter_day(_day(day), kind == "workday", note)
    click.echo(f"{entry.day}  {'上班' if entry.workday else '休息'}  {entry.note}")


@calendar.command("remove")
@click.argument("day")
@with_appcontext
def calendar_remove(day: str):
    """删除登记的某一天，恢复默认数据。"""
    removed = admin().forget_day(_day(day))
    click.echo(f"已删除 {day}" if removed else f"{day} 没有登记")


@calendar.command("list")
@click.option("--year", type=int, default=None)
@with_appcontext
def calendar_list(year: int | None):
    """列出登记的日子；给出 --year 时还统计该年的工作日数。"""
    days, total = admin().days(year)
    for entry in days:
        click.echo(f"{entry.day}  {'上班' if entry.workday else '休息'}  {entry.note}")
    if total is not None:
        click.echo(f"{year} 年共 {total} 个工作日")
