"""JSON Schema forms: option lists from the directory, server-side validation, ballot fields."""
from __future__ import annotations

import copy
from typing import Callable

from jsonschema import Draft202012Validator, FormatChecker

from .errors import FormInvalid

# An options provider maps an ``x-options`` source ("fields", "role:常委") to [(value, label)].
OptionsProvider = Callable[[str], list[tuple[str, str]]]
_FORMATS = FormatChecker()


def _message(error) -> str:
    v, val = error.validator, error.validator_value
    messages = {
        "required": "此项必填",
        "minLength": f"至少 {val} 个字符",
        "maxLength": f"最多 {val} 个字符",
        "enum": "请从给出的选项中选择",
        "const": "必须确认此项",
        "type": "类型不正确",
        "minimum": f"不能小于 {val}",
        "maximum": f"不能大于 {val}",
        "minItems": f"至少选择 {val} 项",
        "maxItems": f"最多选择 {val} 项",
        "uniqueItems": "不能重复选择",
        "pattern": "格式不正确",
        "format": {"date": "日期格式应为 YYYY-MM-DD", "date-time": "时间格式不正确",
                   "email": "邮箱格式不正确"}.get(val, "格式不正确") if v == "format" else "",
    }
    if v == "pattern" and isinstance(error.schema, dict) and error.schema.get("x-pattern-message"):
        return error.schema["x-pattern-message"]
    return messages.get(v) or error.message


def with_options(schema: dict, options: OptionsProvider) -> dict:
    """Return a copy of ``schema`` whose ``x-options`` fields carry their current enum and labels."""
    schema = copy.deepcopy(schema)
    for prop in schema.get("properties", {}).values():
        target = prop["items"] if prop.get("type") == "array" and "items" in prop else prop
        source = target.get("x-options")
        if source:
            pairs = options(source)
            target["enum"] = [value for value, _ in pairs]
            target["x-enum-labels"] = [label for _, label in pairs]
    return schema


def ballot_fields(schema: dict) -> list[str]:
    """Fields holding a secret ballot (R8): never stored in task data or the audit."""
    return [name for name, prop in schema.get("properties", {}).items() if prop.get("x-ballot")]


def validate(schema: dict, data: object) -> dict:
    """Validate ``data`` against a form; return the form's fields (missing optional ones empty) or raise."""
    if not isinstance(data, dict):
        raise FormInvalid({"_form": "数据必须是一个 JSON 对象"})
    properties = schema.get("properties", {})
    data = {k: v for k, v in data.items() if k in properties}
    errors: dict[str, str] = {}
    for error in Draft202012Validator(schema, format_checker=_FORMATS).iter_errors(data):
        if error.validator == "required":
            for name in error.validator_value:
                if name not in error.instance:
                    errors.setdefault(name, _message(error))
        else:
            name = str(error.absolute_path[0]) if error.absolute_path else "_form"
            errors.setdefault(name, _message(error))
    if errors:
        raise FormInvalid(errors)
    # Every field gets a value, so scripts and conditions can rely on it being defined.
    for name, prop in properties.items():
        if name not in data:
            data[name] = prop.get("default", [] if prop.get("type") == "array" else None)
    return data
