"""What the runtime and the task page do for the three kinds of ballot step.

- a vote: a form field marked ``x-ballot`` (a choice, or an encrypted ballot from the voter's client);
- a teller's key: a field marked ``x-teller: key`` holding the teller's public key (hex);
- a teller's share: a field marked ``x-teller: share`` holding the partial decryption of a vote's totals.
The task names its vote with the properties ``ballotKey`` (the agenda item), and for a share also
``ballotElement`` (the vote's task) and ``ballotOptions`` (an expression giving its options).
"""
from __future__ import annotations

import copy
import json

from sqlalchemy.orm import Session

from engine.bpmn import forms
from engine.errors import FormInvalid, Msg
from engine.committee.ballots import box, group as g, threshold


def teller_fields(schema: dict) -> dict[str, str]:
    """Fields a teller's browser fills: name → "key" or "share"."""
    return {name: prop["x-teller"] for name, prop in schema.get("properties", {}).items() if prop.get("x-teller")}


def personal_fields(schema: dict) -> list[str]:
    """Fields only the holder may answer (no delegating or co-signing): ballots and tellers' keys and shares."""
    return forms.ballot_fields(schema) + list(teller_fields(schema))


def item_key(task, engine, props: dict) -> str:
    return str(engine.evaluate(task, props["ballotKey"])) if props.get("ballotKey") else ""


def share_vote(task, engine, props: dict) -> tuple[str, str, list[tuple[str, str]]]:
    """(vote element, agenda item, options as (value, label)) that a teller's share opens."""
    options = engine.evaluate(task, props["ballotOptions"]) if props.get("ballotOptions") else None
    pairs = [(o[0], o[1]) if isinstance(o, (list, tuple)) else (str(o), str(o)) for o in options or []]
    return props.get("ballotElement", ""), item_key(task, engine, props), pairs


def split(schema: dict, data: dict) -> tuple[dict, dict, dict]:
    """Validate ``data``; return (clean answers, ballots, teller shares), the secret parts taken out."""
    if not isinstance(data, dict):
        forms.validate(schema, data)  # refuses it, as it refuses anything but an object
    names = forms.ballot_fields(schema)
    # A browser posts its encrypted ballot as JSON text in the form field.
    data = {**data, **{f: _json(data[f]) for f in names if isinstance(data.get(f), str) and data[f][:1] == "{"}}
    encrypted = {f: data[f] for f in names if isinstance(data.get(f), dict)}
    # An encrypted ballot stands in for the choice: validation sees a placeholder, the proofs decide.
    clean = forms.validate(schema, {**data, **{f: schema["properties"][f]["enum"][0] for f in encrypted}})
    ballots = {f: clean.pop(f) for f in names if f in clean} | encrypted
    tellers = teller_fields(schema)
    for name, mode in tellers.items():
        if mode == "key":
            try:
                g.point_from_hex(clean.get(name))
            except g.BadValue:
                raise FormInvalid({name: Msg("ballot.bad_key_field")}) from None
    shares = {f: clean.pop(f) for f, mode in tellers.items() if mode == "share" and f in clean}
    return clean, ballots, shares


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return {"malformed": True}  # refused as a malformed ballot by the proofs' check


def record(session: Session, instance_id: int, element_id: str, schema: dict, ballots: dict, shares: dict,
           task, engine, props: dict, username: str) -> None:
    """Cast the ballots and record the tellers' shares of this step."""
    for name, ballot in ballots.items():
        box.cast(session, instance_id, element_id, item_key(task, engine, props), ballot,
                 schema["properties"][name]["enum"], name)
    for name, share in shares.items():
        vote, key, options = share_vote(task, engine, props)
        box.record_share(session, instance_id, vote, key, [v for v, _ in options], username, share, name)


def with_context(session: Session, instance_id: int, element_id: str, schema: dict, task, engine, props: dict,
                 username: str) -> dict:
    """``schema`` with what a client needs to encrypt a ballot (``x-ballot-context``) or to act as a teller
    (``x-teller-context``)."""
    tellers, ballots = teller_fields(schema), forms.ballot_fields(schema)
    if not tellers and not ballots:
        return schema
    schema = copy.deepcopy(schema)
    for name in ballots:
        public_key = box.public_key(session, instance_id)
        options = schema["properties"][name]["enum"]
        schema["properties"][name]["x-ballot-context"] = public_key and {
            "public_key": public_key, "context": box.vote_context(instance_id, element_id, item_key(task, engine, props),
                                                                   options)}
    for name, mode in tellers.items():
        if mode == "key":
            context = {"salt": box.teller_salt(instance_id, username), "kdf": dict(threshold.KDF)}
        else:
            vote, key, options = share_vote(task, engine, props)
            context = box.share_context(session, instance_id, vote, key, [v for v, _ in options], username)
            context["labels"] = [label for _, label in options]
        schema["properties"][name]["x-teller-context"] = context
    return schema
