"""The tellers' browser code (webui/static/teller_src.js, bundled by scripts/install) against the Python side.

Node runs the bundle esbuild built (built here with the install command when missing or stale) and the
results are checked by engine/ballots: same keys and hashes byte for byte, partial decryptions that
threshold.verify_partial accepts and threshold.open_total turns into the right totals. The page glue is
driven in Chromium on the rendered _teller.html partial under the site's CSP.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest

from engine.committee.ballots import elgamal, threshold
from engine.committee.ballots import group as g
from tests.conftest import ROOT
from tests.node_helpers import node_fixtures, start_tags

SMALL_KDF = {"n": 1024, "r": 8, "p": 1}
CONTEXT = "powerflow/vote/meeting-7/item-3"

ANSWER = """
import * as teller from './teller.mjs';
const parts = (list) => list.map((p) => ('str' in p ? p.str : 'point' in p ? teller.pointFromHex(p.point)
  : Buffer.from(p.bytes, 'hex')));
const ops = {
  secret: (a) => teller.scalarToHex(teller.tellerSecret(a.passphrase, a.salt, a.kdf)),
  publicKey: (a) => teller.tellerPublicKey(a.passphrase, a.salt, a.kdf),
  hash: (a) => teller.scalarToHex(teller.hashToScalar(a.tag, ...parts(a.parts))),
  share: (a) => teller.tallyShare(a.passphrase, a.ctx),
};
const answer = (call) => ({ ok: ops[call.op](call) });
"""

# bundle: teller.js as scripts/install builds it; node(*calls): calls [{op, ...}] in one node process, each
# answered {"ok": value} or {"error": message}
bundle, node = node_fixtures("teller", ANSWER, "node")


@pytest.fixture
def small_kdf(monkeypatch):
    """threshold.teller_secret with cheap scrypt parameters, so the cross-checks stay fast."""
    for key, value in SMALL_KDF.items():
        monkeypatch.setitem(threshold.KDF, key, value)
    return dict(SMALL_KDF)


def test_public_key_matches_python_with_production_kdf(node):
    passphrase, salt = "正确的马 battery staple", "meeting-2024-07/tellers"
    secret = threshold.teller_secret(passphrase, salt)
    answer = node({"op": "secret", "passphrase": passphrase, "salt": salt, "kdf": threshold.KDF},
                  {"op": "publicKey", "passphrase": passphrase, "salt": salt, "kdf": threshold.KDF})
    assert answer == [{"ok": secret.hex()}, {"ok": g.base_mul(secret).hex()}]


def test_secrets_and_hashes_match_python(node, small_kdf):
    cases = [("abcdefgh", "s"), ("监票口令很长很长的一句话", "会议/盐"), ("pass word\u00e9!", "")]
    calls = [{"op": "publicKey", "passphrase": p, "salt": s, "kdf": small_kdf} for p, s in cases]
    point = g.base_mul(g.random_scalar())
    parts = [{"str": CONTEXT}, {"point": point.hex()}, {"point": g.IDENTITY.hex()}, {"str": ""},
             {"bytes": "00ff" * 40}, {"str": "选项二"}]
    calls.append({"op": "hash", "tag": threshold.TAG + "/partial", "parts": parts})
    expected = [g.base_mul(threshold.teller_secret(p, s)).hex() for p, s in cases]
    expected.append(g.hash_to_scalar(threshold.TAG + "/partial", CONTEXT, point, g.IDENTITY, "",
                                     bytes.fromhex("00ff" * 40), "选项二").hex())
    assert [a["ok"] for a in node(*calls)] == expected


class Meeting:
    """Three tellers (two needed), a vote key dealt by Python, ballots cast and combined by Python."""

    passphrases = ["teller one passphrase", "第二位监票人的口令", "third teller's words"]
    salt = "meeting-7"

    def __init__(self, votes: list[int], options: int):
        self.keys = [g.base_mul(threshold.teller_secret(p, self.salt)) for p in self.passphrases]
        self.public, self.shares = threshold.deal(self.keys, threshold.threshold_for(3))
        ballots = [elgamal.encrypt(self.public, v, options, CONTEXT).to_json() for v in votes]
        verified = [elgamal.verify(self.public, b, options, CONTEXT) for b in ballots]
        self.totals = elgamal.combine(verified, options)
        self.most = len(votes)

    def ctx(self, teller: int, context: str = CONTEXT, ciphertexts: list[str] | None = None) -> dict:
        share = self.shares[teller]
        return {"salt": self.salt, "kdf": dict(threshold.KDF), "context": context,
                "share": {"index": share.index, "verification_key": share.verification_key.hex(),
                          "wrap_point": share.wrap_point.hex(), "wrapped": share.wrapped.hex()},
                "ciphertexts": ciphertexts if ciphertexts is not None else [A.hex() for A, _ in self.totals],
                "labels": [f"选项{i + 1}" for i in range(len(self.totals))]}

    def share_call(self, teller: int, passphrase: str | None = None, **ctx) -> dict:
        return {"op": "share", "passphrase": passphrase or self.passphrases[teller], "ctx": self.ctx(teller, **ctx)}

    def verified(self, teller: int, answer: dict, context: str = CONTEXT) -> list[bytes]:
        """The D of each option after threshold.verify_partial (raises when a proof does not hold)."""
        share = self.shares[teller]
        assert answer["index"] == share.index and len(answer["partials"]) == len(self.totals)
        return [threshold.verify_partial(share.verification_key, A, partial, context)
                for (A, _), partial in zip(self.totals, answer["partials"])]

    def open(self, partials: dict[int, list[bytes]]) -> list[int]:
        return [threshold.open_total(B, {self.shares[t].index: D[j] for t, D in partials.items()}, self.most)
                for j, (_, B) in enumerate(self.totals)]


def test_tally_shares_from_node_open_the_totals(node, small_kdf):
    votes = [0, 2, 2, 1, 2, 0, 2]
    meeting = Meeting(votes, 3)
    first, third = node(meeting.share_call(0), meeting.share_call(2))
    first, third = json.loads(first["ok"]), json.loads(third["ok"])
    assert list(first) == ["index", "partials"]
    assert all(len(p) == 3 and all(len(h) == 64 for h in p) for p in first["partials"])
    expected = [votes.count(j) for j in range(3)]
    assert meeting.open({0: meeting.verified(0, first), 2: meeting.verified(2, third)}) == expected
    # a browser's partials combine with a teller who answered through Python as well
    second = threshold.unwrap(threshold.teller_secret(meeting.passphrases[1], meeting.salt), meeting.shares[1])
    python = [g.point_from_hex(threshold.partial_decrypt(second, meeting.shares[1].verification_key, A, CONTEXT)[0])
              for A, _ in meeting.totals]
    assert meeting.open({0: meeting.verified(0, first), 1: python}) == expected


def test_each_proof_is_fresh(node, small_kdf):
    meeting = Meeting([1], 2)
    one, two = (json.loads(a["ok"]) for a in node(meeting.share_call(1), meeting.share_call(1)))
    assert [p[0] for p in one["partials"]] == [p[0] for p in two["partials"]]  # the same D = x_i·A
    assert all(a[1:] != b[1:] for a, b in zip(one["partials"], two["partials"]))  # a new nonce each time


def test_wrong_passphrase_is_refused(node, small_kdf):
    meeting = Meeting([0, 1], 2)
    answers = node(meeting.share_call(0, passphrase="teller one passphrase!"),
                   meeting.share_call(0, passphrase=meeting.passphrases[1]))  # another teller's own passphrase
    assert answers == [{"error": "wrong_passphrase"}, {"error": "wrong_passphrase"}]


def test_partial_for_another_context_is_refused(node, small_kdf):
    meeting = Meeting([0, 1, 1], 2)
    [answer] = node(meeting.share_call(1, context=CONTEXT + "/other"))
    answer = json.loads(answer["ok"])
    with pytest.raises(ValueError):
        meeting.verified(1, answer)
    assert len(meeting.verified(1, answer, context=CONTEXT + "/other")) == 2  # it holds only where it was made
    tampered = json.loads(json.dumps(answer))
    tampered["partials"][0][0] = answer["partials"][1][0]
    with pytest.raises(ValueError):
        meeting.verified(1, tampered, context=CONTEXT + "/other")


def test_identity_ciphertext_and_bad_context(node, small_kdf):
    meeting = Meeting([0], 2)
    identity = g.IDENTITY.hex()
    answers = node(meeting.share_call(0, ciphertexts=[identity]),
                   meeting.share_call(0, ciphertexts=["zz" * 32]),
                   meeting.share_call(0, ciphertexts=["ff" * 32]))
    [D, c, z] = json.loads(answers[0]["ok"])["partials"][0]
    assert D == identity
    assert threshold.verify_partial(meeting.shares[0].verification_key, g.IDENTITY, [D, c, z], CONTEXT) == g.IDENTITY
    assert answers[1:] == [{"error": "bad_context"}, {"error": "bad_context"}]


# --- the partial and the page glue -------------------------------------------------------------------

@pytest.fixture
def flask_app(sqlite_url, tmp_path):
    from webui import create_app
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "test-secret-key-of-at-least-32-chars",
                      "ATTACHMENTS_DIR": str(tmp_path / "attachments")})
    yield app
    app.extensions["powerflow"].db.dispose()


PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{{ url_for('static', filename='app.css') }}"></head>
<body><main><section class="card"><form method="post" action="/submit" novalidate>
<input type="hidden" name="csrf_token" value="t"><input name="note" value="已阅">
{% include '_teller.html' %}
<button type="submit" name="action" value="go">提交办理</button></form></section></main></body></html>"""


def _render(app, name: str, prop: dict, page: bool = False) -> str:
    from flask import render_template, render_template_string
    with app.test_request_context("/"):
        return render_template_string(PAGE, name=name, prop=prop) if page else \
            render_template("_teller.html", name=name, prop=prop)


def _key_prop(kdf: dict) -> dict:
    return {"type": "string", "x-teller": "key", "x-teller-context": {"salt": "meeting-7", "kdf": kdf}}


def test_partial_renders_the_dom_contract(flask_app, small_kdf):
    meeting = Meeting([0], 2)
    for prop in (_key_prop(small_kdf), {"type": "string", "x-teller": "share", "x-teller-context": meeting.ctx(0)}):
        mode = prop["x-teller"]
        tags = start_tags(_render(flask_app, "tally_<1>", prop))
        [widget] = [a for t, a in tags if "teller-widget" in (a.get("class") or "").split()]
        assert widget["data-mode"] == mode and widget["data-field"] == "tally_<1>"
        assert json.loads(widget["data-ctx"]) == prop["x-teller-context"]
        assert all(widget.get(f"data-msg-{m}") for m in ("wrong", "mismatch", "short", "working", "failed"))
        inputs = [a for t, a in tags if t == "input"]
        assert [a["name"] for a in inputs if a.get("type") == "hidden"] == ["tally_<1>"]
        passwords = [a for a in inputs if a.get("type") == "password"]
        assert len(passwords) == (2 if mode == "key" else 1) and not any("name" in a for a in passwords)
        assert [a for t, a in tags if t == "script"] == [{"type": "module", "src": "/vendor/.powerflow/teller.js"}]
        assert not any(k.startswith("on") for _, a in tags for k in a)  # no inline handlers (CSP)
        html = _render(flask_app, "tally", prop)
        assert ("选项1" in html and "选项2" in html) == (mode == "share")


def test_bundle_is_served_under_vendor(flask_app, bundle):
    from webui.http import vendor
    if not ".powerflow/teller.js".startswith(vendor.ALLOWED):
        pytest.skip("webui/http/vendor.py ALLOWED does not list '.powerflow/' yet")
    response = flask_app.test_client().get("/vendor/.powerflow/teller.js")
    assert response.status_code == 200 and response.data == bundle.read_bytes()


ORIGIN = "http://teller.test"


def _open(browser, app, name: str, prop: dict):
    """The partial inside a form, on a 375 px wide page under the site's CSP; posts to /submit are captured."""
    from webui.http.security import CSP
    html = _render(app, name, prop, page=True)
    posted: list[dict] = []
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    def serve(route):
        request = route.request
        path = urlparse(request.url).path
        if path == "/submit":
            posted.append(parse_qs(request.post_data or "", keep_blank_values=True))
            return route.fulfill(status=200, content_type="text/html", body="<p>ok</p>", headers={"Content-Security-Policy": CSP})
        if path == "/":
            return route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html,
                                 headers={"Content-Security-Policy": CSP})
        roots = {"/static/": ROOT / "webui" / "static", "/vendor/": ROOT / "node_modules"}
        for prefix, folder in roots.items():
            if path.startswith(prefix) and (folder / path[len(prefix):]).is_file():
                kind = "text/css" if path.endswith(".css") else "text/javascript"
                return route.fulfill(status=200, content_type=kind, body=(folder / path[len(prefix):]).read_bytes())
        return route.fulfill(status=404, body="")

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    page.wait_for_selector(".teller-widget[data-teller-ready]", state="attached")
    return page, posted, problems


def _status(page) -> str:
    return page.locator("[data-teller-status]").inner_text()


def test_key_mode_posts_the_public_key_only(browser, flask_app, bundle, small_kdf):
    page, posted, problems = _open(browser, flask_app, "teller_key", _key_prop(small_kdf))
    widget = page.locator(".teller-widget")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("[data-teller-passphrase]", "short")
    page.fill("[data-teller-confirm]", "short")
    page.click("button[type=submit]")
    page.wait_for_function("document.querySelector('[data-teller-status]').textContent.length > 0")
    assert _status(page) == widget.get_attribute("data-msg-short")
    passphrase = "第二位监票人的口令"
    page.fill("[data-teller-passphrase]", passphrase)
    page.fill("[data-teller-confirm]", passphrase + "x")
    page.click("button[type=submit]")
    page.wait_for_function(f"document.querySelector('[data-teller-status]').textContent === "
                           f"{json.dumps(widget.get_attribute('data-msg-mismatch'))}")
    page.fill("[data-teller-confirm]", passphrase)
    with page.expect_request(f"{ORIGIN}/submit", timeout=120_000):  # key derivation and proofs: slow on a busy CI
        page.click("button[type=submit]")
    page.wait_for_url(f"{ORIGIN}/submit")
    [form] = posted
    assert form["teller_key"] == [g.base_mul(threshold.teller_secret(passphrase, "meeting-7")).hex()]
    assert form["action"] == ["go"] and form["note"] == ["已阅"]  # the button that submitted is kept
    assert not any(passphrase in v for values in form.values() for v in values)
    assert problems == []
    page.close()


def test_share_mode_posts_verifiable_partials(browser, flask_app, bundle, small_kdf):
    votes = [1, 1, 0]
    meeting = Meeting(votes, 2)
    prop = {"type": "string", "x-teller": "share", "x-teller-context": meeting.ctx(2)}
    page, posted, problems = _open(browser, flask_app, "tally", prop)
    widget = page.locator(".teller-widget")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("[data-teller-passphrase]", meeting.passphrases[0])  # another teller's passphrase
    page.click("button[type=submit]")
    page.wait_for_function(f"document.querySelector('[data-teller-status]').textContent === "
                           f"{json.dumps(widget.get_attribute('data-msg-wrong'))}")
    assert posted == []
    page.fill("[data-teller-passphrase]", meeting.passphrases[2])
    with page.expect_request(f"{ORIGIN}/submit", timeout=120_000):  # key derivation and proofs: slow on a busy CI
        page.click("button[type=submit]")
    page.wait_for_url(f"{ORIGIN}/submit")
    [form] = posted
    answer = json.loads(form["tally"][0])
    assert not any(meeting.passphrases[2] in v for values in form.values() for v in values)
    first = threshold.unwrap(threshold.teller_secret(meeting.passphrases[0], meeting.salt), meeting.shares[0])
    python = [g.point_from_hex(threshold.partial_decrypt(first, meeting.shares[0].verification_key, A, CONTEXT)[0])
              for A, _ in meeting.totals]
    assert meeting.open({2: meeting.verified(2, answer), 0: python}) == [votes.count(0), votes.count(1)]
    assert problems == []
    page.close()
