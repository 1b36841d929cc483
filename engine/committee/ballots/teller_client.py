"""What a teller's browser computes (webui/static/teller_src.js), for clients without one: the demo, tests, benchmarks.

Both functions take the field's ``x-teller-context`` as the task page or ``GET /api/v1/tasks/<id>`` gives it.
"""
from __future__ import annotations

import json

from engine.committee.ballots import group as g, threshold


def public_key(passphrase: str, context: dict) -> str:
    """The teller's public key (hex) for the 监票人设定口令 step."""
    return g.base_mul(threshold.teller_secret(passphrase, context["salt"])).hex()


def tally_share(passphrase: str, context: dict) -> str:
    """The teller's partial decryptions of a vote's totals, with proofs, for the 监票人开启计票 step."""
    share = context["share"]
    stored = threshold.Share(share["index"], bytes.fromhex(share["verification_key"]),
                             bytes.fromhex(share["wrap_point"]), bytes.fromhex(share["wrapped"]))
    x_i = threshold.unwrap(threshold.teller_secret(passphrase, context["salt"]), stored)
    partials = [threshold.partial_decrypt(x_i, stored.verification_key, bytes.fromhex(a), context["context"])
                for a in context["ciphertexts"]]
    return json.dumps({"index": share["index"], "partials": partials})


def answer(passphrase: str, form: dict) -> dict:
    """The whole answer to a teller step, given its form (JSON Schema with each field's ``x-teller-context``)."""
    data = {}
    for name, prop in form.get("properties", {}).items():
        if prop.get("x-teller") == "key":
            data[name] = public_key(passphrase, prop["x-teller-context"])
        elif prop.get("x-teller") == "share":
            data[name] = tally_share(passphrase, prop["x-teller-context"])
    return data
