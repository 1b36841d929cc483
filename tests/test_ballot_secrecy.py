"""R8: the record shows who voted, never how — in no table, no audit event, no workflow data, no log."""
from __future__ import annotations

import json
import logging
import re

import sqlalchemy as sa

from engine.models import AuditEvent, Base, BallotCount, HumanTask, Instance
from tests.meeting_helpers import COMMITTEE, MEETING, agenda, drive, meeting_day, submit_matter

FIRST = {"shuji": "agree", "fushuji": "disagree", "wangcw": "abstain", "zhaocw": "agree", "chencw": "agree",
         "liucw": "disagree", "yangcw": "agree", "huangcw": "agree", "zhoucw": "agree"}
SECOND = {voter: {"agree": "disagree", "disagree": "abstain", "abstain": "agree"}[c] for voter, c in FIRST.items()}
CHOICE_WORDS = ("agree", "disagree", "abstain", "同意", "不同意", "弃权")
TITLES = ("关于无记名表决的决策甲", "关于无记名表决的决策乙")


def normalized(text: str) -> str:
    """What legitimately differs between two items for one voter removed: item titles, ids, times."""
    for title in TITLES:
        text = text.replace(title, "<item>")
    # uuids (also truncated ones in logged rows), then ids, times and hashes; choice words survive this,
    # as they have letters that are not hex digits
    text = re.sub(r"\b[0-9a-f]+(-[0-9a-f]+){1,4}", "<uuid>", text)
    text = re.sub(r"\b[0-9a-f]{4,}\b", "<hex>", text)
    return re.sub(r"[0-9a-f]*\d[0-9a-f.]*", "<n>", text)


def cast_all(api, meeting, choices, caplog) -> dict[str, str]:
    """Every present member votes on the open item; return each voter's log (but the closing vote's)."""
    votes = api.instance(meeting)["current_tasks"]
    assert {t["element_id"] for t in votes} == {"item_vote"}
    votes.sort(key=lambda t: COMMITTEE.index(t["assignee"]))
    logs = {}
    for task in votes:
        caplog.clear()
        # Everything a server might log: every logger at DEBUG, SQL statements and result rows included.
        with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="sqlalchemy.engine"):
            response = api.complete(task["id"], task["assignee"], {"ballot": choices[task["assignee"]]})
        assert response.status_code == 200
        if task is not votes[-1]:  # the last ballot also closes the vote and counts it
            messages = [r.getMessage() for r in caplog.records]
            assert_nothing_read_from_the_ballot_box(messages)
            # Result rows carry other members' data in an order that may vary; what they could leak of the
            # ballot is checked just above, so the comparison is of everything else that was logged.
            logs[task["assignee"]] = "\n".join(m for m in messages if not m.startswith(("Row", "Col")))
    return logs


def assert_nothing_read_from_the_ballot_box(messages: list[str]) -> None:
    """While a vote is open, counts are only added to, never read: no row of them reaches any log."""
    statements = [i for i, m in enumerate(messages) if "ballot_counts" in m]
    # One identical upsert per choice (+1 on the chosen one, +0 on the others), never a SELECT.
    assert len(statements) == 3 and len({messages[i] for i in statements}) == 1
    assert "SELECT" not in messages[statements[0]].split("ON CONFLICT")[0]
    for start in statements:
        after = messages[start + 1:]
        following = next((i for i, m in enumerate(after)
                          if m.startswith(("SELECT", "INSERT", "UPDATE", "COMMIT"))), len(after))
        read_back = [m for m in after[:following] if m.startswith("Col") and m != "Col ('id',)"]  # PG: the row id
        assert not read_back, f"the ballot counts were read back: {read_back}"


def test_R8_known_ballots_leave_no_record_linking_a_voter_to_a_choice(app, api, database_url, caplog):
    db = app.extensions["powerflow"].db
    topic_ids = [submit_matter(api, title)[1] for title in TITLES]
    meeting = api.post("/processes/committee_meeting/instances", "bangong",
                       {"title": "常委会会议", "data": {}}).get_json()["id"]
    answers = {**MEETING, **agenda(meeting_day(database_url), topic_ids), "attendance": {"present": COMMITTEE}}
    drive(api, meeting, answers, stop_at="item_vote")
    first = cast_all(api, meeting, FIRST, caplog)
    drive(api, meeting, answers, stop_at="item_vote")
    second = cast_all(api, meeting, SECOND, caplog)

    # Server logs: each voter logs exactly the same on both items although the choices differ.
    assert any("ballot_counts" in text for text in first.values()), "SQL was not logged: the check would be empty"
    for voter in first:
        assert normalized(first[voter]) == normalized(second[voter]), f"{voter}'s logs depend on the choice"

    with db.reader() as session:
        # The counts are right and there is nothing else: no voter, no time, no order.
        counts: dict[str, dict[str, int]] = {}
        for row in session.scalars(sa.select(BallotCount).where(BallotCount.instance_id == meeting)):
            counts.setdefault(row.item_key, {})[row.choice] = row.votes
        for topic, choices in zip(topic_ids, (FIRST, SECOND)):
            assert counts[str(topic)] == {c: sum(1 for v in choices.values() if v == c)
                                          for c in ("agree", "disagree", "abstain")}
        assert set(BallotCount.__table__.columns.keys()) == {"id", "instance_id", "element_id", "item_key",
                                                              "choice", "votes"}
        # That each member voted is on record.
        voted = session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == meeting,
                                                           HumanTask.element_id == "item_vote")).all()
        assert sorted(t.completed_by.username for t in voted) == sorted(COMMITTEE * 2)
        # Audit: each vote is recorded without its content.
        for event in session.scalars(sa.select(AuditEvent).where(AuditEvent.element_id == "item_vote")):
            text = json.dumps(event.details, ensure_ascii=False)
            assert not any(word in text for word in CHOICE_WORDS), text
        # Workflow data: no ballot anywhere in the meeting's state.
        assert '"ballot"' not in session.get(Instance, meeting).state
        # Every other table: no row holds a ballot field.
        skipped = ("process_versions", "ballot_counts", "audit_events")  # form definitions; counts; checked above
        for table in Base.metadata.sorted_tables:
            if table.name in skipped:
                continue
            for row in session.execute(sa.select(table)).mappings():
                dumped = json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False)
                assert "ballot" not in dumped, (table.name, dumped[:200])
