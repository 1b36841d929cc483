"""The power catalog (权力公开透明运行目录): every power, its basis, its body and its process."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator

from engine.errors import DefinitionError, Msg

CATALOG_FILE = "catalog.toml"
BODIES = ["党代会", "全委会", "常委会", "书记", "副书记", "常委", "纪委", "党代表", "职能部门"]
CATEGORIES = ["全局工作", "经济发展", "社会事业", "党的建设", "组织人事", "纪检监察"]
DISCLOSURE = ["公开", "党内公开", "依申请公开", "不予公开"]
SCHEMA = {
    "type": "object", "required": ["power"], "additionalProperties": False,
    "properties": {"power": {"type": "array", "minItems": 1, "items": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "name", "body", "category", "basis", "disclosure"],
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9-]+$"},
            "name": {"type": "string", "minLength": 2}, "body": {"enum": BODIES},
            "category": {"enum": CATEGORIES}, "basis": {"type": "string", "minLength": 2},
            "disclosure": {"enum": DISCLOSURE}, "process": {"type": "string"},
            "description": {"type": "string"}}}}},
}


@dataclass(frozen=True)
class Power:
    id: str
    name: str
    body: str
    category: str
    basis: str
    disclosure: str
    process: str | None = None
    description: str = ""


def load_catalog(processes_dir: Path, process_keys: set[str] | None = None) -> list[Power]:
    """Read and check the catalog; with ``process_keys``, every named process must exist."""
    path = Path(processes_dir) / CATALOG_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DefinitionError(CATALOG_FILE, None, Msg("catalog.missing")) from None
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(CATALOG_FILE, None, Msg("catalog.toml", error=exc)) from None
    error = next(iter(sorted(Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.path))), None)
    if error is not None:
        where = list(error.absolute_path)
        entry = data["power"][where[1]].get("id") if len(where) > 1 and isinstance(where[1], int) else None
        raise DefinitionError(CATALOG_FILE, entry, Msg("catalog.invalid", where="/".join(map(str, where[2:])) or Msg("catalog.catalog"),
                                                   error=error.message))
    powers = [Power(**entry) for entry in data["power"]]
    seen: set[str] = set()
    for power in powers:
        if power.id in seen:
            raise DefinitionError(CATALOG_FILE, power.id, Msg("catalog.duplicate"))
        seen.add(power.id)
        if process_keys is not None and power.process and power.process not in process_keys:
            raise DefinitionError(CATALOG_FILE, power.id, Msg("catalog.no_process", process=power.process))
    return powers
