"""Models of processes and matters: the catalog, starting, a matter with its history, the lists, the ballot box."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, Optional

from pydantic import Field, RootModel

from engine.status import AuditAction, MatterStatus

from webui.api.schemas.common import Answer, Body, Task, Text


class Process(Answer):
    key: str
    name: str
    version: int
    start_role: Text
    can_start: bool = Field(description="whether the caller may start a matter of it")


class Processes(RootModel[list[Process]]):
    """The newest version of every deployed process."""


class StartBody(Body):
    title: str = Field(min_length=1, max_length=200, description="the matter's title")
    data: dict[str, Any] = Field(default_factory=dict, description="the start form's data")


class Started(Answer):
    id: int
    status: MatterStatus
    url: str = Field(description="where the matter is read (also in Location)")


class ProcessRef(Answer):
    key: str
    name: str
    version: int


class HistoryEntry(Answer):
    at: datetime
    action: AuditAction
    actor: Text
    actor_name: Text
    element_id: Text
    element_name: Text
    details: dict[str, Any] = Field(description="what was entered or decided; only withheld under R15")


class Waiting(Answer):
    """One thing a running matter with no open step waits for; ``kind`` says which fields it has."""

    kind: Literal["meeting", "timer", "process", "message"]
    element_id: str
    element_name: Text = None
    body: Text = None
    topic_id: Optional[int] = None
    topic_title: Text = None
    topic_kind: Text = None
    scheduled: Optional[bool] = Field(None, description="meeting: false while the topic waits in the queue")
    deferred_reason: Text = None
    meeting_id: Optional[int] = None
    meeting_title: Text = None
    meeting_date: Optional[date] = None
    meeting_steps: Optional[list[str]] = None
    due_at: Optional[datetime] = Field(None, description="timer: when it fires")
    process_key: Text = None
    process_name: Text = None
    message: Text = None


class Matter(Answer):
    """A matter: its status, current tasks with who may complete them, its history and what it waits for."""

    withheld: bool = Field(description="R15: the caller sees steps, actors and times but not what was decided")
    id: int
    title: str
    status: MatterStatus
    error: Text
    process: ProcessRef
    started_by: str
    started_at: datetime
    updated_at: Optional[datetime]
    completed_at: Optional[datetime]
    current_tasks: list[Task]
    history: list[HistoryEntry]
    waiting_for: list[Waiting]


class Teller(Answer):
    index: int
    username: str
    verification_key: str


class Share(Answer):
    index: int
    partials: list[Any]


class Vote(Answer):
    element_id: str
    item_key: str
    title: str
    options: list[str]
    context: str = Field(description="what each proof is bound to")
    ballots: list[Any] = Field(description="ciphertexts in random order, without voters")
    combined: list[list[str]]
    shares: list[Share]
    totals: Optional[dict[str, Any]] = Field(description="the opened totals, once enough tellers have decrypted")


class Ballots(Answer):
    """A meeting's secret ballots as a verifier needs them (scripts/verify_tally.py): no voter, only ciphertexts."""

    meeting_id: int
    public_key: str
    threshold: int
    tellers: list[Teller]
    votes: list[Vote]



class StartedMatter(Answer):
    id: int
    title: str
    process: str
    status: MatterStatus
    started_at: datetime
    updated_at: Optional[datetime]


class Objection(Answer):
    id: int
    writer: str | None = Field(description="the name the writer gave, if any")
    contact: str | None = Field(description="the contact the writer gave, if any")
    text: str
    created_at: datetime


class Objections(RootModel[list[Objection]]):
    """The public's objections to a matter's publications during their periods (R16), oldest first."""


class StartedMatters(RootModel[list[StartedMatter]]):
    """我发起的: matters the caller started, newest first."""


class CopiedMatter(Answer):
    instance_id: int
    instance_title: str
    status: MatterStatus
    copied_by: str
    note: Text
    copied_at: datetime


class CopiedMatters(RootModel[list[CopiedMatter]]):
    """抄送我的: matters copied to the caller, newest first."""
