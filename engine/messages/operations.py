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

OPERATIONS.update({  # engine/directory/sso_mapping.py: what is wrong with the directory mapping file
    "mapping.not_found": N_("找不到映射文件"),
    "mapping.bad_toml": N_("不是有效的 TOML（{error}）"),
    "mapping.not_table": N_("必须是一个表"),
    "mapping.unknown_key": N_("没有这个键（可用的键：{known}）"),
    "mapping.empty_text": N_("必须是非空的字符串"),
    "mapping.no_username": N_("必须包含占位符 {placeholder}"),
    "mapping.bad_roles": N_("每个组须对应一组角色名，如 \"changwei\" = [\"常委\"]"),
    "mapping.bad_fields": N_("每个组须对应一个分管领域名，如 \"fenguan-jingji\" = \"经济发展\""),
    "mapping.unknown_table": N_("没有这个表（可用的表：users、groups、roles、fields、oidc）"),
})

OPERATIONS.update({  # engine/directory/provisioning.py: directory sync and the tasks it leaves without a holder
    "directory.unreachable": N_("无法连接目录服务 {url}：{error}"),
    "sso.no_username": N_("统一身份认证没有给出用户名（声明 {claim}）"),
    "directory.reassign_title": N_("{user} 已在目录中停用，其待办需要转办"),
    "directory.reassign_body": N_("{user} 已停用，仍有 {count} 项待办：{tasks}。请转办给同角色的其他人员。"),
})

OPERATIONS.update({  # engine/webhooks/subscriptions.py
    "webhook.admin_only": N_("只有管理员可以管理 Webhook 订阅"),
    "webhook.bad_url": N_("须为 http:// 或 https:// 地址（最多 2048 个字符）"),
    "webhook.bad_events": N_("须为非空的事件类型列表，可选：{kinds}"),
    "webhook.missing": N_("没有编号为 {id} 的 Webhook 订阅"),
})
