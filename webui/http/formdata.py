"""Turns an HTML form post into typed data for a JSON Schema form (validation is the engine's)."""
from __future__ import annotations

from typing import Mapping


def _number(text: str, kind: str):
    try:
        return int(text) if kind == "integer" else float(text)
    except ValueError:
        return text  # left as text so validation reports "类型不正确" on the field


def parse(schema: dict, form: Mapping) -> dict:
    """Read each of the schema's fields from a MultiDict; blank fields are left out."""
    data: dict = {}
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type")
        if kind == "array":
            if name in form or f"{name}__present" in form:
                data[name] = [v for v in form.getlist(name) if v != ""]
            continue
        raw = form.get(name)
        if raw is None or raw.strip() == "":
            continue
        raw = raw.strip()
        if kind == "boolean":
            data[name] = raw in ("true", "on", "1")
        elif kind in ("integer", "number"):
            data[name] = _number(raw, kind)
        else:
            data[name] = raw
    return data
