"""JSON nested deeper than JSON_MAX_DEPTH (default 64) is refused with HTTP 400 before it is parsed.

Python's parser recurses once per level, so a body of 100,000 "[" would raise RecursionError deep in
a request; every JSON read in the app goes through the provider below, which measures the nesting
first (linearly, at C speed) and turns a RecursionError that still happens into the same 400.
"""
from __future__ import annotations

import json
import re
from itertools import accumulate

from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from webui.http.errors import respond

_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class TooDeep(BadRequest):
    """A JSON document nested deeper than the app allows."""

    def __init__(self, limit: int):
        super().__init__(_("JSON 嵌套过深：最多 %(limit)d 层", limit=limit))
        self.limit = limit


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text; brackets inside strings do not count."""
    # Without escaped backslashes, then escaped quotes, every string is quote, text, quote: the even
    # pieces between quotes are the structure (exact for valid JSON; invalid JSON fails to parse anyway).
    bare = text.replace("\\\\", "").replace('\\"', "")
    structure = _NOT_BRACKET.sub("", "".join(bare.split('"')[::2]))
    return max(accumulate(map(_STEP.__getitem__, structure)), default=0)


class DepthLimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, refusing (TooDeep) documents nested deeper than JSON_MAX_DEPTH."""

    def loads(self, s: str | bytes, **kwargs):
        """Parse ``s`` as the default provider does, once its nesting is within the limit."""
        text = s.decode(json.detect_encoding(s), "surrogatepass") if isinstance(s, (bytes, bytearray)) else s
        limit = self._app.config["JSON_MAX_DEPTH"]
        if nesting_depth(text) > limit:
            raise TooDeep(limit)
        try:
            return super().loads(text, **kwargs)
        except RecursionError:  # a limit set higher than the interpreter's recursion allows
            raise TooDeep(limit) from None


def init_app(app) -> None:
    """Read all JSON through DepthLimitedJSONProvider (keeping the app's JSON settings); TooDeep is a 400.

    The limit is the app's JSON_MAX_DEPTH setting (POWERFLOW_JSON_MAX_DEPTH, checked in create_app).
    """
    provider = DepthLimitedJSONProvider(app)
    provider.__dict__.update({k: v for k, v in vars(app.json).items() if k != "_app"})
    app.json = provider

    @app.errorhandler(TooDeep)
    def _too_deep(error: TooDeep):
        return respond(400, _("JSON 嵌套过深：最多 %(limit)d 层", limit=error.limit), code="json.too_deep",
                       params={"limit": error.limit})
