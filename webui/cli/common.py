"""Helpers shared by the `powerflow` sub-commands."""
from __future__ import annotations

import sys

import click
from engine.errors import PowerflowError

from webui.http.services import services


def admin():
    """The engine's operator actions on the app's database."""
    from engine.ops.administration import Administration
    return Administration(services().db, services().processes_dir)


def fail(error: PowerflowError) -> None:
    """Print a user error (with per-field errors) on stderr and exit 1, without a traceback."""
    click.echo(f"错误：{error}", err=True)
    for name, message in (getattr(error, "errors", None) or {}).items():
        click.echo(f"  {name}: {message}", err=True)
    sys.exit(1)
