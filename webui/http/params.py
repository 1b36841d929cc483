"""Numbers taken from URLs and query strings, kept within what the database can hold."""
from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # ids are INTEGER columns on both backends
MAX_OFFSET = 10**7


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: an id too large to exist is simply not found (404), never a database error."""

    regex = r"\d{1,10}"  # longer numbers match no route (404)

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else 0  # 0 is never an id: the view answers 404


def bounded_arg(name: str, default: int, low: int, high: int) -> int:
    """An integer query argument clamped to [low, high]; anything unreadable is the default."""
    value = request.args.get(name, default, type=int)
    return min(max(value, low), high)


def page_number() -> int:
    return bounded_arg("page", 1, 1, MAX_OFFSET // 50)
