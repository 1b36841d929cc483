"""JSON Schema forms: option lists from the directory, server-side validation, ballot fields."""
from __future__ import annotations

from typing import Callable

from jsonschema import Draft202012Validator, FormatChecker

from engine.errors import FormInvalid, Msg

# An options provider maps an ``x-options`` source ("fields", "role:常委") to [(value, label)].
OptionsProvider = Callable[[str], list[tuple[str, str]]]
_FORMATS = FormatChecker()


# Each JSON Schema keyword a field can fail: the message's code, and the parameter the limit goes in.
_CODES = {"required": ("form.required", None), "minLength": ("form.min_length", "count"),
          "maxLength": ("form.max_length", "count"), "enum": ("form.choose_given", None),
          "const": ("form.must_confirm", None), "type": ("form.wrong_type", None),
          "minimum": ("form.minimum", "limit"), "maximum": ("form.maximum", "limit"),
          "minItems": ("form.min_items", "count"), "maxItems": ("form.max_items", "count"),
          "uniqueItems": ("form.no_duplicates", None), "pattern": ("form.bad_format", None)}
_FORMAT_CODES = {"date": "form.bad_date", "date-time": "form.bad_datetime", "email": "form.bad_email"}


def _message(error) -> str:
    v, val = error.validator, error.validator_value
    if v == "pattern" and isinstance(error.schema, dict) and error.schema.get("x-pattern-message"):
        return error.schema["x-pattern-message"]
    if v == "format":
        return Msg(_FORMAT_CODES.get(val, "form.bad_format"))
    if v in _CODES:
        code, param = _CODES[v]
        return Msg(code, **({param: val} if param else {}))
    return error.message


def keep_order(schema: dict) -> dict:
    """A copy of a form noting its fields' designed order in ``x-order`` (PostgreSQL's JSONB sorts keys)."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return schema
    return {**schema, "x-order": list(schema["properties"])}


def in_order(forms: dict[str, dict]) -> dict[str, dict]:
    """The forms with each one's fields back in the order ``x-order`` notes (see keep_order)."""
    result = {}
    for name, schema in (forms or {}).items():
        order, props = schema.get("x-order"), schema.get("properties")
        if isinstance(order, list) and isinstance(props, dict):
            ranked = [k for k in order if k in props] + [k for k in props if k not in order]
            schema = {**schema, "properties": {k: props[k] for k in ranked}}
        result[name] = schema
    return result


def with_options(schema: dict, options: OptionsProvider) -> dict:
    """Return a copy of ``schema`` whose ``x-options`` fields carry their current enum and labels.

    Only the objects on the way to a filled field are copied (a deep copy was half the cost of checking an
    answer); the rest is shared with the version's form, which its readers never change.
    """
    schema = dict(schema)
    if not isinstance(schema.get("properties"), dict):
        return schema
    properties = schema["properties"] = dict(schema["properties"])
    for name, prop in properties.items():
        array = prop.get("type") == "array" and "items" in prop
        source = (prop["items"] if array else prop).get("x-options")
        if not source:
            continue
        pairs = options(source)
        filled = {**(prop["items"] if array else prop), "enum": [value for value, _ in pairs],
                  "x-enum-labels": [label for _, label in pairs]}
        properties[name] = {**prop, "items": filled} if array else filled
    return schema


def ballot_fields(schema: dict) -> list[str]:
    """Fields holding a secret ballot (R8): never stored in task data or the audit."""
    return [name for name, prop in schema.get("properties", {}).items() if prop.get("x-ballot")]


def validate(schema: dict, data: object) -> dict:
    """Validate ``data`` against a form; return the form's fields (missing optional ones empty) or raise."""
    if not isinstance(data, dict):
        raise FormInvalid({"_form": Msg("form.not_object")})
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
