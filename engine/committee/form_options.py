"""Choices a form field offers (``x-options``): the fields of charge, a role's members, the committee's
topics and decisions, or a list the matter itself holds."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.committee.topics import decisions_of, option_pairs
from engine.directory.people import Directory
from engine.directory.snapshots import role_members
from engine.errors import NotFound
from engine.storage.reference_cache import cached


def form_options(session: Session, source: str, data: dict | None = None) -> list[tuple[str, str]]:
    """Choices for a form's ``x-options``: "fields", "role:<name>[,<name>…]", … or "data:<path>" in the task's data."""
    if source.startswith("data:"):
        return _data_options(data or {}, source[5:])
    if source == "fields":  # asked by every form with a field of charge: kept until people change
        return list(cached(session, "field_options", lambda s: tuple(
            (f.name, f"{f.name}（{f.member.display_name}）") for f in Directory(s).fields())))
    if source.startswith("role:"):  # one role, or several separated by commas: each person once, by role order
        people = {p.username: p.display_name for role in source[5:].split(",") if role.strip()
                  for p in role_members(session, role.strip())}
        return list(people.items())
    if source.startswith("topics:"):
        return option_pairs(session, source[7:])
    if source.startswith("decisions:"):
        return [(str(d.id), f"{d.topic.title}（{d.decided_at:%Y-%m-%d} 决定）") for d in decisions_of(session, source[10:])]
    raise NotFound("options.unknown_source", source=source)


def _data_options(data: dict, path: str) -> list[tuple[str, str]]:
    """Choices the matter itself holds, e.g. "data:item.vote_options": [[value, label]…] or [value…]."""
    value: object = data
    for name in path.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    pairs = []
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, (list, tuple)) and len(entry) == 2:
            pairs.append((str(entry[0]), str(entry[1])))
        elif isinstance(entry, str):
            pairs.append((entry, entry))
    return pairs
