"""The `powerflow` command: init, serve, deploy, users."""
from __future__ import annotations

import multiprocessing
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from engine import demo
from engine.deployment import deploy_directory
from engine.directory import Directory
from engine.errors import PowerflowError

from . import create_app

STATUS_TEXT = {"new": "新增", "changed": "变更", "unchanged": "未变"}


def _services():
    return current_app.extensions["powerflow"]


def _fail(error: PowerflowError) -> None:
    click.echo(f"错误：{error}", err=True)
    errors = getattr(error, "errors", None)
    for name, message in (errors or {}).items():
        click.echo(f"  {name}: {message}", err=True)
    sys.exit(1)


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False, add_version_option=False)
def main():
    """powerflow：党委权力公开透明运行（BPMN 流程引擎与网页）。"""


def _deploy(deployed_by: str) -> None:
    services = _services()
    with services.db.transaction() as session:
        results = deploy_directory(session, services.processes_dir, deployed_by)
    for r in results:
        click.echo(f"{STATUS_TEXT[r.status]}  {r.key}  第 {r.version} 版  {r.name}")


@main.command()
@click.option("--demo", "with_demo", is_flag=True, help="同时创建演示用户（密码 demo）和几个办理中的事项")
@with_appcontext
def init(with_demo: bool):
    """迁移数据库结构，创建标准角色，部署 processes/ 下的流程。"""
    services = _services()
    try:
        services.db.migrate()
        with services.db.transaction() as session:
            Directory(session).ensure_roles()
            if with_demo:
                demo.create_people(session)
        _deploy("init")
        if with_demo:
            ids = demo.create_matters(services.db, services.runtime)
            click.echo(f"演示数据已就绪：{len(demo.COMMITTEE) + len(demo.STAFF)} 个用户（密码 {demo.DEMO_PASSWORD}），"
                       f"新建事项 {len(ids)} 个")
    except PowerflowError as error:
        _fail(error)
    click.echo(f"数据库：{services.db.engine.url.render_as_string(hide_password=True)}")


@main.command()
@with_appcontext
def deploy():
    """部署 processes/ 下的 BPMN：内容有变化的流程成为新版本，运行中的事项留在原版本。"""
    try:
        _deploy("cli")
    except PowerflowError as error:
        _fail(error)


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="输出目录（默认为项目的 diagrams/）")
@with_appcontext
def diagrams(out_dir: str | None):
    """把 processes/ 下每个流程画成 SVG，写入 diagrams/（公开的权力运行流程图）。"""
    from pathlib import Path

    from engine.definitions import read_directory
    from engine.flowchart import layout, render_live

    from . import PROJECT_ROOT
    target = Path(out_dir) if out_dir else PROJECT_ROOT / "diagrams"
    target.mkdir(parents=True, exist_ok=True)
    try:
        for definition in read_directory(_services().processes_dir):
            path = target / f"{definition.key}.svg"
            path.write_text(render_live(layout(definition.bpmn_xml, definition.key), {}), encoding="utf-8")
            click.echo(f"{path}  {definition.name}")
    except PowerflowError as error:
        _fail(error)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="gunicorn 工作进程数（默认 2×CPU+1）")
def serve(host: str, port: int, workers: int | None):
    """用 gunicorn 提供网页和 API。"""
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers or multiprocessing.cpu_count() * 2 + 1)
            self.cfg.set("accesslog", "-")
            self.cfg.set("preload_app", True)  # one app (and one secret key) built before forking
            self.cfg.set("post_fork", _fresh_connections)
            # Request bodies are never logged: they may hold ballots (R8).
            self.cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms')

        def load(self):
            return create_app()

    click.echo(f"powerflow 正在 http://{host}:{port} 提供服务")
    _Server().run()


def _fresh_connections(server, worker) -> None:
    """A forked worker must not share the master's database connections."""
    worker.app.callable.extensions["powerflow"].db.engine.dispose(close=False)


@main.group()
def users():
    """管理用户、角色和分管领域。"""


@users.command("list")
@with_appcontext
def users_list():
    """列出用户及其角色。"""
    with _services().db.reader() as session:
        for user in Directory(session).users():
            flag = "" if user.active else "（已停用）"
            click.echo(f"{user.username:12} {user.display_name}{flag}  {'、'.join(user.role_names)}")


@users.command("add")
@click.argument("username")
@click.option("--name", "display_name", help="显示名")
@click.option("--password", help="密码（新用户必填）")
@click.option("--role", "roles", multiple=True, help="角色，可重复；给出时替换原有角色")
@with_appcontext
def users_add(username: str, display_name: str | None, password: str | None, roles: tuple[str, ...]):
    """新建用户，或修改已有用户的显示名、密码、角色。"""
    try:
        with _services().db.transaction() as session:
            user = Directory(session).save_user(username, display_name, password, list(roles) if roles else None)
            click.echo(f"已保存 {user.username}：{'、'.join(user.role_names)}")
    except PowerflowError as error:
        _fail(error)


@users.command("deactivate")
@click.argument("username")
@with_appcontext
def users_deactivate(username: str):
    """停用用户（保留其办理记录）。"""
    try:
        with _services().db.transaction() as session:
            Directory(session).save_user(username, active=False)
        click.echo(f"已停用 {username}")
    except PowerflowError as error:
        _fail(error)


@users.command("field")
@click.argument("field")
@click.argument("username")
@with_appcontext
def users_field(field: str, username: str):
    """指定某分管领域的分管常委（每个领域只有一位）。"""
    try:
        with _services().db.transaction() as session:
            Directory(session).set_field(field, username)
        click.echo(f"{field} 的分管常委：{username}")
    except PowerflowError as error:
        _fail(error)
