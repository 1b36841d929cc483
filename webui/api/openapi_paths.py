"""OpenAPI entries for the routes beyond starting and completing: designs, task actions, lists, discussion."""
from __future__ import annotations

from engine.webhooks.events import KINDS as WEBHOOK_KINDS

_STR, _INT, _BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
_LIST = {"type": "array", "items": {"type": "object"}}
_ERRORS = {400: "请求体不是 JSON 对象", 401: "缺少、无效、过期或已撤销的令牌", 403: "无权执行此操作", 404: "不存在或无权查看",
           409: "状态已变化或不允许（说明原因）", 413: "请求体过大", 422: "数据有误，errors 按字段给出原因",
           429: "尝试过于频繁，请按 Retry-After（秒）稍后再试"}


def complete_errors(paths: dict) -> dict:
    """Every operation documents the errors any request can meet: a missing token, an unknown id in the
    path, and for a body a malformed, oversized or invalid one, or a state that no longer allows it."""
    for operations in paths.values():
        for method, entry in operations.items():
            codes = set(entry["responses"])
            if entry.get("security") != []:
                codes.add("401")
            if any(p.get("in") == "path" for p in entry.get("parameters", [])):
                codes.add("404")
            if method in ("post", "put"):
                codes |= {"400", "413", "422"} | ({"403", "409"} if entry.get("security") != [] else {"429"})
            for code in sorted(codes - set(entry["responses"])):
                entry["responses"][code] = {"description": _ERRORS[int(code)], "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}}
    return paths


def _obj(*required: str, **props) -> dict:
    return {"type": "object", "properties": props} | ({"required": list(required)} if required else {})


_REASON = {"type": "string", "minLength": 2, "maxLength": 500}
_NAME = {"type": "string", "minLength": 1, "maxLength": 64}


def op(summary: str, params: list, ok: str, body: dict | None = None, status: str = "200",
       errors: tuple = (401, 404), result: dict | None = None, media: str = "application/json") -> dict:
    """One operation: its parameters, optional JSON body, success response and error responses."""
    entry = {"summary": summary, "security": [{"bearer": []}], "parameters": params,
             "responses": {status: {"description": ok, "content": {media: {"schema": result or {"type": "object"}}}},
                           **{str(c): {"description": _ERRORS[c], "content": {"application/json": {
                               "schema": {"$ref": "#/components/schemas/Error"}}}} for c in errors}}}
    if body is not None:
        entry["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return entry


def more_paths(task_id: list, instance_id: list) -> dict:
    """Paths of api_designs, api_actions and api_discussion."""
    key = [{"name": "key", "in": "path", "required": True, "schema": _STR}]
    page = [{"name": n, "in": "query", "schema": s} for n, s in
            (("q", _STR), ("limit", {"type": "integer", "minimum": 1, "maximum": 200}), ("offset", _INT))]
    reason = _obj("to", "reason", to=_NAME, reason=_REASON)
    outcome = _obj(instance=_obj(id=_INT, status=_STR), next_tasks={"type": "array", "items": {
        "$ref": "#/components/schemas/Task"}})
    attachment = [*instance_id, {"name": "attachment_id", "in": "path", "required": True, "schema": _INT}]
    settings = _obj(email={"type": ["string", "null"], "maxLength": 255}, settings={
        "type": "object", "propertyNames": {"enum": ["task", "urge", "overdue", "follow", "copy", "notice", "flag"]},
        "additionalProperties": _obj(in_app=_BOOL, email=_BOOL)})
    version = _obj("version", version={"type": "integer", "minimum": 1, "maximum": 2**31 - 1})
    return {
        "/webhooks": {"get": op("Webhook 订阅（管理员）", [], "订阅列表", errors=(401, 403), result=_LIST),
                      "post": op("订阅 Webhook（管理员）：secret 只在此时返回一次", [], "已订阅", _obj(
                          "url", "events", url={"type": "string", "maxLength": 2048}, events={
                              "type": "array", "minItems": 1, "items": {"enum": list(WEBHOOK_KINDS)}}),
                          "201", (401, 403, 422))},
        "/webhooks/{subscription_id}": {"delete": op("停止 Webhook 订阅（管理员）", [{
            "name": "subscription_id", "in": "path", "required": True, "schema": _INT}], "已停止",
            errors=(401, 403, 404))},
        "/designs/validate": {"post": op("校验 BPMN（设计员）：逐元素列出问题", [], "校验结果", _obj(bpmn=_STR),
                                         errors=(400, 401, 403))},
        "/designs": {"post": op("发布 BPMN 为新版本（设计员）", [], "已发布", _obj(bpmn=_STR), "201", (400, 401, 403, 422))},
        "/designs/import": {"post": op("导入 Camunda 7、Camunda 8（Zeebe）或 SpiffArena 的流程图（设计员）：转换后的 BPMN、"
                                       "逐项导入报告（mapped / not_mapped / reported / kept）和校验仍发现的全部问题", [],
                                       "导入结果", _obj("bpmn_xml", bpmn_xml=_STR, filename=_STR, forms={"type": "object"}),
                                       errors=(400, 401, 403, 422), result=_obj(dialect=_STR, dialect_name=_STR,
                                                                                bpmn_xml=_STR, report=_LIST,
                                                                                problems=_LIST))},
        "/processes/{key}/versions": {"get": op("流程的各版本、部署人和元素变化", key, "版本列表", result=_LIST)},
        "/processes/{key}/rollback": {"post": op("回滚到某一版本（成为最新版本）", key, "已回滚", version,
                                                 "201", (401, 403, 404, 422))},
        "/instances/{instance_id}/migrate": {"post": op("把事项迁移到新版本（当前步骤不变时）", instance_id, "已迁移",
                                                        version, errors=(401, 403, 404, 409))},
        "/tasks/{task_id}/return-targets": {"get": op("可驳回到的步骤（最近的在前），以及不能再往前的原因", task_id,
                                                      "步骤列表", errors=(401, 403, 404, 409), result=_LIST)},
        "/tasks/{task_id}/return": {"post": op("驳回到上一步或同一路径上已办理的步骤", task_id, "已驳回",
                                               _obj("reason", reason=_REASON, to=_STR), result=outcome, errors=(401, 403, 404, 409, 422))},
        "/tasks/{task_id}/withdraw": {"post": op("撤回自己办理完成的步骤（下一步尚未办理时）", task_id, "已撤回",
                                                 _obj("reason", reason=_REASON), result=outcome, errors=(401, 403, 404, 409, 422))},
        "/tasks/{task_id}/reassign": {"post": op("转办给同一角色的其他人", task_id, "已转办", reason,
                                                 errors=(401, 403, 404, 409, 422))},
        "/tasks/{task_id}/delegate": {"post": op("委派：对方办理后交回确认", task_id, "已委派", reason,
                                                 errors=(401, 403, 404, 409, 422))},
        "/tasks/{task_id}/add-signer": {"post": op("加签：before 对方先签；after 按 data 提交，对方同意后生效", task_id,
                                                   "已加签", _obj("to", "position", "reason", to=_NAME,
                                                                 position={"enum": ["before", "after"]},
                                                                 reason=_REASON, data={"type": "object"}),
                                                   result=outcome, errors=(401, 403, 404, 409, 422))},
        "/instances/{instance_id}/copies": {"post": op("抄送给他人阅知", instance_id, "已抄送", _obj(
            "to", to={"type": "array", "items": _NAME, "minItems": 1, "maxItems": 50}, note={"type": "string",
                                                                                       "maxLength": 500}),
            "201", (401, 403, 404, 422))},
        "/tasks/done": {"get": op("已办：我办理过的步骤", page, "列表", errors=(401,), result=_LIST)},
        "/instances/started": {"get": op("我发起的事项", page, "列表", errors=(401,), result=_LIST)},
        "/copies": {"get": op("抄送我的事项", page, "列表", errors=(401,), result=_LIST)},
        "/instances/{instance_id}/comments": {
            "get": op("事项的意见和附件", instance_id, "意见列表", result=_LIST),
            "post": op("发表意见（JSON {body}，或 multipart：body 和 files）", instance_id, "已发表",
                       _obj("body", body={"type": "string", "minLength": 1, "maxLength": 5000, "pattern": r"\S"}),
                       "201", (401, 404, 422))},
        "/instances/{instance_id}/attachments/{attachment_id}": {"get": op(
            "下载附件（仅限可阅读事项内容的人）", attachment, "文件", result={"type": "string", "format": "binary"},
            media="application/octet-stream")},
        "/instances/{instance_id}/follow": {"post": op("关注或取消关注事项", instance_id, "关注状态",
                                                       _obj("follow", follow=_BOOL), errors=(401, 404, 422))},
        "/notifications/settings": {
            "get": op("我的通知设置：每类的站内和邮件开关、邮箱", [], "设置", result=settings, errors=(401,)),
            "put": op("修改通知设置", [], "已保存", settings, result=settings, errors=(401, 422))},
    }
