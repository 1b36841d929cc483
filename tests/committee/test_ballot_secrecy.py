"""R8 against an insider who reads the database: what a vote writes does not depend on the choice.

The same vote is cast twice from the same database state, once "agree" and once "disagree"; every table
is compared before and after. Only the ballot's ciphertexts and proofs differ (random for every ballot,
same size), on SQLite and on PostgreSQL. The logs of two votes with different choices read the same.
"""
from __future__ import annotations

import io
import json
import logging
import re
from datetime import datetime, time

import sqlalchemy as sa

from engine.models import AuditEvent, Base, HumanTask, Instance
from engine.committee.workdays import LOCAL_TZ
from webui.http import logs as log_format
from tests.meeting_helpers import (COMMITTEE, MEETING, agenda, drive, meeting_day, noticed_day, runtime_of,
                                   submit_matter)

CHOICE_WORDS = ("agree", "disagree", "abstain", "同意", "不同意", "弃权")
# SpiffWorkflow stamps each task state change with its own wall clock: a time, not a choice.
SPIFF_STAMP = re.compile(r'"last_state_change": [0-9.e+-]+')


def _rows(connection, table: sa.Table) -> dict[tuple, dict]:
    key = [c.name for c in table.primary_key.columns]
    return {tuple(row[k] for k in key): dict(row) for row in connection.execute(sa.select(table)).mappings()}


def _sequences(connection) -> dict[str, tuple]:
    if connection.dialect.name == "postgresql":
        names = connection.execute(sa.text("SELECT sequence_name FROM information_schema.sequences"
                                           " WHERE sequence_schema = current_schema()")).scalars().all()
        return {n: tuple(connection.execute(sa.text(f'SELECT last_value, is_called FROM "{n}"')).one()) for n in names}
    if connection.execute(sa.text("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
        return {n: (v,) for n, v in connection.execute(sa.text("SELECT name, seq FROM sqlite_sequence"))}
    return {}


def snapshot(engine) -> dict:
    """Every row of every table, and where each id sequence stands."""
    with engine.connect() as connection:
        names = set(sa.inspect(connection).get_table_names())
        assert names - {t.name for t in Base.metadata.sorted_tables} <= {"alembic_version"}
        return {"tables": {t.name: _rows(connection, t) for t in Base.metadata.sorted_tables},
                "sequences": _sequences(connection)}


def restore(engine, state: dict) -> None:
    """Put the database back exactly as ``state`` found it (rows and id sequences)."""
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        # The reference stamp last: triggers raise it while the people and the calendar go back in.
        for table in sorted(Base.metadata.sorted_tables, key=lambda t: t.name == "reference_stamp"):
            rows = [state["tables"][table.name][k] for k in sorted(state["tables"][table.name])]
            if rows:
                connection.execute(table.insert(), rows)
        for name, value in state["sequences"].items():
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT setval(:n, :v, :c)"), {"n": name, "v": value[0], "c": value[1]})
            else:
                connection.execute(sa.text("UPDATE sqlite_sequence SET seq = :v WHERE name = :n"),
                                   {"n": name, "v": value[0]})


def changes(before: dict, after: dict) -> dict[tuple, object]:
    """(table, row key, column) → new value, for every cell a step wrote (new rows included)."""
    written = {}
    for table, rows in after["tables"].items():
        old_rows = before["tables"][table]
        assert set(old_rows) <= set(rows), f"rows deleted from {table}"
        for key, row in rows.items():
            for column, value in row.items():
                if key not in old_rows or old_rows[key][column] != value:
                    written[(table, key, column)] = value
    for name, value in after["sequences"].items():
        if before["sequences"].get(name) != value:
            written[("sequence", name, "")] = value
    return written


def comparable(cell: tuple, value: object) -> object:
    if cell[0] == "instances" and cell[2] == "state":
        return SPIFF_STAMP.sub('"last_state_change": <time>', value)
    return value


def test_R8_an_agree_and_a_disagree_vote_write_the_same_but_for_random_ciphertexts(app, api, database_url):
    db = app.extensions["powerflow"].db
    _, topic = submit_matter(api, "关于票箱写入的决策")
    meeting = api.post("/processes/committee_meeting/instances", "bangong",
                       {"title": "常委会会议", "data": {}}).get_json()["id"]
    drive(api, meeting, {**MEETING, **agenda(meeting_day(database_url), [topic])}, stop_at="item_vote")
    runtime = runtime_of(api)
    moment = datetime.combine(datetime.fromisoformat(noticed_day(api.instance(meeting))).date(), time(10), LOCAL_TZ)
    runtime.clock = lambda: moment  # both votes at the same moment: times then cannot differ either
    vote = next(t for t in api.instance(meeting)["current_tasks"] if t["element_id"] == "item_vote")
    voter = vote["assignee"]

    def cast(choice: str):  # one request id for both, as one moment: ids are random, not the choice
        return api.client.post(f"/api/v1/tasks/{vote['id']}/complete", json={"data": {"ballot": choice}},
                               headers={"Authorization": f"Bearer {api.token(voter)}",
                                        "X-Request-ID": "the-same-vote-request"})

    api.token(voter)  # signed in before the snapshot
    before = snapshot(db.engine)
    agree = cast("agree")
    after_agree = snapshot(db.engine)
    restore(db.engine, before)
    assert snapshot(db.engine) == before
    disagree = cast("disagree")
    after_disagree = snapshot(db.engine)

    assert agree.status_code == disagree.status_code == 200
    assert agree.get_json() == disagree.get_json()  # the same response
    first, second = changes(before, after_agree), changes(before, after_disagree)
    assert set(first) == set(second), "the two votes wrote different rows or columns"
    differing = {cell for cell in first if comparable(cell, first[cell]) != comparable(cell, second[cell])}
    ballot_cells = {cell for cell in first if cell[0] == "encrypted_ballots"}
    assert {c[2] for c in ballot_cells} == {"id", "instance_id", "element_id", "item_key", "ballot"}
    assert differing == {cell for cell in ballot_cells if cell[2] == "ballot"}, differing
    (cell,) = differing
    assert len(first[cell]) == len(second[cell]) and first[cell] != second[cell]
    # The stored ballot is ciphertext and proofs only: hex values, no word of the choice.
    assert set(json.loads(first[cell])) == {"c", "p", "s"}
    assert not any(word in first[cell] or word in second[cell] for word in CHOICE_WORDS)
    # Who voted is on record; what they chose is not, not in the audit and not in the matter's state.
    with db.reader() as session:
        task = session.get(HumanTask, vote["id"])
        assert task.state == "completed" and task.completed_by.username == voter
        for event in session.scalars(sa.select(AuditEvent).where(AuditEvent.element_id == "item_vote")):
            assert not any(w in json.dumps(event.details, ensure_ascii=False) for w in CHOICE_WORDS[1:])
        assert '"ballot"' not in session.get(Instance, meeting).state


def _normalized(text: str) -> str:
    """Ids, times, hashes, uuids and statement-cache notes removed; what is left would show a choice."""
    text = re.sub(r"\[(generated in|cached since) [^\]]*\]", "[statement]", text)
    text = re.sub(r"\b[0-9a-f]+(-[0-9a-f]+){1,4}", "<uuid>", text)
    text = re.sub(r"\b[0-9a-f]{4,}\b", "<hex>", text)
    return re.sub(r"[0-9a-f]*\d[0-9a-f.]*", "<n>", text)


def test_R8_what_the_server_logs_of_a_vote_does_not_depend_on_the_choice(app, api, database_url, caplog):
    _, topic = submit_matter(api, "关于日志的决策")
    meeting = api.post("/processes/committee_meeting/instances", "bangong",
                       {"title": "常委会会议", "data": {}}).get_json()["id"]
    drive(api, meeting, {**MEETING, **agenda(meeting_day(database_url), [topic]),
                         "attendance": {"present": COMMITTEE}}, stop_at="item_vote")
    votes = sorted((t for t in api.instance(meeting)["current_tasks"] if t["element_id"] == "item_vote"),
                   key=lambda t: COMMITTEE.index(t["assignee"]))
    logs = {}
    json_lines = io.StringIO()  # and the lines `serve` writes (LOG_FORMAT=json), with every record's fields
    json_handler = log_format.handler("json", json_lines)
    logging.getLogger().addHandler(json_handler)
    for task, choice in zip(votes[:3], ("agree", "disagree", "abstain")):
        caplog.clear()
        # Everything a server might log: every logger at DEBUG, SQL statements and result rows included.
        with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="sqlalchemy.engine"):
            assert api.complete(task["id"], task["assignee"], {"ballot": choice}).status_code == 200
        messages = [r.getMessage() for r in caplog.records]
        assert any("encrypted_ballots" in m for m in messages), "SQL was not logged: the check would be empty"
        assert not any(re.search(rf"\b{w}\b", m) for m in messages for w in CHOICE_WORDS), "a choice was logged"
        # Result rows name other members in an order that may vary; the rest must read the same.
        logs[choice] = _normalized("\n".join(m for m in messages if not m.startswith(("Row", "Col"))
                                             and task["assignee"] not in m))
    logging.getLogger().removeHandler(json_handler)
    assert logs["agree"] == logs["disagree"] == logs["abstain"]
    written = json_lines.getvalue()
    assert "encrypted_ballots" in written, "the JSON lines were not written: the check would be empty"
    assert not any(re.search(rf"\b{w}\b", written) for w in CHOICE_WORDS), "a choice reached a JSON log line"
