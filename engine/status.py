"""States and actions as enums: the values a matter, task, timer or agenda item can take, and every audit action.

Each is a ``StrEnum``, so a member is its stored string: JSON, templates and the API see the same text.
The columns holding one are ``engine.models.base.StatusColumn``s, which refuse any other value at the
write. This module imports nothing of powerflow, so every layer (tables, engine, web) can use it.
"""
from __future__ import annotations

from enum import StrEnum


class MatterStatus(StrEnum):
    """Where a matter (process instance) stands."""

    RUNNING = "running"
    COMPLETED = "completed"
    ERROR = "error"  # an automatic step failed; an administrator retries it


class UserSource(StrEnum):
    """Where a user's account comes from: created here, or kept by a directory or an identity provider."""

    LOCAL = "local"  # `powerflow users add`: signs in with a password kept here
    LDAP = "ldap"  # the LDAP directory: signs in by binding as their entry; `users sync` keeps it current
    OIDC = "oidc"  # an OpenID Connect provider


class TaskState(StrEnum):
    """Where one human task of the mirror stands."""

    READY = "ready"  # in someone's 待办
    WAITING = "waiting"  # the holder waits for signers added before them (加签)
    COMPLETED = "completed"
    RETURNED = "returned"  # sent back (驳回) to an earlier step
    CANCELLED = "cancelled"  # the flow moved on without it (withdrawn, interrupted, another branch won)


class StepState(StrEnum):
    """A step's state on a matter's live flowchart (an element may hold several tasks: the liveliest wins)."""

    CURRENT = "current"  # a ready task: someone holds it now
    ERROR = "error"  # an automatic step failed here
    WAITING = "waiting"  # a timer, a message or a called process
    COMPLETED = "completed"


OPEN_STEPS = frozenset({StepState.CURRENT, StepState.WAITING, StepState.ERROR})  # where a matter stands


class TaskKind(StrEnum):
    """A task of the process, or an opinion asked of a signer (加签)."""

    TASK = "task"
    SIGN = "sign"


class TimerState(StrEnum):
    """A BPMN timer waiting in a matter."""

    WAITING = "waiting"
    FIRED = "fired"
    CANCELLED = "cancelled"


class TopicState(StrEnum):
    """An agenda item on its way to a decision."""

    PENDING = "pending"  # submitted, not on a meeting's agenda yet
    SCHEDULED = "scheduled"  # on a meeting's agenda
    DECIDED = "decided"


class AuditAction(StrEnum):
    """Every kind of event on the audit trail."""

    START = "start"
    COMPLETE = "complete"
    AUTO = "auto"  # an automatic step (script, decision table, gateway) ran
    ERROR = "error"
    MESSAGE = "message"  # a decision or message delivered to the matter
    MIGRATE = "migrate"  # moved to a newer process version
    REASSIGN = "reassign"  # 转办
    DELEGATE = "delegate"  # 委派
    DELEGATE_DONE = "delegate_done"
    RETURN = "return"  # 驳回
    WITHDRAW = "withdraw"  # 撤回
    ADD_SIGN = "add_sign"  # 加签
    SIGN = "sign"  # a signer's opinion
    COPY = "copy"  # 抄送
    COMMENT = "comment"
    URGE = "urge"  # 催办
    OBJECTION = "objection"  # the public objected to a publication during its period (R16)
