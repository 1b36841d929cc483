"""Messages of running the system: backup and restore, the audit chain, moving matters between versions,
and a detail that cannot be shown."""
from engine.messages.marks import N_

OPERATIONS: dict[str, str] = {  # engine/ops/backup.py: why a backup cannot be restored here
    "backup.unsortable": N_("表之间存在无法排序的非空引用"),
    "backup.not_a_backup": N_("{source}：不是有效的备份文件（{error}）"),
    "backup.no_manifest": N_("{source}：缺少 manifest.json，不是 powerflow 备份"),
    "backup.other_revision": N_("{source}：备份的结构版本 {backup} 与本数据库 {database} 不同；请用同一版本的 powerflow 恢复"),
    "backup.not_empty": N_("目标数据库已有数据；确认覆盖请加 --replace"),
}

OPERATIONS.update({  # engine/audit/chain.py: each break `powerflow audit verify` reports
    "audit.position": N_("第 {position} 条"),
    "audit.positions": N_("第 {first}–{last} 条"),
    "audit.outside": N_("链外"),
    "audit.problem": N_("{where}：{what}"),
    "audit.problem_event": N_("{where}（事件 id {event_id}）：{what}"),
    "audit.not_in_chain": N_("不在链中（被直接插入的事件）"),
    "audit.duplicate": N_("位置重复（被插入的事件）"),
    "audit.missing": N_("{gap}缺失（事件被删除）"),
    "audit.unlinked": N_("与前一条不衔接（前面的事件被改动、插入或删除）"),
    "audit.tampered": N_("内容与哈希不符（事件被修改）"),
    "audit.tail_missing": N_("末尾第 {span} 条缺失（事件被删除）"),
    "audit.head_mismatch": N_("链头哈希与最后一条不符"),
        })

OPERATIONS.update({  # engine/process/versions.py: why a running matter cannot move to another version
    "version.not_running": N_("只有办理中的事项可以迁移"),
    "version.other_process": N_("只能迁移到同一流程的其他版本"),
    "version.already": N_("事项已在该版本上"),
    "version.steps_changed": N_("事项当前所在的步骤在新版本中不存在或已改变：{elements}"),
    "version.steps_gone": N_("事项已走过的步骤在新版本中不存在，无法迁移（{kind}: {error}）"),
})
