"""Messages of process definitions, `powerflow lint` and designs deployed from the modeler."""
from .marks import N_

DESIGN: dict[str, str] = {  # process definitions, lint and designs from the modeler
    "definition.too_big": N_("文件超过 {kb} KB"),
    "definition.bad_xml": N_("XML 格式错误：{error}"),
    "definition.doctype": N_("不允许 DOCTYPE / 实体声明"),
    "definition.bad_schema": N_("不是有效的 JSON Schema：{error}"),
    "definition.no_executable": N_("没有可执行的流程（isExecutable=\"true\"）"),
    "definition.duplicate_key": N_("流程标识与 {other} 重复"),
    "definition.bad_id": N_("标识不是有效的 XML 名称（NCName）：须以字母或下划线开头，只能含字母、数字、“.”、“-”、“_”，"
                            "不能含冒号、空格或其他符号"),
    "definition.no_form": N_("用户任务缺少表单属性 {property}"),
    "definition.form_missing": N_("表单文件 forms/{form} 不存在"),
    "definition.no_role": N_("用户任务既不在泳道中也没有 candidateRole"),
    "definition.unknown_role": N_("角色“{role}”不存在"),
    "definition.expression": N_("{property} 表达式：{why}"),
    "definition.unknown_checks": N_("未知的规则检查：{names}"),
    "definition.show_expression": N_("show“{label}”表达式：{why}"),
    "definition.due": N_("dueInWorkingDays 须是非负整数或表达式：{why}"),
    "definition.file_not_tasks": N_("办理人可见的事项材料（file）列出的 {ids} 不是本流程中其他的用户任务"),
    "lint.lane_role": N_("泳道“{name}”不是已知角色，且其中任务未都指定已知的 candidateRole"),
    "lint.unsupported_element": N_("引擎不执行这类元素（{kind}），请换成用户任务、脚本任务等"),
    "lint.unsupported_event": N_("引擎不执行这类事件（{kind}：{events}）"),
    "lint.gateway_branches": N_("排他网关的分支 {flows} 既没有条件，网关也没有默认分支"),
    "lint.unreachable": N_("从开始事件无法到达该元素"),
    "lint.dead_end": N_("该元素无法到达任何结束事件"),
    "lint.no_start": N_("流程没有开始事件"),
    "lint.no_diagram": N_("缺少图形信息（DI）"),
    "design.designers_only": N_("只有流程设计员可以保存和发布流程"),
    "design.forms_object": N_("表单须是“文件名 → JSON Schema”的对象，最多 {limit} 个"),
    "design.form_filename": N_("表单文件名须形如 xxx.schema.json"),
    "design.form_not_object": N_("表单的 type 须为 object"),
    "design.min_above_max": N_("字段 {field} 的最小值 {low} 大于最大值 {high}"),
    "design.no_xml": N_("缺少流程图 XML"),
    "design.bad_filename": N_("文件名须形如 xxx.bpmn"),
    "dmn.missing": N_("决策表 {name} 不存在"),
}

DESIGN.update({  # validation that agrees with the engine (issue 17)
    "lint.not_human_task": N_("“{name}”是 {kind}，引擎不会把它交给任何人办理：请改为用户任务（userTask），并指定表单和办理角色"),
    "lint.no_service": N_("“{name}”是 {kind}，引擎不调用外部服务、不收发消息：请改为脚本任务或用户任务"),
    "lint.lane_empty_ref": N_("泳道“{name}”有一个空的 flowNodeRef，没有指向任何元素"),
    "lint.lane_missing_ref": N_("泳道“{name}”的 flowNodeRef 指向不存在的元素 {ref}"),
    "lint.call_cycle": N_("调用活动“{name}”使流程调用自身（{path}），运行时将无限递归"),
})
