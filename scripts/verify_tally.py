"""Check a meeting's secret-ballot totals from what any member can read, trusting neither server nor tellers.

    .venv/bin/python scripts/verify_tally.py --url https://powerflow.example --token TOKEN --meeting 12
    .venv/bin/python scripts/verify_tally.py --file ballots.json      # GET /api/v1/instances/12/ballots, saved

For every vote of the meeting it checks that every ballot proves it encrypts exactly one valid choice,
that no ballot appears twice, that the combined ciphertexts are the sums of the ballots, that every
teller's partial decryption proves it used that teller's key share, that the tellers' shares belong to
the meeting's public key, and that the shares open the combined ciphertexts to the totals shown.
Exit status 0 when everything holds, 1 with each problem printed otherwise.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.committee.ballots import elgamal, group as g, threshold  # noqa: E402  (the same primitives, libsodium)


def verify(evidence: dict) -> tuple[list[str], list[str]]:
    """(what was checked, problems) for a meeting's ballot evidence."""
    checked, problems = [], []
    key = g.point_from_hex(evidence["public_key"])
    t = evidence["threshold"]
    tellers = {x["index"]: g.point_from_hex(x["verification_key"]) for x in evidence["tellers"]}
    for subset in itertools.combinations(sorted(tellers), t):
        joint = g.IDENTITY
        for i in subset:
            joint = g.add(joint, g.mul(threshold.lagrange(i, list(subset)), tellers[i]))
        if joint != key:
            problems.append(f"tellers {subset} do not hold shares of the meeting's key")
    checked.append(f"{len(tellers)} tellers, any {t} of them hold shares of the meeting's key")
    for vote in evidence["votes"]:
        label = vote["title"] or vote["item_key"]
        k, context = len(vote["options"]), vote["context"]
        points = []
        for n, ballot in enumerate(vote["ballots"], start=1):
            try:
                points.append(elgamal.verify(key, ballot, k, context))
            except elgamal.InvalidBallot as err:
                problems.append(f"{label}: ballot {n} is invalid ({err})")
        seen = [json.dumps(b["c"]) for b in vote["ballots"]]
        if len(set(seen)) != len(seen):
            problems.append(f"{label}: a ballot appears twice")
        combined = elgamal.combine(points, k)
        if [[a.hex(), b.hex()] for a, b in combined] != vote["combined"]:
            problems.append(f"{label}: the combined ciphertexts are not the sum of the ballots")
        partials: dict[int, list[bytes]] = {}
        for share in vote["shares"]:
            try:
                X = tellers[share["index"]]
                partials[share["index"]] = [threshold.verify_partial(X, A, p, context)
                                            for (A, _B), p in zip(combined, share["partials"], strict=True)]
            except (KeyError, ValueError) as err:
                problems.append(f"{label}: teller {share.get('index')}'s decryption does not hold ({err})")
        totals = vote["totals"]
        if len(partials) < t:
            if totals is not None:
                problems.append(f"{label}: totals shown although fewer than {t} tellers opened them")
            checked.append(f"{label}: {len(points)} ballots, not yet opened")
            continue
        used = dict(itertools.islice(partials.items(), t))
        try:
            opened = {option: threshold.open_total(B, {i: d[j] for i, d in used.items()}, len(points))
                      for j, (option, (_A, B)) in enumerate(zip(vote["options"], combined))}
        except ValueError as err:
            problems.append(f"{label}: {err}")
            continue
        shown = {o: v for o, v in (totals or {}).items() if o != "total"}
        if opened != shown or (totals or {}).get("total") != len(points):
            problems.append(f"{label}: the totals shown {totals} are not what the ballots hold {opened}")
        checked.append(f"{label}: {len(points)} ballots, opened by tellers {sorted(used)}: "
                       + ", ".join(f"{o} {v}" for o, v in opened.items()))
    return checked, problems


def _fetch(url: str, token: str, meeting: int) -> dict:
    request = urllib.request.Request(f"{url.rstrip('/')}/api/v1/instances/{meeting}/ballots",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, help="the evidence saved from GET /api/v1/instances/<id>/ballots")
    parser.add_argument("--url", help="the powerflow server")
    parser.add_argument("--token", help="an API token of a member who may read the meeting")
    parser.add_argument("--meeting", type=int, help="the meeting's matter id")
    args = parser.parse_args(argv)
    if args.file:
        evidence = json.loads(args.file.read_text(encoding="utf-8"))
    elif args.url and args.token and args.meeting:
        evidence = _fetch(args.url, args.token, args.meeting)
    else:
        parser.error("give --file, or --url with --token and --meeting")
    checked, problems = verify(evidence)
    for line in checked:
        print("ok    ", line)
    for line in problems:
        print("FAILED", line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
