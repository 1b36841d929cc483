"""R8/R9 at a meeting: ballots encrypted as cast, totals opened only by a threshold of tellers, results
that any member can verify with scripts/verify_tally.py from what they may read."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine.committee.ballots import box, elgamal, teller_client
from engine.errors import WorkflowFailed
from engine.models import Decision, HumanTask
from tests.meeting_helpers import (COMMITTEE, MEETING, agenda, drive, meeting_day, passphrase, submit_matter,
                                   teller_answer, to_meeting_day)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import verify_tally  # noqa: E402

SEVEN = [m for m in COMMITTEE if m not in ("huangcw", "liucw")]  # 7 of the 9 who should attend


def open_tasks(api, meeting, element):
    return [t for t in api.instance(meeting)["current_tasks"] if t["element_id"] == element]


def test_R8_R9_totals_open_with_two_of_three_tellers_and_any_member_can_verify_them(app, api, database_url,
                                                                                   tmp_path):
    db = app.extensions["powerflow"].db
    _, five = submit_matter(api, "关于五票同意的决策")
    _, four = submit_matter(api, "关于四票同意的决策")
    order: dict[str, int] = {}

    def ballot(voter):  # item 1: 5 of the 7 present agree; item 2: 4 agree
        item = order[voter] = order.get(voter, -1) + 1
        return {"ballot": "agree" if SEVEN.index(voter) < (5, 4)[item] else "disagree"}

    meeting = api.post("/processes/committee_meeting/instances", "bangong",
                       {"title": "常委会会议", "data": {}}).get_json()["id"]
    answers = {**MEETING, **agenda(meeting_day(database_url), [five, four]), "item_vote": ballot,
               "attendance": {"present": SEVEN, "tellers": ["wangcw", "zhaocw", "chencw"]},
               "secretary_opinion": {"secretary_view": "abstain", "secretary_remarks": "由表决决定。"}}
    drive(api, meeting, answers, stop_at="open_tally")
    tallies = open_tasks(api, meeting, "open_tally")
    assert sorted(t["assignee"] for t in tallies) == ["chencw", "wangcw", "zhaocw"]

    # One teller opens: the total stays closed (the threshold is two), for the server as for everyone.
    first = tallies[0]
    form = api.get(f"/tasks/{first['id']}", first["assignee"]).get_json()["form"]
    assert api.complete(first["id"], first["assignee"], teller_answer(first["assignee"], {"form": form})) \
        .status_code == 200
    assert len(open_tasks(api, meeting, "open_tally")) == 2
    with db.reader() as session, pytest.raises(WorkflowFailed, match="计票须有 2 名监票人开启，目前只有 1 名"):
        box.tally(session, meeting, "item_vote", str(five), ["agree", "disagree", "abstain"])
    evidence = api.get(f"/instances/{meeting}/ballots", "liucw").get_json()
    assert evidence["votes"][0]["totals"] is None and len(evidence["votes"][0]["ballots"]) == 7
    checked, problems = verify_tally.verify(evidence)
    assert problems == [] and any("not yet opened" in line for line in checked)

    # A second teller's share that was tampered with is refused, and changes nothing.
    second = open_tasks(api, meeting, "open_tally")[0]
    context = api.get(f"/tasks/{second['id']}", second["assignee"]).get_json()["form"]["properties"]["tally_share"]
    share = json.loads(teller_client.tally_share(passphrase(second["assignee"]), context["x-teller-context"]))
    share["partials"][0][0] = share["partials"][1][0]
    refused = api.complete(second["id"], second["assignee"], {"tally_share": json.dumps(share)})
    assert refused.status_code == 422 and "部分解密无效" in refused.get_json()["errors"]["tally_share"]
    with pytest.raises(ValueError, match="wrong passphrase"):  # a wrong passphrase fails in the browser already
        teller_client.tally_share("猜的口令", context["x-teller-context"])
    assert len(open_tasks(api, meeting, "open_tally")) == 2

    drive(api, meeting, answers)
    assert api.instance(meeting)["status"] == "completed"
    with db.reader() as session:
        decisions = {d.topic_id: d for d in session.scalars(sa.select(Decision).where(Decision.meeting_id == meeting))}
        # R9: more than half of the 9 who should attend, whoever is present.
        assert (decisions[five].agree, decisions[five].disagree, decisions[five].should_attend,
                decisions[five].present, decisions[five].outcome) == (5, 2, 9, 7, "passed")
        assert (decisions[four].agree, decisions[four].disagree, decisions[four].outcome) == (4, 3, "rejected")
        cancelled = session.scalars(sa.select(HumanTask.state).where(
            HumanTask.instance_id == meeting, HumanTask.element_id == "open_tally")).all()
        assert sorted(cancelled) == ["cancelled"] * 2 + ["completed"] * 4  # the third teller was not needed

    # What a member may read proves the published totals; an outsider cannot read it.
    evidence = api.get(f"/instances/{meeting}/ballots", "liucw").get_json()
    assert not any(name in json.dumps(evidence["votes"]) for name in SEVEN)  # no voter in the ballots
    checked, problems = verify_tally.verify(evidence)
    assert problems == []
    assert [v["totals"] for v in evidence["votes"]] == [{"agree": 5, "disagree": 2, "abstain": 0, "total": 7},
                                                        {"agree": 4, "disagree": 3, "abstain": 0, "total": 7}]
    assert api.get(f"/instances/{meeting}/ballots", "bumen").status_code in (403, 404)

    saved = tmp_path / "ballots.json"
    saved.write_text(json.dumps(evidence), encoding="utf-8")
    script = [sys.executable, str(ROOT / "scripts" / "verify_tally.py"), "--file", str(saved)]
    run = subprocess.run(script, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "agree 5, disagree 2, abstain 0" in run.stdout, run.stdout + run.stderr
    evidence["votes"][1]["totals"]["agree"] = 5  # a server that claims the second item passed
    evidence["votes"][0]["ballots"].pop()  # and drops a ballot of the first
    saved.write_text(json.dumps(evidence), encoding="utf-8")
    run = subprocess.run(script, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "not the sum of the ballots" in run.stdout and "are not what the ballots hold" in run.stdout


def test_R8_malformed_forged_and_second_ballots_are_refused_and_a_client_encrypted_one_counts(app, api,
                                                                                             database_url):
    db = app.extensions["powerflow"].db
    _, topic = submit_matter(api, "关于拒收选票的决策")
    meeting = api.post("/processes/committee_meeting/instances", "bangong",
                       {"title": "常委会会议", "data": {}}).get_json()["id"]
    drive(api, meeting, {**MEETING, **agenda(meeting_day(database_url), [topic])}, stop_at="item_vote")
    to_meeting_day(api, meeting)
    vote = open_tasks(api, meeting, "item_vote")[0]
    voter = vote["assignee"]
    prop = api.get(f"/tasks/{vote['id']}", voter).get_json()["form"]["properties"]["ballot"]
    key, context = bytes.fromhex(prop["x-ballot-context"]["public_key"]), prop["x-ballot-context"]["context"]
    assert prop["enum"] == ["agree", "disagree", "abstain"] and context.endswith("/agree|disagree|abstain")

    def refused(ballot) -> str:
        response = api.complete(vote["id"], voter, {"ballot": ballot})
        assert response.status_code == 422, response.get_json()
        return response.get_json()["errors"]["ballot"]

    assert "选票无效" in refused({"c": "x"})
    first, second = (elgamal.encrypt(key, c, 3, context).to_json() for c in (0, 1))
    double = {"c": [first["c"][0], second["c"][1], first["c"][2]],
              "p": [first["p"][0], second["p"][1], first["p"][2]], "s": first["s"]}
    assert "sum to one" in refused(double)  # agree and disagree at once
    other_item = context.replace(f"/{topic}/", f"/{topic + 1}/")
    assert "0 or 1" in refused(elgamal.encrypt(key, 0, 3, other_item).to_json())  # made for another vote
    assert "请从给出的选项中选择" in refused("maybe")
    with db.reader() as session:
        assert len(box.ballots(session, meeting, "item_vote", str(topic))) == 0

    accepted = api.complete(vote["id"], voter, {"ballot": elgamal.encrypt(key, 1, 3, context).to_json()})
    assert accepted.status_code == 200
    again = api.complete(vote["id"], voter, {"ballot": "agree"})
    assert again.status_code == 409  # one ballot per member: the vote task is done
    with db.reader() as session:
        assert len(box.ballots(session, meeting, "item_vote", str(topic))) == 1
