"""Models of tasks: the inbox, a task with its form and file, completing, and what else a holder may do."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Optional

from pydantic import Field, RootModel

from engine.status import MatterStatus, TaskKind

from webui.api.schemas.common import Answer, Body, Task, Text
from webui.http.params import MAX_OFFSET

Reason = Field(None, description="why (2–500 characters); the engine says when it is required")


class ListQuery(Body):
    q: str = Field("", max_length=100, description="words in the matter's title")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class InboxQuery(ListQuery):
    limit: int = Field(200, ge=1, le=500)  # 待办 is read whole more often than the other lists


class InboxItem(Answer):
    id: int
    instance_id: int
    instance_title: str
    process_key: str
    element_id: str
    name: str
    subject: Text
    lane: Text
    candidate_role: Text
    assigned_to_me: bool
    created_at: datetime
    due_at: Optional[datetime]
    overdue: bool
    kind: TaskKind
    note: Text


class Inbox(RootModel[list[InboxItem]]):
    """待办: the tasks the caller may complete now, oldest first."""


class Answered(Answer):
    name: str
    label: str
    value: Any


class FileStep(Answer):
    element_id: str
    name: str
    action: str
    actor: Text
    actor_name: Text
    at: datetime
    answers: list[Answered]


class Remark(Answer):
    author_name: str
    at: datetime
    body: str
    attachments: list[dict[str, Any]]


class MatterFile(Answer):
    """The matter's file: earlier steps' answers, opinions and attachments; at a meeting each agenda item's file.
    ``withheld`` (R15) lists the steps without their content."""

    instance_id: int
    title: str
    process: str
    withheld: bool
    topic_title: Text
    steps: list[FileStep]
    remarks: list[Remark]
    agenda: list[MatterFile]


class TaskDetail(Task):
    """A task with its form's JSON Schema, the data its designer shows, and the matter's file."""

    form: dict[str, Any] = Field(description="the form as JSON Schema")
    context: list[list[Any]] = Field(description="[label, value] pairs the designer listed for this step")
    file: Optional[MatterFile] = Field(description="null when the designer set file=none")


class CompleteBody(Body):
    data: dict[str, Any] = Field(default_factory=dict, description="the form's data")


class Urged(Answer):
    notified: int = Field(description="how many holders were told")


class HandOverBody(Body):
    to: Optional[str] = Field(None, max_length=64, description="the username who takes the task")
    reason: Optional[str] = Reason


class ReturnBody(Body):
    reason: Optional[str] = Reason
    to: Optional[str] = Field(None, max_length=200, description="an earlier step's element id; the previous one if absent")


class WithdrawBody(Body):
    reason: Optional[str] = Reason


class SignerBody(Body):
    to: Optional[str] = Field(None, max_length=64, description="the username asked to sign")
    position: Optional[Literal["before", "after"]] = Field(None, description="before or after the holder answers")
    reason: Optional[str] = Reason
    data: Optional[dict[str, Any]] = Field(None, description="after: the holder's answer, which waits for the signer")


class CopyBody(Body):
    to: Optional[list[str]] = Field(None, max_length=50, description="the usernames to copy the matter to (1–50)")
    note: Optional[str] = Field(None, max_length=500)


class Copied(Answer):
    copied_to: list[str]


class ReturnTarget(Answer):
    """An earlier step the task may go back to; or, last, why an earlier one may not (``blocked``)."""

    element_id: Text = None
    name: Text = None
    holder: Text = None
    blocked: Text = None


class ReturnTargets(RootModel[list[ReturnTarget]]):
    """Earlier steps the holder may send the task back to, nearest first."""


class DoneTask(Answer):
    task_id: int
    name: str
    completed_at: datetime
    instance_id: int
    instance_title: str
    status: MatterStatus
    can_withdraw: bool = Field(description="whether 撤回 would succeed now")


class DoneTasks(RootModel[list[DoneTask]]):
    """已办: steps the caller completed, newest first."""
