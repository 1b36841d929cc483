"""Models every part of the API shares: the error, a task as lists show it, and an action's outcome."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

from engine.status import MatterStatus, TaskKind, TaskState

Text = Optional[str]


class Answer(BaseModel):
    """A response model: every field the server sends is declared, so an undeclared one is a defect."""

    model_config = ConfigDict(extra="forbid")


class Body(BaseModel):
    """A request model: fields a client does not know to send are ignored, as a tolerant reader does."""

    model_config = ConfigDict(extra="ignore")


class Problem(Answer):
    """One problem of a refused design, naming its element."""

    element: Text = None
    name: Text = None
    message: str


class Error(Answer):
    """Every refusal: a message in the request's language, a stable code with its parameters, per-field reasons."""

    error: str = Field(description="the message in the request's language")
    code: str = Field(description="stable code: an engine message code, or http.<status>")
    params: dict[str, Any] = Field(description="the code's parameters")
    fields: dict[str, str] = Field(description="per-field messages")
    errors: Optional[dict[str, str]] = Field(None, deprecated=True,
                                             description="the same as fields, kept for clients of API v1.0")
    problems: Optional[list[Problem]] = Field(None, description="a refused design: every problem")


class Task(Answer):
    """A task as lists show it: what, in which matter, who may complete it, due when."""

    id: int
    instance_id: int
    instance_title: str
    process_key: str
    element_id: str
    name: str
    subject: Text = Field(description="the matter's subject as this step names it")
    lane: Text
    candidate_role: Text
    assignee: Text
    assignee_name: Text
    candidates: list[str]
    candidate_names: list[str]
    state: TaskState
    created_at: datetime
    due_at: Optional[datetime]
    overdue: bool
    urged_at: Optional[datetime]
    delegated_by: bool = Field(description="true while the task is delegated (委派) and comes back to its holder")
    kind: TaskKind = Field(description="a step of the process, or an opinion asked of a signer (加签)")
    sign_position: Text
    note: Text


class MatterState(Answer):
    id: int
    status: MatterStatus


class Outcome(Answer):
    """What a user's action did: the matter's status and the tasks it opened."""

    instance: MatterState
    next_tasks: list[Task]
