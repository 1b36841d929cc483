"""The JSON Schema a task's form is checked against, with its choices filled in."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.bpmn import forms
from engine.committee.form_options import form_options
from engine.models import HumanTask
from engine.process.version_cache import version_forms
from engine.runtime import signers
from engine.status import TaskKind


def task_schema(session: Session, row: HumanTask, data: dict) -> dict:
    """The task's JSON Schema with ``x-options`` filled from the directory and the task's ``data``."""
    if row.kind == TaskKind.SIGN:
        return signers.SIGN_SCHEMA
    return forms.with_options(version_forms(row.instance.process_version)[row.form_file],
                              lambda source: form_options(session, source, data))
