"""Secret ballots: casting one encrypted ballot, and opening a vote's totals with the tellers' shares.

Casting: ``box.cast`` in one transaction (read the meeting's vote key, encrypt the choice with its
proofs, verify them, insert the ballot row, commit) for a 3-option vote, "agree" and "disagree" in a
random order within each round so that the VM's drift falls on both alike, their difference set
beside the one chance alone gives (a permutation test); beside them a ballot encrypted beforehand, as
a voter's browser sends it (the server only verifies and inserts), and the floor: the same
transaction (read the key, insert a row of the same size, commit) without cryptography. The engine
action: ``Runtime.complete`` of 无记名表决 for the 9 members of a committee meeting (3 agenda items),
beside 成员发表意见 of the same members at the same meeting — the same engine action without a ballot.

Opening: a vote of 9, 50 and 500 ballots, opened by 2 of 3 tellers as a meeting opens it — each
teller's page computes the combined ciphertexts (``box.share_context``), each teller's browser
unwraps its share and makes its 3 partial decryptions with proofs (scrypt excluded: it is measured on
its own, once per teller per step), the server checks and stores each share (``box.record_share``, one
transaction each), then ``box.tally`` combines the shares (Lagrange) and takes the 3 discrete logs.
The floor: reading the vote's ballot rows once. Where it goes: the same pieces timed alone on the same
data.

Usage: .venv/bin/python -m bench.ballots [--pg URL] [--quick] [--sqlite-only]
  prints this benchmark's section for BENCHMARKS.md (``bench.run`` runs it with the others).
"""
from __future__ import annotations

import json
import random
import secrets
import statistics
import tempfile
import time

import sqlalchemy as sa

from bench.common import ROOT, fresh_database, ms, percentile
from engine.committee.ballots import box, elgamal, group as g, threshold
from engine.models import BallotKey, EncryptedBallot, TallyShare
from engine.runtime.service import Runtime

OPTIONS = ["agree", "disagree", "abstain"]
ELEMENT = "item_vote"
TELLERS = ["wangcw", "zhaocw", "chencw"]  # 2 of 3 open a total
VOTERS = (9, 50, 500)
ABOUT = ("Casting: `box.cast` in one transaction (read the vote key, encrypt the choice with a 0-or-1 proof per "
         "option and a sum proof, verify them, insert the ballot, commit) for a 3-option vote, \"agree\" and "
         "\"disagree\" interleaved in random order; a ballot encrypted beforehand as a voter's browser sends it "
         "(the server only verifies and inserts); and the floor: the same transaction inserting a row of the "
         "same size without cryptography; agree − disagree beside the difference chance alone gives (both "
         "groups' samples pooled and split again at random, 2,000 times). The engine action: "
         "`Runtime.complete` of 无记名表决 for the 9 members of a committee meeting (3 items) beside 成员发表意见 "
         "of the same members (the same action without a ballot). Opening: a vote of 9, 50 and 500 ballots "
         "opened by 2 of 3 tellers — each teller's page (`box.share_context`: read and combine the ballots), "
         "each teller's browser (unwrap its share, 3 partial decryptions with proofs; scrypt apart), "
         "`box.record_share` (combine again, check 3 proofs, insert, commit), `box.tally` (combine, Lagrange, 3 "
         "discrete logs); floor: reading the vote's ballot rows once. No speed target: the numbers say what a "
         "ballot and an opening cost against their floors.")


def _choice(i: int) -> str:
    """A fixed mix: 3 in 5 agree, 1 disagrees, 1 abstains."""
    return OPTIONS[(0, 0, 0, 1, 2)[i % 5]]


def teller_secrets(instance_id: int) -> dict[str, bytes]:
    """Each teller's private scalar from its passphrase (scrypt, what the browser does)."""
    return {t: threshold.teller_secret(f"{t} 的监票口令", box.teller_salt(instance_id, t)) for t in TELLERS}


def scrypt_cost(runs: int = 5) -> float:
    """Median seconds of one teller's scrypt (threshold.KDF) — in the browser, once per teller per step."""
    samples = []
    for n in range(runs):
        began = time.perf_counter()
        threshold.teller_secret("监票口令", f"bench/{n}")
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def crypto_cost(runs: int = 100) -> dict:
    """Medians of encrypting and of verifying one 3-option ballot in memory, per choice."""
    key, context = g.base_mul(g.random_scalar()), "bench/crypto/" + "|".join(OPTIONS)
    encrypt, verify = {c: [] for c in OPTIONS[:2]}, []
    for _ in range(runs):
        for choice in random.sample(OPTIONS[:2], 2):
            began = time.perf_counter()
            ballot = elgamal.encrypt(key, OPTIONS.index(choice), len(OPTIONS), context).to_json()
            encrypt[choice].append(time.perf_counter() - began)
            began = time.perf_counter()
            elgamal.verify(key, ballot, len(OPTIONS), context)
            verify.append(time.perf_counter() - began)
    return {"encrypt_agree": statistics.median(encrypt["agree"]),
            "encrypt_disagree": statistics.median(encrypt["disagree"]), "verify": statistics.median(verify)}


def run(url: str, ballots: int = 200, voters: tuple[int, ...] = VOTERS, repeats: int = 5,
        meeting_items: int = 3) -> dict:
    db = fresh_database(url)
    runtime = Runtime(db)
    instance_id = runtime.start("committee_meeting", "票箱基准", {}, "bangong").instance_id
    teller_keys = teller_secrets(instance_id)
    with db.transaction() as session:
        box.seal(session, instance_id, TELLERS, [g.base_mul(teller_keys[t]).hex() for t in TELLERS])
    result = {"dialect": db.dialect, "cast": _casting(db, instance_id, ballots),
              "tally": [_opening(db, instance_id, n, repeats, teller_keys) for n in voters]}
    db.dispose()
    if meeting_items:
        result["engine"] = _engine_votes(url, meeting_items)
    return result


# -- casting --------------------------------------------------------------------------------------

def _casting(db, instance_id: int, rounds: int) -> dict:
    with db.reader() as session:
        key = bytes.fromhex(box.public_key(session, instance_id))
    context = box.vote_context(instance_id, ELEMENT, "cast", OPTIONS)
    encrypted = [elgamal.encrypt(key, OPTIONS.index(_choice(i)), len(OPTIONS), context).to_json()
                 for i in range(rounds)]
    size = len(json.dumps(encrypted[0], separators=(",", ":")))
    samples: dict[str, list[float]] = {"agree": [], "disagree": [], "client": [], "floor": []}
    for i in range(rounds):
        for kind in random.sample(list(samples), len(samples)):
            began = time.perf_counter()
            with db.transaction() as session:
                if kind == "floor":  # the same read and a row of the same size, no cryptography
                    session.get(BallotKey, instance_id)
                    session.add(EncryptedBallot(instance_id=instance_id, element_id=ELEMENT, item_key="floor",
                                                ballot=secrets.token_hex(size)[:size]))
                else:
                    box.cast(session, instance_id, ELEMENT, "cast", encrypted[i] if kind == "client" else kind,
                             OPTIONS)
            samples[kind].append(time.perf_counter() - began)
    with db.reader() as session:
        stored = session.scalars(sa.select(EncryptedBallot.ballot).where(EncryptedBallot.instance_id == instance_id,
                                                                         EncryptedBallot.item_key == "cast")).all()
    assert len(stored) == 3 * rounds and len({len(b) for b in stored}) == 1, "ballot rows differ in size"
    out = {kind: {"p50": statistics.median(v), "p99": percentile(v, 99)} for kind, v in samples.items()}
    out["chance_p50"], out["chance_p99"] = _chance(samples["agree"], samples["disagree"])
    out["rounds"], out["row_chars"] = rounds, size
    return out


def _chance(a: list[float], b: list[float], shuffles: int = 2000) -> tuple[float, float]:
    """The p50 and p99 differences that chance alone stays under 95 % of the time: the two groups' samples
    pooled, shuffled and split again into groups of the same sizes (a permutation test)."""
    pooled, gaps50, gaps99 = a + b, [], []
    for _ in range(shuffles):
        random.shuffle(pooled)
        x, y = pooled[:len(a)], pooled[len(a):]
        gaps50.append(abs(statistics.median(x) - statistics.median(y)))
        gaps99.append(abs(percentile(x, 99) - percentile(y, 99)))
    return percentile(gaps50, 95), percentile(gaps99, 95)


# -- opening a total ------------------------------------------------------------------------------

def _opening(db, instance_id: int, voters: int, repeats: int, teller_keys: dict[str, bytes]) -> dict:
    item = f"tally-{voters}"
    with db.transaction() as session:
        for i in range(voters):
            box.cast(session, instance_id, ELEMENT, item, _choice(i), OPTIONS)
    expected = {o: sum(_choice(i) == o for i in range(voters)) for o in OPTIONS} | {"total": voters}
    context = box.vote_context(instance_id, ELEMENT, item, OPTIONS)
    opening = TELLERS[:2]
    phases: dict[str, list[float]] = {"pages": [], "browsers": [], "record": [], "tally": [], "total": []}
    for _ in range(repeats):
        spent = dict.fromkeys(phases, 0.0)
        for teller in opening:
            began = time.perf_counter()
            with db.reader() as session:
                page = box.share_context(session, instance_id, ELEMENT, item, OPTIONS, teller)
            spent["pages"] += time.perf_counter() - began
            began = time.perf_counter()
            answer = _teller_browser(teller_keys[teller], page)
            spent["browsers"] += time.perf_counter() - began
            began = time.perf_counter()
            with db.transaction() as session:
                box.record_share(session, instance_id, ELEMENT, item, OPTIONS, teller, answer)
            spent["record"] += time.perf_counter() - began
        began = time.perf_counter()
        with db.reader() as session:
            counts = box.tally(session, instance_id, ELEMENT, item, OPTIONS)
        spent["tally"] = time.perf_counter() - began
        assert counts == expected, (counts, expected)
        spent["total"] = sum(spent.values())
        for name, value in spent.items():
            phases[name].append(value)
        with db.transaction() as session:  # the next repeat opens the same vote afresh
            session.execute(sa.delete(TallyShare).where(TallyShare.instance_id == instance_id,
                                                        TallyShare.item_key == item))
    result = {"voters": voters} | {name: statistics.median(v) for name, v in phases.items()}
    return result | _pieces(db, instance_id, item, context, repeats, teller_keys)


def _teller_browser(secret: bytes, page: dict) -> str:
    """teller_client.tally_share without the scrypt (measured apart): unwrap, one partial decryption per option."""
    share = page["share"]
    stored = threshold.Share(share["index"], bytes.fromhex(share["verification_key"]),
                             bytes.fromhex(share["wrap_point"]), bytes.fromhex(share["wrapped"]))
    x_i = threshold.unwrap(secret, stored)
    partials = [threshold.partial_decrypt(x_i, stored.verification_key, bytes.fromhex(a), page["context"])
                for a in page["ciphertexts"]]
    return json.dumps({"index": share["index"], "partials": partials})


def _pieces(db, instance_id: int, item: str, context: str, repeats: int, teller_keys: dict[str, bytes]) -> dict:
    """Medians of each piece alone: the floor read, a combined() call, its point additions, proofs, discrete logs."""
    query = sa.select(EncryptedBallot.ballot).where(EncryptedBallot.instance_id == instance_id,
                                                    EncryptedBallot.element_id == ELEMENT,
                                                    EncryptedBallot.item_key == item).order_by(EncryptedBallot.id)
    with db.reader() as session:
        key_row = session.get(BallotKey, instance_id)
        tellers = {t: box.teller_of(session, instance_id, t) for t in TELLERS[:2]}
        pages = {t: box.share_context(session, instance_id, ELEMENT, item, OPTIONS, t) for t in tellers}
    answers = {t: json.loads(_teller_browser(teller_keys[t], pages[t]))["partials"] for t in tellers}
    samples: dict[str, list[float]] = {"floor": [], "combined": [], "combine": [], "verify": [], "open": []}
    for _ in range(max(repeats, 5)):
        began = time.perf_counter()
        with db.reader() as session:
            rows = session.scalars(query).all()
        samples["floor"].append(time.perf_counter() - began)
        began = time.perf_counter()
        with db.reader() as session:
            totals, count = box.combined(session, instance_id, ELEMENT, item, len(OPTIONS))
        samples["combined"].append(time.perf_counter() - began)
        points = [[(bytes.fromhex(a), bytes.fromhex(b)) for a, b in json.loads(r)["c"]] for r in rows]
        began = time.perf_counter()
        elgamal.combine(points, len(OPTIONS))
        samples["combine"].append(time.perf_counter() - began)
        began = time.perf_counter()
        teller = tellers[TELLERS[0]]
        for (A, _B), partial in zip(totals, answers[TELLERS[0]]):
            threshold.verify_partial(bytes.fromhex(teller.verification_key), A, partial, context)
        samples["verify"].append(time.perf_counter() - began)
        began = time.perf_counter()
        for j, (_A, B) in enumerate(totals):
            partials = {tellers[t].teller_index: bytes.fromhex(answers[t][j][0]) for t in tellers}
            threshold.open_total(B, partials, count)
        samples["open"].append(time.perf_counter() - began)
    assert key_row.threshold == 2
    return {f"piece_{name}": statistics.median(v) for name, v in samples.items()}


# -- the engine action ----------------------------------------------------------------------------

def _engine_votes(url: str, items: int) -> dict:
    """Runtime.complete of each 无记名表决 and 成员发表意见 at a meeting of all 9 members, driven as the tests do."""
    from tests.api_client import Api
    from tests.meeting_helpers import COMMITTEE, TELLERS as MEETING_TELLERS, hold_meeting, submit_matter
    from webui import create_app

    db = fresh_database(url)
    app = create_app({"TESTING": True, "DATABASE_URL": db.url, "SECRET_KEY": "bench-secret-key-of-at-least-32-chars",
                      "PROCESSES_DIR": str(ROOT / "processes"),
                      "ATTACHMENTS_DIR": tempfile.mkdtemp(prefix="bench-attachments-")})
    api = Api(app.test_client())
    topics = [submit_matter(api, f"关于票箱基准第{n}项的决策")[1] for n in range(items)]
    runtime = app.extensions["powerflow"].runtime
    complete, timed = runtime.complete, []

    def timing(task_id, data, username):
        began = time.perf_counter()
        outcome = complete(task_id, data, username)
        timed.append((task_id, time.perf_counter() - began))
        return outcome

    runtime.complete = timing
    agree = set(COMMITTEE[:5])
    meeting, _steps = hold_meeting(api, db.url, topics, {
        "attendance": {"present": COMMITTEE, "tellers": MEETING_TELLERS},
        "item_vote": lambda voter: {"ballot": "agree" if voter in agree else "disagree"}})
    from engine.models import HumanTask
    with app.extensions["powerflow"].db.reader() as session:
        elements = dict(session.execute(sa.select(HumanTask.id, HumanTask.element_id)
                                        .where(HumanTask.instance_id == meeting)).all())
    app.extensions["powerflow"].db.dispose()
    db.dispose()
    out = {}
    for element in ("item_vote", "member_opinion", "open_tally"):
        samples = [t for task, t in timed if elements.get(task) == element]
        out[element] = {"n": len(samples), "p50": statistics.median(samples), "p99": percentile(samples, 99)}
    return out


# -- tables ---------------------------------------------------------------------------------------

def _d(a: float, b: float) -> str:
    return f"{(a - b) * 1000:+.2f}"


def cast_table(results: list[dict], crypto: dict) -> str:
    lines = ["| backend | transaction (one ballot, 3 options) | p50, ms | p99, ms | × floor (p50) |",
             "|---|---|---:|---:|---:|"]
    for r in results:
        c = r["cast"]
        rows = [("`box.cast` of \"agree\" (encrypt + verify + insert)", c["agree"]),
                ("`box.cast` of \"disagree\" (encrypt + verify + insert)", c["disagree"]),
                ("`box.cast` of a ballot encrypted by the voter's browser (verify + insert)", c["client"]),
                (f"floor: read the key, insert a {c['row_chars']}-character row, no cryptography", c["floor"])]
        for label, v in rows:
            lines.append(f"| {r['dialect']} | {label} | {ms(v['p50'])} | {ms(v['p99'])} | "
                         f"{v['p50'] / c['floor']['p50']:.1f}× |")
    lines += ["", "| backend | ballots each | agree − disagree, p50 ms | agree − disagree, p99 ms | "
              "chance alone (95 % of shuffles stay under), p50 / p99 ms |", "|---|---:|---:|---:|---:|"]
    for r in results:
        c = r["cast"]
        lines.append(f"| {r['dialect']} | {c['rounds']} | {_d(c['agree']['p50'], c['disagree']['p50'])} | "
                     f"{_d(c['agree']['p99'], c['disagree']['p99'])} | "
                     f"±{ms(c['chance_p50'])} / ±{ms(c['chance_p99'])} |")
    lines += ["", f"In memory, no database (median): encrypting one ballot {ms(crypto['encrypt_agree'])} ms for "
              f"\"agree\", {ms(crypto['encrypt_disagree'])} ms for \"disagree\"; verifying it "
              f"{ms(crypto['verify'])} ms."]
    return "\n".join(lines)


def engine_table(results: list[dict]) -> str:
    lines = ["| backend | `Runtime.complete` at a meeting of 9 (3 items) | completions | p50, ms | p99, ms |",
             "|---|---|---:|---:|---:|"]
    labels = {"item_vote": "无记名表决 (cast a ballot)", "member_opinion": "成员发表意见 (same action, no ballot)",
              "open_tally": "监票人开启计票 (record a share; the second runs 计票)"}
    for r in results:
        if "engine" not in r:
            continue
        for element, label in labels.items():
            e = r["engine"][element]
            lines.append(f"| {r['dialect']} | {label} | {e['n']} | {ms(e['p50'])} | {ms(e['p99'])} |")
    return "\n".join(lines)


def tally_table(results: list[dict], scrypt: float) -> str:
    lines = ["| backend | ballots | opening, total ms | per ballot, ms | 2 teller pages (`share_context`) | "
             "2 tellers' browsers (unwrap + 3 partials, no scrypt) | 2 × `record_share` | `tally` | "
             "floor: read the ballots once | total × floor |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        for t in r["tally"]:
            lines.append(f"| {r['dialect']} | {t['voters']} | {ms(t['total'])} | {t['total'] / t['voters'] * 1000:.3f} "
                         f"| {ms(t['pages'])} | {ms(t['browsers'])} | {ms(t['record'])} | {ms(t['tally'])} | "
                         f"{ms(t['piece_floor'])} | {t['total'] / t['piece_floor']:.0f}× |")
    lines += ["", "Where it goes (each piece alone, median ms; an opening calls `combined` 5 times — 2 pages, "
              "2 shares, the tally):", "",
              "| backend | ballots | `combined` (read + parse + add) | its point additions alone (`elgamal.combine`) | "
              "3 proof checks of one share | Lagrange + 3 discrete logs |", "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        for t in r["tally"]:
            lines.append(f"| {r['dialect']} | {t['voters']} | {ms(t['piece_combined'])} | {ms(t['piece_combine'])} | "
                         f"{ms(t['piece_verify'])} | {ms(t['piece_open'])} |")
    lines += ["", f"scrypt (N=2^{threshold.KDF['n'].bit_length() - 1}, r={threshold.KDF['r']}, "
              f"p={threshold.KDF['p']}) of a teller's passphrase: {ms(scrypt)} ms median here (hashlib); it runs "
              "in the teller's browser, once per teller per step (监票人设定口令, and each 监票人开启计票), "
              "not on the server."]
    return "\n".join(lines)


def tables(results: list[dict], crypto: dict, scrypt: float) -> str:
    parts = [cast_table(results, crypto)]
    if any("engine" in r for r in results):
        parts.append(engine_table(results))
    parts.append(tally_table(results, scrypt))
    return "\n\n".join(parts)


def measure(urls: list[str], small: bool = False) -> str:
    """Run everything on each database and return the section's tables."""
    results = [run(url, 40 if small else 200, VOTERS, 2 if small else 5, 1 if small else 3) for url in urls]
    return tables(results, crypto_cost(30 if small else 100), scrypt_cost(3 if small else 5))


def main() -> None:
    import argparse

    from bench.run import cpu_reference, machine
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    before = cpu_reference()
    urls = ["sqlite:////tmp/powerflow-bench-ballots.sqlite"] + ([] if args.sqlite_only else [args.pg])
    text = measure(urls, args.quick)
    after = cpu_reference()
    print(f"Measured: {machine(args.pg)}" + (" · **--quick sizes**" if args.quick else ""))
    print(f"10,000,000-step Python loop: {before:.2f} s before, {after:.2f} s after.\n")
    print(text)


if __name__ == "__main__":
    main()
