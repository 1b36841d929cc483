"""Members' browsers encrypt their secret ballots (webui/static/ballot_src.js, bundled by scripts/install).

Node runs the bundle esbuild built (rebuilt here with the install command when missing or stale): its
ballots pass engine/committee/ballots/elgamal.verify under the same key and context, have the same size whatever
the choice and open to the right totals with the tellers' shares. Then a member votes in Chromium on the
demo's open vote: the post carries the encrypted ballot, never the choice, and the server stores it.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from engine.committee.ballots import box, elgamal, threshold
from engine.committee.ballots import group as g
from tests.node_helpers import node_fixtures, start_tags

CONTEXT = "7/item_vote/3/agree|disagree|abstain"

ANSWER = """
import { encryptBallot } from './ballot.mjs';
function answer([key, chosen, options, context]) {
  const ballot = encryptBallot(key, chosen, options, context);
  return { ok: ballot, length: JSON.stringify(ballot).length };
}
"""

# bundle: ballot.js as scripts/install builds it; encrypt(*calls): encryptBallot for many calls
# (key, chosen, options, context) in one node process
bundle, encrypt = node_fixtures("ballot", ANSWER, "encrypt")


@pytest.fixture(scope="module")
def vote_key():
    """A vote key dealt 2-of-3 to tellers whose secrets are drawn directly (no scrypt: fast)."""
    secrets = [g.random_scalar() for _ in range(3)]
    key, shares = threshold.deal([g.base_mul(s) for s in secrets], 2)
    return key, secrets, shares


def test_node_ballots_verify_in_python_whatever_the_choice(encrypt, vote_key):
    key = vote_key[0]
    answers = encrypt(*[(key.hex(), chosen, 3, CONTEXT) for chosen in range(3)])
    sizes = set()
    for answer in answers:
        ballot = answer["ok"]
        assert list(ballot) == ["c", "p", "s"]
        assert len(elgamal.verify(key, ballot, 3, CONTEXT)) == 3
        sizes |= {answer["length"], len(json.dumps(ballot, separators=(",", ":")))}
    assert len(sizes) == 1  # the same length for every choice (the JS and the Python JSON alike)
    python = elgamal.encrypt(key, 1, 3, CONTEXT).to_json()
    assert len(json.dumps(python, separators=(",", ":"))) in sizes  # and the size Python's ballots have
    assert answers[0]["ok"]["c"] != encrypt((key.hex(), 0, 3, CONTEXT))[0]["ok"]["c"]  # fresh randomness


def test_node_ballots_open_to_the_right_totals(encrypt, vote_key):
    key, secrets, shares = vote_key
    votes = [1, 0, 1, 2, 1]
    cast = [a["ok"] for a in encrypt(*[(key.hex(), v, 3, CONTEXT) for v in votes])]
    cast.append(elgamal.encrypt(key, 0, 3, CONTEXT).to_json())  # mixed with a ballot the server encrypted
    votes.append(0)
    totals = elgamal.combine([elgamal.verify(key, b, 3, CONTEXT) for b in cast], 3)
    opened = []
    for A, B in totals:
        partials = {}
        for i in (0, 2):
            x = threshold.unwrap(secrets[i], shares[i])
            partial = threshold.partial_decrypt(x, shares[i].verification_key, A, CONTEXT)
            partials[shares[i].index] = threshold.verify_partial(shares[i].verification_key, A, partial, CONTEXT)
        opened.append(threshold.open_total(B, partials, len(cast)))
    assert opened == [votes.count(j) for j in range(3)] == [2, 3, 1]


def test_node_ballot_holds_only_for_its_vote(encrypt, vote_key):
    key = vote_key[0]
    [answer, two] = encrypt((key.hex(), 2, 3, CONTEXT), (key.hex(), 0, 2, "x/y/z/agree|disagree"))
    with pytest.raises(elgamal.InvalidBallot):
        elgamal.verify(key, answer["ok"], 3, CONTEXT + "/other")
    with pytest.raises(elgamal.InvalidBallot):
        elgamal.verify(g.base_mul(g.random_scalar()), answer["ok"], 3, CONTEXT)  # another vote key
    tampered = json.loads(json.dumps(answer["ok"]))
    tampered["c"][0], tampered["c"][2] = tampered["c"][2], tampered["c"][0]
    with pytest.raises(elgamal.InvalidBallot):
        elgamal.verify(key, tampered, 3, CONTEXT)
    assert len(elgamal.verify(key, two["ok"], 2, "x/y/z/agree|disagree")) == 2


def test_bad_arguments_are_refused(encrypt, vote_key):
    key = vote_key[0].hex()
    answers = encrypt((key, 3, 3, CONTEXT), (key, -1, 3, CONTEXT), (g.IDENTITY.hex(), 0, 3, CONTEXT),
                      ("zz" * 32, 0, 3, CONTEXT), ("ff" * 32, 0, 3, CONTEXT), (key.upper(), 0, 1, CONTEXT))
    assert [a.get("error") for a in answers[:5]] == ["bad_choice", "bad_choice"] + ["bad_context"] * 3
    assert elgamal.verify(vote_key[0], answers[5]["ok"], 1, CONTEXT)  # upper-case hex, a single option


# --- the form field ----------------------------------------------------------------------------------

def test_the_ballot_field_renders_the_dom_contract(web_app):
    from flask import render_template_string
    ctx = {"public_key": g.base_mul(g.random_scalar()).hex(), "context": "1/item_vote/it's/a|b"}
    prop = {"type": "string", "enum": ["agree", "disagree"], "x-enum-labels": ["同意", "不同意"], "x-ballot": True}
    page = "{% from '_form.html' import field %}{{ field('ballot', prop, none, none, true) }}"
    for context in (ctx, None):
        with web_app.test_request_context("/"):
            html = render_template_string(page, prop={**prop, "x-ballot-context": context})
        tags = start_tags(html)
        [widget] = [a for t, a in tags if "ballot-widget" in (a.get("class") or "").split()]
        assert widget["data-field"] == "ballot" and json.loads(widget["data-options"]) == ["agree", "disagree"]
        assert json.loads(widget["data-ctx"]) == (context or {}) and widget["data-msg-working"]
        inputs = [a for t, a in tags if t == "input"]
        assert [(a["name"], "disabled" in a) for a in inputs if a["type"] == "hidden"] == [("ballot", True)]
        assert [(a["name"], a["value"]) for a in inputs if a["type"] == "radio"] == [("ballot", "agree"),
                                                                                      ("ballot", "disagree")]
        scripts = [a for t, a in tags if t == "script"]
        assert scripts == [{"type": "module", "src": "/vendor/.powerflow/ballot.js"}]
        assert not any(k.startswith("on") for _, a in tags for k in a)  # no inline handlers (CSP)
        assert ("ballot-hint" in html) == bool(context)  # the promise is made only when the box is sealed


# --- a member votes in Chromium ------------------------------------------------------------------------

def test_a_member_posts_an_encrypted_ballot_never_the_choice(live_url, browser, web_app, bundle):
    from engine.ops import demo
    from engine.models import BallotTeller, EncryptedBallot
    from engine.models import HumanTask, User
    from tests.browser_helpers import login

    services = web_app.extensions["powerflow"]
    demo.create_matters(services.db, services.runtime)
    with services.db.reader() as session:
        task = session.scalars(select(HumanTask).where(HumanTask.element_id == "item_vote",
                                                       HumanTask.state == "ready").order_by(HumanTask.id)).first()
        task_id, instance_id = task.id, task.instance_id
        voter = session.get(User, task.assignee_id).username
        before = session.scalar(select(func.count(EncryptedBallot.id)))

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    login(page, live_url, voter)
    posts: list[tuple[str, str]] = []
    page.on("request", lambda r: r.method == "POST" and posts.append((urlparse(r.url).path, r.post_data or "")))
    page.goto(f"{live_url}/tasks/{task_id}")
    widget = page.locator(".ballot-widget[data-ballot-ready]")
    widget.wait_for(state="attached")
    ctx = json.loads(widget.get_attribute("data-ctx"))
    options = json.loads(widget.get_attribute("data-options"))
    assert ctx["public_key"] and page.locator(".ballot-hint").is_visible()
    page.get_by_label("不同意", exact=True).check()
    with page.expect_navigation():
        page.click("#task-form button[type=submit]")
    page.close()

    [(path, body)] = [p for p in posts if p[0] == f"/tasks/{task_id}"]
    form = parse_qs(body, keep_blank_values=True)
    assert not any(f"ballot={o}" in body for o in options)  # no plain choice
    [posted] = form["ballot"]
    ballot = json.loads(posted)
    key = bytes.fromhex(ctx["public_key"])
    points = elgamal.verify(key, ballot, len(options), ctx["context"])
    with services.db.reader() as session:
        assert session.get(HumanTask, task_id).state == "completed"
        assert session.scalar(select(func.count(EncryptedBallot.id))) == before + 1
        stored = session.scalars(select(EncryptedBallot).order_by(EncryptedBallot.id.desc())).first()
        assert json.loads(stored.ballot) == ballot  # the browser's ballot, kept as it came
        assert box.vote_context(instance_id, stored.element_id, stored.item_key, options) == ctx["context"]
        tellers = session.scalars(select(BallotTeller).where(BallotTeller.instance_id == instance_id)
                                  .order_by(BallotTeller.teller_index)).all()[:2]
        shares = [(threshold.Share(t.teller_index, *(bytes.fromhex(h) for h in (t.verification_key, t.wrap_point,
                                                                                  t.wrapped))),
                   box.teller_salt(instance_id, t.username)) for t in tellers]
    # two demo tellers open this one ballot: it holds 不同意
    xs = {share.index: threshold.unwrap(threshold.teller_secret(demo.DEMO_TELLER_PASSPHRASE, salt), share)
          for share, salt in shares}
    opened = [threshold.open_total(B, {i: g.mul(x, A) for i, x in xs.items()}, 1) for A, B in points]
    assert opened == [int(o == "disagree") for o in options] and "disagree" in options
    assert problems == []
