"""What a reader sees for each state and audit action: one table per enum, shared by every template."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from engine.status import AuditAction, MatterStatus, TaskState

MATTER_STATUS = {MatterStatus.RUNNING: _l("办理中"), MatterStatus.COMPLETED: _l("已办结"), MatterStatus.ERROR: _l("异常")}

TASK_CLOSED = {TaskState.COMPLETED: _l("该任务已办理。"), TaskState.RETURNED: _l("该任务已驳回。"),
               TaskState.CANCELLED: _l("该任务已取消。"), TaskState.WAITING: _l("该任务正在等待加签人的意见。")}

ACTIONS = {
    AuditAction.START: _l("发起"), AuditAction.COMPLETE: _l("办理"), AuditAction.AUTO: _l("自动"),
    AuditAction.ERROR: _l("异常"), AuditAction.MESSAGE: _l("收到"), AuditAction.MIGRATE: _l("迁移到新版本"),
    AuditAction.REASSIGN: _l("转办"), AuditAction.DELEGATE: _l("委派"), AuditAction.DELEGATE_DONE: _l("代为办理"),
    AuditAction.COPY: _l("抄送"), AuditAction.RETURN: _l("驳回"), AuditAction.WITHDRAW: _l("撤回"),
    AuditAction.ADD_SIGN: _l("加签"), AuditAction.SIGN: _l("签署意见"), AuditAction.COMMENT: _l("发表意见"),
    AuditAction.URGE: _l("催办"), AuditAction.OBJECTION: _l("收到公示异议"),
}


def init_app(app) -> None:
    """Offer the tables and the enums to every template."""
    app.jinja_env.globals.update(MATTER_STATUS=MATTER_STATUS, TASK_CLOSED=TASK_CLOSED, ACTIONS=ACTIONS,
                                 MatterStatus=MatterStatus, TaskState=TaskState)
