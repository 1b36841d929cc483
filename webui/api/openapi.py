"""The OpenAPI 3.1 document of /api/v1."""
from __future__ import annotations

from engine.status import AuditAction, MatterStatus, TaskState

from webui.api.openapi_paths import complete_errors, more_paths

_ERROR = {"type": "object", "required": ["error", "code", "params", "fields"], "properties": {
    "error": {"type": "string", "description": "the message in the request's language"},
    "code": {"type": "string", "description": "stable code: an engine message code, or http.<status>"},
    "params": {"type": "object", "description": "the code's parameters"},
    "fields": {"type": "object", "additionalProperties": {"type": "string"}, "description": "per-field messages"},
    "errors": {"type": "object", "additionalProperties": {"type": "string"}, "deprecated": True,
               "description": "the same as fields, kept for clients of API v1.0"},
    "problems": {"type": "array", "description": "a refused design: every problem, each naming its element",
                 "items": {"type": "object", "properties": {"element": {"type": ["string", "null"]},
                                                            "name": {"type": "string"}, "message": {"type": "string"}}}}}}
_TASK = {"type": "object", "properties": {
    "id": {"type": "integer"}, "instance_id": {"type": "integer"}, "instance_title": {"type": "string"},
    "process_key": {"type": "string"}, "element_id": {"type": "string"}, "name": {"type": "string"},
    "lane": {"type": ["string", "null"]}, "candidate_role": {"type": ["string", "null"]},
    "assignee": {"type": ["string", "null"]}, "candidates": {"type": "array", "items": {"type": "string"}},
    "state": {"type": "string", "enum": [s.value for s in TaskState]},
    "created_at": {"type": "string", "format": "date-time"}, "due_at": {"type": ["string", "null"]}}}
_INBOX_ITEM = {"type": "object", "properties": {
    "id": {"type": "integer"}, "instance_id": {"type": "integer"}, "instance_title": {"type": "string"},
    "process_key": {"type": "string"}, "element_id": {"type": "string"}, "name": {"type": "string"},
    "lane": {"type": ["string", "null"]}, "candidate_role": {"type": ["string", "null"]},
    "assigned_to_me": {"type": "boolean"}, "created_at": {"type": "string", "format": "date-time"},
    "due_at": {"type": ["string", "null"]}}}
_WAITING = {"type": "array", "description": (
    "事项没有待办步骤时在等什么（办结或异常时为空）。kind：meeting 等待会议（topic_title 议题、meeting_id/"
    "meeting_title/meeting_date 已列入议程的会议，scheduled 为 false 时尚在待议队列）、timer 等待定时（due_at）、"
    "process 等待被调用的流程（process_key、process_name）、message 等待消息（message）"),
    "items": {"type": "object", "required": ["kind", "element_id"], "properties": {
        "kind": {"type": "string", "enum": ["meeting", "timer", "process", "message"]},
        "element_id": {"type": "string"}, "element_name": {"type": ["string", "null"]},
        "body": {"type": "string"}, "topic_id": {"type": "integer"}, "topic_title": {"type": "string"},
        "topic_kind": {"type": "string"}, "scheduled": {"type": "boolean"},
        "deferred_reason": {"type": ["string", "null"]}, "meeting_id": {"type": ["integer", "null"]},
        "meeting_title": {"type": ["string", "null"]}, "meeting_date": {"type": ["string", "null"], "format": "date"},
        "meeting_steps": {"type": "array", "items": {"type": "string"}},
        "due_at": {"type": "string", "format": "date-time"}, "process_key": {"type": "string"},
        "process_name": {"type": "string"}, "message": {"type": ["string", "null"]}}}}
_INSTANCE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"},
    "status": {"type": "string", "enum": [s.value for s in MatterStatus]},
    "error": {"type": ["string", "null"]},
    "process": {"type": "object", "properties": {"key": {"type": "string"}, "name": {"type": "string"},
                                                 "version": {"type": "integer"}}},
    "started_by": {"type": "string"}, "started_at": {"type": "string"}, "completed_at": {"type": ["string", "null"]},
    "current_tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
    "history": {"type": "array", "items": {"type": "object", "properties": {
        "at": {"type": "string"}, "action": {"type": "string", "enum": [a.value for a in AuditAction]},
        "actor": {"type": ["string", "null"]}, "element_id": {"type": ["string", "null"]},
        "element_name": {"type": ["string", "null"]}, "details": {"type": "object"}}}},
    "waiting_for": _WAITING}}

_REVOKED = {"type": "object", "properties": {"username": {"type": "string"}, "revoked": {"type": "boolean"}}}


def _resp(description: str, schema: dict | None = None, media: str = "application/json") -> dict:
    return {"description": description} | ({"content": {media: {"schema": schema}}} if schema else {})


def _errors(*codes: int) -> dict:
    text = {400: "请求体不是 JSON", 401: "缺少、无效、过期或已撤销的令牌", 403: "不是调用者的任务/无权发起",
            404: "不存在或无权查看", 409: "任务已不在待办状态（已被办理或并发冲突）", 422: "数据不符合表单，errors 按字段给出原因"}
    return {str(c): _resp(text[c], {"$ref": "#/components/schemas/Error"}) for c in codes}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def openapi_document() -> dict:
    """Describe every /api/v1 route, its body, responses and errors."""
    secured = [{"bearer": []}]
    task_id = [{"name": "task_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    instance_id = [{"name": "instance_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    paths = {
        "/auth/token": {"post": {"summary": "用户名和密码换取令牌", "security": [], "requestBody": _body({
            "type": "object", "required": ["username", "password"],
            "properties": {"username": {"type": "string", "minLength": 1, "maxLength": 64},
                           "password": {"type": "string", "minLength": 1}}}),
            "responses": {"200": _resp("令牌（expires_in 秒后过期）", {"type": "object", "properties": {
                "token": {"type": "string"}, "token_type": {"type": "string"}, "expires_in": {"type": "integer"}}}),
                **_errors(401, 422)}}},
        "/auth/revoke": {"post": {"summary": "退出所有设备：调用者的全部令牌（含本令牌）和网页会话失效",
                                  "security": secured, "responses": {"200": _resp("已撤销", _REVOKED), **_errors(401)}}},
        "/users/{username}/revoke-tokens": {"post": {
            "summary": "管理员撤销某用户的全部令牌和网页会话", "security": secured,
            "parameters": [{"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": _resp("已撤销", _REVOKED), **_errors(401, 403, 404)}}},
        "/processes": {"get": {"summary": "已部署的流程（最新版本）", "security": secured, "responses": {
            "200": _resp("流程列表", {"type": "array", "items": {"type": "object", "properties": {
                "key": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "integer"},
                "start_role": {"type": ["string", "null"]}, "can_start": {"type": "boolean"}}}}), **_errors(401)}}},
        "/processes/{key}/instances": {"post": {
            "summary": "发起事项", "security": secured,
            "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": _body({"type": "object", "required": ["title"], "properties": {
                "title": {"type": "string", "maxLength": 200}, "data": {"type": "object"}}}),
            "responses": {"201": _resp("已发起", {"type": "object", "properties": {
                "id": {"type": "integer"}, "status": {"type": "string"}, "url": {"type": "string"}}}),
                **_errors(401, 403, 404, 422)}}},
        "/instances/{instance_id}": {"get": {"summary": "事项状态、当前任务（含可办理人）和历史", "security": secured,
                                             "parameters": instance_id, "responses": {
            "200": _resp("事项", {"$ref": "#/components/schemas/Instance"}), **_errors(401, 404)}}},
        "/instances/{instance_id}/flowchart.svg": {"get": {"summary": "实时流程图", "security": secured,
                                                           "parameters": instance_id, "responses": {
            "200": _resp("SVG", {"type": "string"}, "image/svg+xml"), **_errors(401, 404)}}},
        "/instances/{instance_id}/ballots": {"get": {
            "summary": "会议无记名表决的可验证记录：密文选票（随机顺序、无投票人）、合计密文、监票人部分解密及证明、结果",
            "security": secured, "parameters": instance_id, "responses": {
                "200": _resp("验证材料（scripts/verify_tally.py 可据此独立核对）", {"type": "object", "properties": {
                    "meeting_id": {"type": "integer"}, "public_key": {"type": "string"},
                    "threshold": {"type": "integer"}, "tellers": {"type": "array"}, "votes": {"type": "array"}}}),
                **_errors(401, 404)}}},
        "/tasks": {"get": {"summary": "调用者现在可以办理的任务（最早的在前）", "security": secured, "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 200}},
            {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}}],
            "responses": {"200": _resp("待办", {"type": "array", "items": {"$ref": "#/components/schemas/InboxItem"}}),
                          **_errors(401)}}},
        "/tasks/{task_id}": {"get": {"summary": "一个任务及其表单的 JSON Schema", "security": secured,
                                     "parameters": task_id, "responses": {
            "200": _resp("任务", {"allOf": [{"$ref": "#/components/schemas/Task"},
                                          {"type": "object", "properties": {
                "form": {"type": "object"},
                "context": {"type": "array", "description": "[标签, 值]：流程设计者为此步骤列出的事项数据",
                            "items": {"type": "array"}},
                "file": {"type": ["object", "null"], "description":
                         "事项材料：此前各步骤的答复（表单标签、办理人、时间）、意见与附件；会议步骤另有各议题的材料"
                         "（agenda）。withheld 为 true 时按 R15 只列步骤不含内容；设计者设 file=none 时为 null",
                         "properties": {"steps": {"type": "array"}, "remarks": {"type": "array"},
                                        "agenda": {"type": "array"}, "withheld": {"type": "boolean"}}}}}]}),
            **_errors(401, 403, 404)}}},
        "/tasks/{task_id}/complete": {"post": {
            "summary": "提交表单并办理任务", "security": secured, "parameters": task_id,
            "requestBody": _body({"type": "object", "required": ["data"], "properties": {"data": {"type": "object"}}}),
            "responses": {"200": _resp("已办理", {"type": "object", "properties": {
                "instance": {"type": "object"}, "next_tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}}}),
                **_errors(400, 401, 403, 404, 409, 422)}}},
        "/tasks/{task_id}/urge": {"post": {
            "summary": "催办：事项发起人或纪委、监督员提醒办理人（每个工作日一次）", "security": secured, "parameters": task_id,
            "responses": {"200": _resp("已通知", {"type": "object", "properties": {"notified": {"type": "integer"}}}),
                          **_errors(401, 403, 404, 409)}}},
        "/notifications": {"get": {"summary": "我的通知（会议通知、催办、提醒），最新的在前", "security": secured,
                                   "responses": {"200": _resp("通知", {"type": "array", "items": {"type": "object"}}),
                                                 **_errors(401)}}},
    }
    paths.update(more_paths(task_id, instance_id))
    complete_errors(paths)
    paths["/tasks"]["get"]["parameters"].insert(0, {"name": "q", "in": "query", "schema": {"type": "string"}})
    return {
        "openapi": "3.1.0",
        "info": {"title": "powerflow API", "version": "1.0.0",
                 "description": "权力运行流程：发起事项、办理待办、查看实时流程图。"},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": {"Error": _ERROR, "Task": _TASK, "InboxItem": _INBOX_ITEM,
                                   "Instance": _INSTANCE}},
    }
