"""The errors every operation can meet, added to the generated document so a client knows each answer's shape."""
from __future__ import annotations

_ERRORS = {400: "请求有误 (a bad request)", 401: "缺少、无效、过期或已撤销的令牌 (no valid token)",
           403: "无权执行此操作 (not allowed)", 404: "不存在或无权查看 (missing or not visible)",
           409: "状态已变化或不允许，说明原因 (the state changed or forbids it; says why)",
           413: "请求体过大 (the body is too large)", 422: "数据有误，fields 按字段给出原因 (invalid; per-field reasons)",
           429: "尝试过于频繁，请按 Retry-After（秒）稍后再试 (too many attempts; see Retry-After)"}
_REF = {"$ref": "#/components/schemas/Error"}


def add_error_responses(paths: dict) -> dict:
    """Document on every operation the errors any request can meet: a missing token, an unknown id in the
    path, and for a body a malformed, oversized or invalid one, or a state that no longer allows it."""
    for path, operations in paths.items():
        for method, entry in operations.items():
            secured = entry.get("security") != []
            codes = {"401", "403"} if secured else set()
            if "{" in path or secured:
                codes.add("404")  # an unknown id, or an account that has gone
            codes |= {"400", "422"}  # a malformed query or body
            if method in ("post", "put", "delete"):
                codes |= {"409", "413"}
            if not secured:
                codes |= {"401", "429"}  # a sign-in refused, or tried too often
            for code in sorted(codes - set(entry["responses"])):
                entry["responses"][code] = {"description": _ERRORS[int(code)],
                                            "content": {"application/json": {"schema": _REF}}}
            for code, answer in entry["responses"].items():
                if int(code) in _ERRORS:
                    answer["description"] = _ERRORS[int(code)]
    return paths
