"""Data safety commands: verify the audit chain, back up and restore everything."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from engine.ops import backup

from webui.cli.common import admin, fail, services


@click.group()
def audit():
    """审计记录。"""


@audit.command("verify")
@with_appcontext
def audit_verify():
    """核对审计链：逐条检查哈希，报告被修改、插入或删除的事件及其位置。"""
    verdict = admin().verify_audit()
    for problem in verdict.problems:
        click.echo(f"错误：{problem}", err=True)
    click.echo(f"链头：第 {verdict.head_seq} 条，哈希 {verdict.head_hash}")
    if verdict.problems:
        click.echo(f"审计链被破坏：{len(verdict.problems)} 处问题（共核对 {verdict.checked} 条）", err=True)
        sys.exit(1)
    click.echo(f"审计链完整：共 {verdict.checked} 条")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(target: str):
    """把所有数据表和附件备份到一个 zip 文件（SQLite 与 PostgreSQL 通用）。"""
    counts = backup.dump(services().db, target, current_app.config["ATTACHMENTS_DIR"])
    click.echo(f"已备份到 {target}：{len(counts)} 张表，{sum(counts.values())} 行")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="目标数据库已有数据时，先清空再恢复")
@with_appcontext
def restore_command(source: str, replace: bool):
    """从备份恢复全部数据和附件（目标库须为空，或加 --replace）。"""
    try:
        counts = backup.restore(services().db, source, current_app.config["ATTACHMENTS_DIR"], replace)
    except backup.BackupError as exc:
        fail(exc)
    click.echo(f"已从 {source} 恢复：{len(counts)} 张表，{sum(counts.values())} 行")
