"""The `powerflow` command: init, serve, deploy, users."""
from __future__ import annotations

import multiprocessing
import os
import sys

import click
from flask.cli import FlaskGroup, with_appcontext

from engine.ops import demo
from engine import metrics
from engine.errors import PowerflowError

from webui.cli.common import admin, fail, services
from webui.http import logs, rate_limits

from webui import ConfigurationError, create_app

STATUS_TEXT = {"new": "新增", "changed": "变更", "redrawn": "重绘", "unchanged": "未变"}


def _app():
    """The app, or (for an unsafe configuration, such as no shared secret key) a clear message and exit 1."""
    try:
        return create_app()
    except ConfigurationError as error:
        click.echo(f"错误：{error}", err=True)
        sys.exit(1)


@click.group(cls=FlaskGroup, create_app=_app, add_default_commands=False, add_version_option=False)
def main():
    """powerflow：党委权力公开透明运行（BPMN 流程引擎与网页）。"""


def _deploy(deployed_by: str) -> None:
    results = admin().deploy(deployed_by)
    for r in results:
        click.echo(f"{STATUS_TEXT[r.status]}  {r.key}  第 {r.version} 版  {r.name}")


@main.command()
@click.option("--demo", "with_demo", is_flag=True, help="同时创建演示用户（密码 demo）和几个办理中的事项")
@with_appcontext
def init(with_demo: bool):
    """迁移数据库结构，创建标准角色，部署 processes/ 下的流程。"""
    engine = services()
    try:
        admin().prepare(with_demo)
        _deploy("init")
        if with_demo:
            ids = demo.create_matters(engine.db, engine.runtime)
            click.echo(f"演示数据已就绪：{len(demo.COMMITTEE) + len(demo.STAFF)} 个用户（密码 {demo.DEMO_PASSWORD}），"
                       f"新建事项 {len(ids)} 个")
    except PowerflowError as error:
        fail(error)
    click.echo(f"数据库：{engine.db.engine.url.render_as_string(hide_password=True)}")


@main.command()
@with_appcontext
def deploy():
    """部署 processes/ 下的 BPMN：内容有变化的流程成为新版本，运行中的事项留在原版本。"""
    try:
        _deploy("cli")
    except PowerflowError as error:
        fail(error)


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="输出目录（默认为项目的 diagrams/）")
@with_appcontext
def diagrams(out_dir: str | None):
    """把每个流程画成 SVG 和 PNG（含图例），并生成权力目录索引页，写入 diagrams/。"""
    from pathlib import Path

    from engine.public.published import publish

    from webui.config import PROJECT_ROOT
    try:
        for path in publish(services().processes_dir, Path(out_dir) if out_dir else PROJECT_ROOT / "diagrams"):
            click.echo(str(path))
    except PowerflowError as error:
        fail(error)


@main.command()
@click.option("--dir", "processes_dir", type=click.Path(file_okay=False), default=None, help="默认为配置的 processes/")
@with_appcontext
def lint(processes_dir: str | None):
    """检查 processes/ 下的全部文件：解析、泳道角色、表单、网关条件、可达性、图形信息、权力目录。"""
    from pathlib import Path

    from engine.directory.people import STANDARD_ROLES
    from engine.process.lint import lint_directory
    from engine.process.bpmnlint import BpmnlintUnavailable, check
    folder = Path(processes_dir) if processes_dir else services().processes_dir
    problems = lint_directory(folder, set(STANDARD_ROLES))
    try:  # bpmnlint's rules (.bpmnlintrc) through Node: its errors fail the check, its warnings are shown
        errors, warnings = check(sorted(folder.glob("*.bpmn")))
    except BpmnlintUnavailable as exc:
        errors, warnings = [str(exc)], []
    problems += errors
    for warning in warnings:
        click.echo(f"警告：{warning}", err=True)
    for problem in problems:
        click.echo(f"错误：{problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"检查通过：{len(list(folder.glob('*.bpmn')))} 个流程文件")


@main.command()
@click.option("--interval", default=2.0, show_default=True, help="轮询间隔（秒）")
@click.option("--once", is_flag=True, help="只处理一轮到期定时器后退出")
@with_appcontext
def worker(interval: float, once: bool):
    """触发到期定时器、发出逾期提醒、发送邮件通知；可在多台机器上同时运行多个。"""
    from flask import current_app

    from engine.runtime.worker import TimerWorker
    logs.configure(current_app.config["LOG_FORMAT"])
    timer_worker = TimerWorker(services().runtime, interval=interval, mailer=services().mailer)
    if once:
        done = timer_worker.run_round()
        click.echo(f"fired {done['timers']}, overdue {done['overdue']}, mail {done['mail']}")
        return
    click.echo(f"powerflow worker：每 {interval} 秒检查一次到期定时器")
    try:
        timer_worker.run_forever()
    except KeyboardInterrupt:
        timer_worker.stop()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="gunicorn 工作进程数（默认等于 CPU 数：一个动作以计算为主，多开只会互相争抢，见 BENCHMARKS.md）")
@click.option("--timers/--no-timers", default=None,
              help="在服务进程内触发定时器（默认：使用内置 SQLite 演示库时开启，免去单独的 powerflow worker）")
def serve(host: str, port: int, workers: int | None, timers: bool | None):
    """用 gunicorn 提供网页和 API。"""
    from gunicorn.app.base import BaseApplication
    from gunicorn.glogging import Logger

    class _Logs(Logger):
        """gunicorn's own lines go through powerflow's handler; the app writes the access lines itself."""

        def setup(self, cfg):
            super().setup(cfg)
            self.error_log.handlers.clear()
            self.error_log.propagate = True

    class _Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            # One per core: an action is mostly computation, and more workers than cores measured slower
            # (bench/http.py: 2 workers on 2 cores served 20 % more completions per second than 4).
            self.cfg.set("workers", workers or multiprocessing.cpu_count())
            self.cfg.set("logger_class", _Logs)
            self.cfg.set("preload_app", True)  # one app (and one secret key) built before forking
            self.cfg.set("post_fork", _fresh_connections)
            self.cfg.set("child_exit", _worker_gone)
            self.cfg.set("on_exit", _stopped)
            if timers is not False:
                self.cfg.set("when_ready", _start_timers)

        run_timers = timers

        def load(self):
            return app

    _metrics_directory()
    app = _app()  # before gunicorn starts, so that a bad configuration is one clear line
    logs.configure(app.config["LOG_FORMAT"])
    _shared_counts((workers or multiprocessing.cpu_count()), app)
    metrics.instruments()  # imported once in the master: the workers share its pages instead of each loading it
    click.echo(f"powerflow 正在 http://{host}:{port} 提供服务")
    _Server().run()


def _start_timers(server) -> None:
    """Demo mode: the server starts a `powerflow worker` child process for due timers.

    A process, not a thread: a thread running in the master while workers fork could leave
    a lock held in the children.
    """
    import subprocess

    engine = server.app.callable.extensions["powerflow"]
    if server.app.run_timers is None and engine.db.dialect != "sqlite":
        return
    server.timer_process = subprocess.Popen([sys.executable, "-m", "webui.cli", "worker"])
    server.log.info("timers are fired by this server (demo mode), worker pid %s", server.timer_process.pid)


def _stop_timers(server) -> None:
    process = getattr(server, "timer_process", None)
    if process is not None:
        process.terminate()
        process.wait(timeout=10)


def _shared_counts(processes: int, app) -> None:
    """Refuse several processes on PostgreSQL whose sign-in limits are counted in each one's memory."""
    if processes < 2 or rate_limits.shared(app):
        return
    message = (f"{processes} 个工作进程各自在内存中计数，登录和信箱的频率限制会放大 {processes} 倍；"
               "请设置 POWERFLOW_RATELIMIT_STORAGE=redis://主机:6379（各进程、各节点共用）")
    if app.extensions["powerflow"].db.dialect == "postgresql":  # a deployment, perhaps several nodes: refuse
        click.echo(f"错误：{message}，或用 --workers 1", err=True)
        sys.exit(1)
    click.echo(f"警告：{message}（内置 SQLite 演示库：仍然启动）", err=True)


def _metrics_directory() -> None:
    """Point prometheus_client at an empty directory the workers share, before anything imports it.

    Multiprocess mode: each worker writes its counters there and a scrape of any worker sums them. The
    operator's PROMETHEUS_MULTIPROC_DIR is used (emptied: old files would count twice), else a new one.
    """
    import shutil
    import tempfile
    from pathlib import Path

    chosen = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if chosen:
        shutil.rmtree(chosen, ignore_errors=True)
        Path(chosen).mkdir(parents=True)
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = _CREATED_DIRS[0] = tempfile.mkdtemp(prefix="powerflow-metrics-")


_CREATED_DIRS: list[str | None] = [None]  # the metrics directory serve made itself, removed when it stops


def _stopped(server) -> None:
    """The server is stopping: stop the demo's timer worker and remove the metrics directory serve made."""
    import shutil
    _stop_timers(server)
    if _CREATED_DIRS[0]:
        shutil.rmtree(_CREATED_DIRS[0], ignore_errors=True)


def _worker_gone(server, worker) -> None:
    """A worker that exits has its live gauges dropped (its counters stay in the sums)."""
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


def _fresh_connections(server, worker) -> None:
    """A forked worker must not share the master's database connections."""
    worker.app.callable.extensions["powerflow"].db.engine.dispose(close=False)


from webui.cli.directory import calendar, users  # noqa: E402  (sub-commands registered on main)
from webui.cli.data import audit, backup_command, restore_command  # noqa: E402
from webui.cli.reports import report_command  # noqa: E402

main.add_command(users)
main.add_command(calendar)
main.add_command(audit)
main.add_command(backup_command)
main.add_command(restore_command)
main.add_command(report_command)

