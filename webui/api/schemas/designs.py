"""Models of design work: validating, deploying and importing diagrams, versions, rollback and migration."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from pydantic import Field, RootModel

from webui.api.schemas.common import Answer, Body, Problem, Text


class DesignBody(Body):
    """A diagram as the modeler sends it; what is wrong in it is answered as problems naming their elements."""

    bpmn_xml: Optional[str] = Field(None, description="the BPMN 2.0 XML")
    filename: Optional[str] = Field(None, max_length=200, pattern=r"^[^/\\]+\.bpmn$",
                                    description="NAME.bpmn; taken from the process id if absent")
    forms: Optional[dict[str, Any]] = Field(None, description="form files by name, each a JSON Schema")


class Checked(Answer):
    ok: bool
    processes: list[str] = Field(description="the process keys the design holds")


class DeployResult(Answer):
    key: str
    name: str
    version: int
    status: str = Field(description="new, changed, redrawn (layout only) or unchanged")


class Deployed(Answer):
    deployed: list[DeployResult]


class Changes(Answer):
    added: list[str]
    removed: list[str]
    changed: list[str]


class Version(Answer):
    version: int
    name: str
    deployed_by: Text
    deployed_at: datetime
    changes: Changes


class Versions(RootModel[list[Version]]):
    """Every version of a process, newest first, with what changed from the one before."""


class VersionBody(Body):
    version: Optional[int] = Field(None, description="a version number (from 1)")


class Migrated(Answer):
    id: int
    version: int


class ImportEntry(Answer):
    element: Text
    name: Text
    attribute: Text
    original: Text
    outcome: str
    became: Text
    why: Text


class Imported(Answer):
    """The upload in powerflow's dialect, what the conversion did, and what validation still finds."""

    dialect: str
    dialect_name: str
    bpmn_xml: str
    report: list[ImportEntry]
    problems: list[Problem]
